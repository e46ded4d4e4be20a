"""Boarding requests (寄宿优先): asked for by the head teacher, decided by an admin."""

from __future__ import annotations

from bot.domain.roles import Access, Actor, may_do, scope_for
from bot.services import AccessDenied, NotFound, Services
from bot.services.access import authorised_child
from bot.services.care.common import AlreadyDone, InvalidChange, write_audit
from bot.storage import boarding as boarding_store
from bot.storage.boarding import BoardingRequest


async def request_boarding(services: Services, actor: Actor, child_id: int) -> int:
    """The head teacher (or an admin) asks for a boarding place for the child."""
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    if child.boarding == "yes":
        raise InvalidChange("care.boarding_already_boarding")
    async with services.db.transaction():
        request_id = await boarding_store.request_boarding(
            services.db, child_id=child_id, by=actor.user_id, now=services.now()
        )
        if request_id is None:
            raise AlreadyDone("care.boarding_already_requested")
        await write_audit(services, actor, "care.boarding_request", child_id, f"request={request_id}")
    return request_id


async def decide_boarding(services: Services, actor: Actor, request_id: int, *, granted: bool) -> BoardingRequest:
    """An admin of the child's school grants or declines an open request."""
    if not may_do(actor, Access.DECIDE_BOARDING):
        raise AccessDenied
    request = await boarding_store.get_boarding(services.db, request_id)
    if request is None:
        raise NotFound
    await authorised_child(services, actor, request.child_id, Access.DECIDE_BOARDING)
    async with services.db.transaction():
        if not await boarding_store.decide_boarding(
            services.db, request_id, granted=granted, by=actor.user_id, now=services.now()
        ):
            raise AlreadyDone("care.boarding_already_decided")
        detail = f"request={request_id},{'granted' if granted else 'declined'}"
        await write_audit(services, actor, "care.boarding_decide", request.child_id, detail)
    decided = await boarding_store.get_boarding(services.db, request_id)
    assert decided is not None
    return decided


async def boarding_list(
    services: Services, actor: Actor, *, limit: int, offset: int
) -> tuple[list[BoardingRequest], int]:
    """Open requests: an admin sees all, a head teacher their classes'. The children listed are audited."""
    within = scope_for(actor, Access.EDIT_CARD)
    if within.empty:
        raise AccessDenied
    found, total = await boarding_store.open_boarding_requests(services.db, scope=within, limit=limit, offset=offset)
    if found:
        async with services.db.transaction():
            for request in found:
                await write_audit(services, actor, "list", request.child_id, "boarding")
    return found, total
