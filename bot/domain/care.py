"""Care rules in plain Python: the rating scale, worries, visit kinds, cadence and "overdue", enrolment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from bot.domain.validation import InvalidInput, parse_date

# The check-in scale, best first (the order of the buttons): 3 good, 2 so-so, 1 needs attention.
RATINGS = (3, 2, 1)
GOOD = 3
LOW = 1
ASPECTS = ("study", "life", "mood", "health")
# A low rating of these aspects asks whether to raise a concern.
WORRY_ASPECTS = ("mood", "health")
CADENCES = (7, 14, 30)
MAX_CADENCE = 365
NOTE_MAX = 1000
SHORT_MAX = 200


class VisitKind(StrEnum):
    HOME_VISIT = "home_visit"
    PHONE_CALL = "phone_call"
    SCHOOL_TALK = "school_talk"


class Enrolment(StrEnum):
    ENROLLED = "enrolled"
    TRANSFERRED = "transferred"
    GRADUATED = "graduated"
    DROPPED_OUT = "dropped_out"


class Boarding(StrEnum):
    REQUESTED = "requested"
    GRANTED = "granted"
    DECLINED = "declined"


def parse_rating(raw: str | int) -> int:
    """A rating from a button; anything outside the scale is refused (buttons can be forged)."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidInput("care.invalid_rating") from None
    if value not in RATINGS:
        raise InvalidInput("care.invalid_rating")
    return value


@dataclass(frozen=True)
class Ratings:
    study: int
    life: int
    mood: int
    health: int

    @classmethod
    def all_fine(cls) -> Ratings:
        return cls(GOOD, GOOD, GOOD, GOOD)

    def __post_init__(self) -> None:
        for aspect in ASPECTS:
            parse_rating(getattr(self, aspect))

    def low_aspects(self) -> tuple[str, ...]:
        return tuple(a for a in WORRY_ASPECTS if getattr(self, a) == LOW)


def is_worry(ratings: Ratings, *, note_flagged: bool) -> bool:
    """A check-in is flagged when mood or health is rated low, or the teacher marked the note as a worry."""
    return note_flagged or bool(ratings.low_aspects())


def local_date(moment: datetime, zone: tzinfo) -> date:
    """The calendar date of an instant in the school's time zone."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(zone).date()


def next_contact_due(started_on: date, cadence_days: int, last_contact: date | None) -> date:
    """When the next visit or talk is due: a cadence after the last contact since the pairing began
    (contacts before the pairing do not count), or a cadence after the pairing began."""
    if cadence_days <= 0:
        raise ValueError("cadence must be positive")
    base = started_on if last_contact is None or last_contact < started_on else last_contact
    return base + timedelta(days=cadence_days)


def is_overdue(today: date, started_on: date, cadence_days: int, last_contact: date | None) -> bool:
    """Overdue once the due day has passed (on the due day itself the contact is due, not overdue)."""
    return today > next_contact_due(started_on, cadence_days, last_contact)


def parse_cadence(text: str) -> int:
    """A cadence typed as a number of days (1..365)."""
    value = text.strip()
    if not value.isdigit():
        raise InvalidInput("care.invalid_cadence")
    days = int(value)
    if not 1 <= days <= MAX_CADENCE:
        raise InvalidInput("care.invalid_cadence")
    return days


def parse_event_date(text: str, *, today: date, birth: date) -> date:
    """A date something happened to a child: not in the future, not before the child was born."""
    day = parse_date(text, today=today)
    if day < birth:
        raise InvalidInput("care.invalid_before_birth")
    return day


def parse_due_date(text: str, *, today: date) -> date:
    """A follow-up's due date: today or later, within a year."""
    day = parse_date(text, today=date.max)
    if day < today:
        raise InvalidInput("care.invalid_due_past")
    if day > today + timedelta(days=366):
        raise InvalidInput("care.invalid_due_far")
    return day


def enrolment_choices(current: Enrolment) -> tuple[Enrolment, ...]:
    """What a child's enrolment may change to: an enrolled child leaves, one who left may re-enrol."""
    if current is Enrolment.ENROLLED:
        return (Enrolment.TRANSFERRED, Enrolment.GRADUATED, Enrolment.DROPPED_OUT)
    return (Enrolment.ENROLLED,)
