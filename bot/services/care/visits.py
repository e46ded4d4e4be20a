"""Home visits and talks (家访/谈话) and the follow-ups they leave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.care import VisitKind
from bot.domain.roles import Access, Actor, may, reaches_every_child
from bot.services import AccessDenied, NotFound, Services
from bot.services.care.common import AlreadyDone, InvalidChange, child_for_care, today, write_audit
from bot.storage import children
from bot.storage import pairings as pairings_store
from bot.storage import visits as visits_store
from bot.storage.visits import Followup


@dataclass(frozen=True)
class FollowupDraft:
    action: str
    due: date


async def save_visit(
    services: Services,
    actor: Actor,
    child_id: int,
    *,
    kind: VisitKind,
    visit_date: date,
    participants: str,
    notes: str,
    followup: FollowupDraft | None,
    flow_token: str,
) -> int | None:
    """Stores a visit or talk (and its follow-up) once per flow token; None if it was stored already."""
    child = await child_for_care(services, actor, child_id)
    if visit_date > today(services):
        raise InvalidChange("invalid.date_future")
    if visit_date < child.birth_date:
        raise InvalidChange("care.invalid_before_birth")
    now = services.now()
    async with services.db.transaction():
        pairing = await pairings_store.active_pairing(services.db, child_id)
        pairing_id = pairing.id if pairing and pairing.mentor_id == actor.user_id else None
        visit_id = await visits_store.insert_visit(
            services.db,
            child_id=child_id,
            kind=kind.value,
            visit_date=visit_date,
            participants=participants,
            notes=notes,
            author_id=actor.user_id,
            pairing_id=pairing_id,
            now=now,
            flow_token=flow_token,
        )
        if visit_id is None:
            return None
        if followup is not None:
            await visits_store.insert_followup(
                services.db,
                visit_id=visit_id,
                child_id=child_id,
                owner_id=actor.user_id,
                action=followup.action,
                due=followup.due,
                now=now,
            )
        await write_audit(services, actor, "care.visit", child_id, f"visit={visit_id},kind={kind.value}")
    return visit_id


async def my_followups(services: Services, actor: Actor, *, limit: int, offset: int) -> tuple[list[Followup], int]:
    """The actor's open follow-ups, soonest due first (children they may no longer see are left out)."""
    found, total = await visits_store.open_followups(services.db, actor.user_id, limit=limit, offset=offset)
    shown = []
    for item in found:
        child = await children.get_child(services.db, item.child_id)
        if child and may(actor, Access.LOG_CARE, child.scope):
            shown.append(item)
    if shown:
        async with services.db.transaction():
            for item in shown:
                await write_audit(services, actor, "list", item.child_id, "followups")
    return shown, total


async def complete_followup(services: Services, actor: Actor, followup_id: int) -> Followup:
    """Marks a follow-up done: its owner (or an admin), for a child they may still log care for."""
    item = await visits_store.get_followup(services.db, followup_id)
    if item is None:
        raise NotFound
    if item.owner_id != actor.user_id and not reaches_every_child(actor, Access.LOG_CARE):
        await write_audit(services, actor, "denied", item.child_id, "care.followup_done")
        raise AccessDenied
    await child_for_care(services, actor, item.child_id)
    async with services.db.transaction():
        if not await visits_store.mark_followup_done(services.db, followup_id, actor.user_id, services.now()):
            raise AlreadyDone("care.followup_already_done")
        await write_audit(services, actor, "care.followup_done", item.child_id, f"followup={followup_id}")
    updated = await visits_store.get_followup(services.db, followup_id)
    assert updated is not None
    return updated
