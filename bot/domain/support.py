"""The support network's plain rules: the partners a child is referred to, a referral's statuses, and what a
referral may share of the card."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from bot.domain.archive import FIELDS
from bot.domain.validation import InvalidInput, parse_date

# The fields a referral may share, in card order (their index is what a button carries). The name is always shared:
# a partner cannot help a child they cannot name.
ALWAYS_SHARED = "name"
SHAREABLE: tuple[str, ...] = tuple(f.name for f in FIELDS if f.name != ALWAYS_SHARED)


class Partner(StrEnum):
    """The bodies outside the school a child is referred to."""

    WOMEN = "women"  # 妇联
    YOUTH_LEAGUE = "youth_league"  # 团委
    ELDERS = "elders"  # 关工委
    CHILD_DIRECTOR = "child_director"  # the village child director (儿童主任)
    CIVIL_AFFAIRS = "civil_affairs"  # 民政
    POLICE = "police"
    HOSPITAL = "hospital"


class Status(StrEnum):
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"


OPEN = frozenset({Status.SENT, Status.ACCEPTED})
# Where a referral may go from each open status (a closed one stays closed: the partner's access ends with it).
NEXT: dict[Status, tuple[Status, ...]] = {
    Status.SENT: (Status.ACCEPTED, Status.DECLINED, Status.DONE),
    Status.ACCEPTED: (Status.DONE, Status.DECLINED),
}

MAX_ACTIONS = 8  # actions in one help plan
PLAN_TEXT_LIMIT = 500  # an assessment, an action, an outcome
REASON_LIMIT = 500
PARTNER_NAME_LIMIT = 40


def parse_due(text: str, *, today: date) -> date:
    """A due or review date: today or later, within a year (the formats of bot.domain.validation.parse_date)."""
    try:
        return parse_date(text, today=today + timedelta(days=366), earliest=today)
    except InvalidInput as problem:
        if problem.reason in ("invalid.date_future", "invalid.date_too_early"):
            raise InvalidInput("plan.due_range") from None
        raise
