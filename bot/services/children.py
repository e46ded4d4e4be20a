"""Finding children for a picker: by name within what the policy lets the actor reach, and a child's name."""

from __future__ import annotations

from bot.domain.models import Child
from bot.domain.roles import Access, Actor, scope_for
from bot.services import Services
from bot.storage import children
from bot.storage import concerns as concerns_store


async def search(
    services: Services, actor: Actor, access: Access, query: str, *, limit: int
) -> tuple[list[Child], int]:
    """Children whose name contains `query` (empty: all) among those the actor may do `access` with; plus the total."""
    return await children.search(services.db, query, scope_for(actor, access), limit=limit)


async def search_all(
    services: Services, actor: Actor, access: Access, query: str, *, limit: int
) -> tuple[list[tuple[int, str, str]], int]:
    """(id, name, class label) of any child the actor may do `access` with whose name contains the query (for
    those who reach a whole school: a short line each, no archive read)."""
    return await children.search_all(services.db, query, scope_for(actor, access), limit=limit)


async def child_name(services: Services, child_id: int) -> str | None:
    return await children.child_name(services.db, child_id)


async def child_of_checkin(services: Services, checkin_id: int) -> int | None:
    """The child a check-in is about, if the check-in exists."""
    return await concerns_store.checkin_child(services.db, checkin_id)
