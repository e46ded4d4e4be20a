"""Enrolment (控辍保学): a child's history of events, appended to, never overwritten."""

from __future__ import annotations

from datetime import date

from bot.domain import care as rules
from bot.domain.care import Enrolment
from bot.domain.models import Child
from bot.domain.roles import Access, Actor
from bot.services import Services
from bot.services.access import authorised_child
from bot.services.care.common import InvalidChange, today, write_audit
from bot.storage import enrolment as enrolment_store
from bot.storage.enrolment import EnrolmentEvent


async def enrolment(services: Services, actor: Actor, child_id: int) -> tuple[Child, list[EnrolmentEvent]]:
    """A child's enrolment history (oldest first) for whoever may change the card."""
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    history = await enrolment_store.enrolment_history(services.db, child_id)
    await write_audit(services, actor, "care.enrolment_view", child_id)
    return child, history


def current_status(history: list[EnrolmentEvent]) -> Enrolment:
    return Enrolment(history[-1].status) if history else Enrolment.ENROLLED


async def record_enrolment(
    services: Services,
    actor: Actor,
    child_id: int,
    status: Enrolment,
    *,
    effective: date,
    reason: str | None,
    flow_token: str,
) -> int | None:
    """Appends an enrolment event (never overwrites); None when this flow's event was stored already."""
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    if effective > today(services):
        raise InvalidChange("invalid.date_future")
    if effective < child.birth_date:
        raise InvalidChange("care.invalid_before_birth")
    async with services.db.transaction():
        history = await enrolment_store.enrolment_history(services.db, child_id)
        if history and effective < history[-1].effective_date:
            raise InvalidChange("care.enrol_before_last")
        if status not in rules.enrolment_choices(current_status(history)):
            if await enrolment_store.enrolment_flow_stored(services.db, flow_token):
                return None
            raise InvalidChange("care.enrol_not_allowed")
        event_id = await enrolment_store.insert_enrolment(
            services.db,
            child_id=child_id,
            status=status.value,
            effective=effective,
            reason=reason,
            by=actor.user_id,
            now=services.now(),
            flow_token=flow_token,
        )
        if event_id is not None:
            await write_audit(services, actor, "care.enrolment", child_id, f"event={event_id},status={status.value}")
    return event_id
