"""Pairing a child with a staff mentor (结对帮扶) and with a classmate buddy (手拉手)."""

from __future__ import annotations

from bot.domain import care as rules
from bot.domain.models import Child
from bot.domain.roles import Access, Actor
from bot.services import Services
from bot.services.access import authorised_child
from bot.services.care.common import AlreadyDone, InvalidChange, today, write_audit
from bot.storage import pairings as pairings_store
from bot.storage.pairings import Pairing


async def child_for_pairing(services: Services, actor: Actor, child_id: int) -> tuple[Child, Pairing | None]:
    child = await authorised_child(services, actor, child_id, Access.PAIR)
    await write_audit(services, actor, "care.pairing_view", child_id)
    return child, await pairings_store.active_pairing(services.db, child_id)


async def staff_for_pairing(services: Services, actor: Actor, child_id: int) -> list[tuple[int, str]]:
    """Who may mentor this child: the staff of the child's school."""
    child = await authorised_child(services, actor, child_id, Access.PAIR)
    return await pairings_store.staff_members(services.db, child.school_id)


async def pair(services: Services, actor: Actor, child_id: int, mentor_id: int, cadence_days: int) -> Pairing:
    """An admin of the child's school makes `mentor_id` (one of its staff) the child's mentor, ending the previous
    pairing (history kept)."""
    child = await authorised_child(services, actor, child_id, Access.PAIR)
    if not 1 <= cadence_days <= rules.MAX_CADENCE:
        raise InvalidChange("care.invalid_cadence")
    if mentor_id not in {user_id for user_id, _ in await pairings_store.staff_members(services.db, child.school_id)}:
        raise InvalidChange("care.pair_not_staff")
    now = services.now()
    async with services.db.transaction():
        current = await pairings_store.active_pairing(services.db, child_id)
        if current and current.mentor_id == mentor_id and current.cadence_days == cadence_days:
            raise AlreadyDone("care.pair_unchanged")
        await pairings_store.end_pairing(services.db, child_id, now)
        pairing_id = await pairings_store.start_pairing(
            services.db,
            mentor_id=mentor_id,
            child_id=child_id,
            cadence_days=cadence_days,
            created_by=actor.user_id,
            now=now,
        )
        await write_audit(services, actor, "care.pair", child_id, f"pairing={pairing_id}")
    pairing = await pairings_store.active_pairing(services.db, child_id)
    assert pairing is not None
    return pairing


async def unpair(services: Services, actor: Actor, child_id: int) -> Pairing:
    """An admin of the child's school ends the child's pairing; returns the ended one."""
    await authorised_child(services, actor, child_id, Access.PAIR)
    async with services.db.transaction():
        current = await pairings_store.active_pairing(services.db, child_id)
        if current is None:
            raise AlreadyDone("care.pair_none_to_end")
        await pairings_store.end_pairing(services.db, child_id, services.now())
        await write_audit(services, actor, "care.unpair", child_id, f"pairing={current.id}")
    return current


async def set_buddy(services: Services, actor: Actor, child_id: int, buddy_name: str) -> None:
    """The head teacher (or an admin) records a classmate as the child's buddy; the old pair is ended."""
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    now, day = services.now(), today(services)
    async with services.db.transaction():
        await pairings_store.end_buddy(services.db, child_id, on=day, by=actor.user_id)
        buddy_id = await pairings_store.start_buddy(
            services.db,
            child_id=child_id,
            buddy_name=buddy_name,
            buddy_class_id=child.class_id,
            on=day,
            by=actor.user_id,
            now=now,
        )
        await write_audit(services, actor, "care.buddy", child_id, f"buddy_pair={buddy_id}")


async def end_buddy(services: Services, actor: Actor, child_id: int) -> None:
    await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    async with services.db.transaction():
        if not await pairings_store.end_buddy(services.db, child_id, on=today(services), by=actor.user_id):
            raise AlreadyDone("care.buddy_none_to_end")
        await write_audit(services, actor, "care.buddy_end", child_id)


async def buddy_of(services: Services, actor: Actor, child_id: int) -> tuple[Child, pairings_store.BuddyPair | None]:
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    await write_audit(services, actor, "care.buddy_view", child_id)
    return child, await pairings_store.active_buddy(services.db, child_id)
