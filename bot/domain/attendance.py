"""School days and the words of the absence ledger (控辍保学): plain rules, no Telegram, no SQL.

A school day is Monday to Friday. Holidays and term breaks are not modelled: a teacher simply marks nobody absent
on such a day (an unmarked day counts as present), so a holiday never makes a child look absent.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

# Unexplained absences on this many school days in a row put a child on the suspected-dropout ledger (疑似辍学).
DAYS_TO_SUSPECT = 3


class Reason(StrEnum):
    UNKNOWN = "unknown"  # absent, no reason known: the head teacher calls the guardian today
    SICK = "sick"
    LEAVE = "leave"


# What one more tap on a child of the day's list makes of them: present → absent (no reason yet) → sick →
# on leave → present again.
NEXT_MARK: dict[Reason | None, Reason | None] = {
    None: Reason.UNKNOWN,
    Reason.UNKNOWN: Reason.SICK,
    Reason.SICK: Reason.LEAVE,
    Reason.LEAVE: None,
}


class Method(StrEnum):
    CALL = "call"
    VISIT = "visit"  # a home visit
    VILLAGE = "village"  # with the village committee or the township


class Outcome(StrEnum):
    RETURNED = "returned"  # back at school: the case closes (动态销号)
    NOT_YET = "not_yet"
    DROPPED_OUT = "dropped_out"  # the case closes with an enrolment event


def is_school_day(day: date) -> bool:
    return day.weekday() < 5


def school_days_back(day: date, count: int) -> list[date]:
    """`count` school days ending with `day` (a school day), latest first."""
    days: list[date] = []
    current = day
    while len(days) < count:
        if is_school_day(current):
            days.append(current)
        current -= timedelta(days=1)
    return days


def first_school_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while not is_school_day(day):
        day += timedelta(days=1)
    return day


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and last day of a month."""
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return start, following - timedelta(days=1)


def previous_month(day: date) -> tuple[int, int]:
    return (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
