"""The county office names one child at a time, for a stated reason: the school, a name, one of the matches, the
reason, then the card. Every list of matches is audited (names were seen), and so is the card, with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.domain.models import Child, School
from bot.domain.roles import Access, Actor, ChildFilter, visible_fields
from bot.services import AccessDenied, NotFound, Services
from bot.services.access import authorised, authorised_child
from bot.storage import audit, children, lookups, schools

# Why the county office opens a child's card (the audit keeps the code; "other" is explained in words).
Reason = Literal["verify", "case", "safety", "other"]
REASONS: tuple[Reason, ...] = ("verify", "case", "safety", "other")
MATCHES_SHOWN = 8
REASON_MAX = 200


async def schools_to_search(services: Services, actor: Actor) -> list[School]:
    await authorised(services, actor, Access.DRILL_DOWN, detail="lookup")
    return await schools.list_schools(services.db)


async def matches(
    services: Services, actor: Actor, school_id: int, query: str
) -> tuple[list[tuple[int, str, str]], int]:
    """(id, name, class label) of the school's children whose name contains `query`, at most MATCHES_SHOWN, and
    how many there are. The names shown are audited, one row per child."""
    await authorised(services, actor, Access.DRILL_DOWN, detail="lookup")
    if await schools.get_school(services.db, school_id) is None:
        raise NotFound
    found, total = await children.search_all(
        services.db, query, ChildFilter(school_ids=frozenset({school_id})), limit=MATCHES_SHOWN
    )
    await audit.record_many(
        services.db, at=services.now(), actor_id=actor.user_id, action="lookup_list",
        child_ids=[child_id for child_id, _, _ in found], detail=f"s{school_id}",
    )  # fmt: skip
    return found, total


@dataclass(frozen=True)
class LookedUp:
    child: Child
    fields: frozenset[str]


async def card(
    services: Services, actor: Actor, child_id: int, school_id: int, reason: str, note: str | None = None
) -> LookedUp:
    """One child's card for the reason given; the read is audited (action "lookup", the reason's code) and the
    reason kept with its words for "other"."""
    if reason not in REASONS or (reason == "other") != bool(note):
        raise ValueError(reason)
    child = await authorised_child(services, actor, child_id, Access.DRILL_DOWN, detail="lookup")
    if child.school_id != school_id:
        raise AccessDenied  # a child of another school than the one searched: not one of the matches shown
    now = services.now()
    async with services.db.transaction():
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="lookup", child_id=child_id, detail=f"reason={reason}"
        )
        await lookups.record(
            services.db, at=now, actor_id=actor.user_id, child_id=child_id, reason=reason,
            note=note if reason == "other" else None,
        )  # fmt: skip
    return LookedUp(child, visible_fields(actor, child.scope, Access.DRILL_DOWN))
