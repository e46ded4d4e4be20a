"""What the care use cases share: their two refusals of a change, the school's today, the audit row, and the
children an actor may log care for (the check, the search, the picker's quick picks)."""

from __future__ import annotations

from datetime import date

from bot.domain import care as rules
from bot.domain.messages import Reasoned
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, ChildFilter, home_classes, may, scope_for
from bot.services import Services, access
from bot.services.access import write_audit as write_audit
from bot.storage import children


class AlreadyDone(Reasoned):
    """The change was made already (a double tap, or someone else got there first); `reason` says which."""


class InvalidChange(Reasoned):
    """The change does not fit the record's current state; `reason` is a catalogue key."""


def today(services: Services) -> date:
    return rules.local_date(services.now(), services.config.school.timezone)


async def child_for_care(services: Services, actor: Actor, child_id: int) -> Child:
    return await access.authorised_child(services, actor, child_id, Access.LOG_CARE)


async def search_for_care(
    services: Services, actor: Actor, query: str, *, limit: int, offset: int = 0
) -> tuple[list[Child], int]:
    """Children the actor may log care for whose name contains `query`."""
    return await children.search(services.db, query, scope_for(actor, Access.LOG_CARE), limit=limit, offset=offset)


async def quick_picks(services: Services, actor: Actor, *, limit: int) -> list[Child]:
    """Buttons for the picker: the actor's recent check-ins first, then mentees, then their classes."""
    picked: dict[int, Child] = {}
    for recent in await children.recently_checked(services.db, actor.user_id, limit):
        if may(actor, Access.LOG_CARE, recent.scope):
            picked[recent.id] = recent
    candidates = [c for c in sorted(scope_for(actor, Access.LOG_CARE).child_ids) if c not in picked]
    # `limit` candidates per statement, not a statement per child: the first batch mostly fills the picks.
    while candidates and len(picked) < limit:
        batch, candidates = candidates[:limit], candidates[limit:]
        found = await children.get_children(services.db, batch)
        for child_id in batch:
            child = found.get(child_id)
            if len(picked) < limit and child and may(actor, Access.LOG_CARE, child.scope):
                picked[child.id] = child
    if len(picked) < limit and home_classes(actor):
        own = await children.listed(services.db, "", ChildFilter(class_ids=home_classes(actor)), limit=limit)
        for child in own:
            if len(picked) < limit:
                picked.setdefault(child.id, child)
    return list(picked.values())
