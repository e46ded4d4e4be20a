"""Help plans for a child at high risk (评估帮扶): open one (the assessment, actions each with an owner of the
child's school and a due date, a review date), ask to close it with an outcome, and the leadership's approval;
the owners' and the review's reminders through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import buttons as bt
from bot.domain.messages import Choice, Notification, message
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may, scope_for
from bot.domain.safety import RiskLevel, effective_risk
from bot.domain.support import MAX_ACTIONS
from bot.services import AccessDenied, NotFound, Services, message_kinds
from bot.services.access import authorised_child
from bot.services.care.common import InvalidChange
from bot.storage import audit, children, people, recipients, risks
from bot.storage import help_plans as store
from bot.storage.help_plans import HelpPlan as HelpPlan

PICK_LIMIT = 8
ACTION_DUE = "plan.action_due"  # the outbox kinds
REVIEW_DUE = "plan.review_due"
CLOSE_ASKED = "plan.close_asked"
CLOSED = "plan.closed"


@dataclass(frozen=True)
class NewAction:
    what: str
    owner_id: int
    due_on: date


def today(services: Services) -> date:
    return services.now().astimezone(services.config.school.timezone).date()


async def quick_picks(services: Services, actor: Actor) -> list[Child]:
    """The children a plan is for: those at high risk, of the actor's reach."""
    ids = await store.high_risk_ids(services.db, scope_for(actor, Access.HELP_PLAN), PICK_LIMIT)
    found = await children.get_children(services.db, ids)  # one statement, not one per child
    return [found[child_id] for child_id in ids if child_id in found]


async def child_for_plan(services: Services, actor: Actor, child_id: int) -> Child:
    return await authorised_child(services, actor, child_id, Access.HELP_PLAN)


async def is_high_risk(services: Services, child_id: int) -> bool:
    risk = await risks.get_risk(services.db, child_id)
    return effective_risk(risk.level, risk.open_concerns) is RiskLevel.HIGH


async def open_plan(services: Services, actor: Actor, child_id: int) -> HelpPlan | None:
    """The child's plan not yet closed, for someone who may open one; the read is audited."""
    await child_for_plan(services, actor, child_id)
    plan = await store.open_plan(services.db, child_id)
    if plan is not None:
        await audit.record(
            services.db, at=services.now(), actor_id=actor.user_id, action="plan.view", child_id=child_id,
            detail=f"plan:{plan.id}",
        )  # fmt: skip
    return plan


async def for_card(services: Services, actor: Actor, child: Child) -> HelpPlan | None:
    """The open plan shown on the card to the school's own readers (never to a family or a partner); the card's
    read is audited already."""
    if not may(actor, Access.SCHOOL_VIEW, child.scope):
        return None
    return await store.open_plan(services.db, child.id)


async def owners(services: Services, actor: Actor, child_id: int) -> list[tuple[int, str]]:
    """Who may own an action of this child's plan: the staff of the child's school."""
    child = await child_for_plan(services, actor, child_id)
    return await store.staff_of_school(services.db, child.school_id)


async def save_plan(
    services: Services,
    actor: Actor,
    child_id: int,
    *,
    assessment: str,
    actions: list[NewAction],
    review_on: date,
    flow_token: str | None = None,
) -> int:
    """Opens the plan: the child must be at high risk and have no open plan; every owner is staff of the child's
    school. Audited (the plan's id, never its words)."""
    child = await child_for_plan(services, actor, child_id)
    if not await is_high_risk(services, child_id):
        raise InvalidChange("plan.not_high_risk")
    if not actions or len(actions) > MAX_ACTIONS:
        raise InvalidChange("plan.no_actions")
    staff = {user_id for user_id, _ in await store.staff_of_school(services.db, child.school_id)}
    if any(action.owner_id not in staff for action in actions):
        raise AccessDenied
    now = services.now()
    async with services.db.transaction():
        plan_id = await store.insert_plan(
            services.db, child_id=child_id, assessment=assessment, review_on=review_on,
            actions=[(a.what, a.owner_id, a.due_on) for a in actions], created_by=actor.user_id, now=now,
            flow_token=flow_token,
        )  # fmt: skip
        if plan_id is None:
            raise InvalidChange("plan.already_open")
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="plan.open", child_id=child_id, detail=f"plan:{plan_id}"
        )
    return plan_id


async def _language(services: Services, user_id: int) -> str | None:
    return (await people.load_actor(services.db, user_id)).language


async def ask_close(services: Services, actor: Actor, child_id: int, outcome: str) -> HelpPlan:
    """Asks the leadership to close the child's open plan, with its outcome: each admin of the child's school gets
    the approval button through the outbox."""
    child = await child_for_plan(services, actor, child_id)
    plan = await store.open_plan(services.db, child_id)
    if plan is None:
        raise NotFound
    now = services.now()
    async with services.db.transaction():
        if not await store.ask_close(services.db, plan.id, outcome, actor.user_id):
            raise InvalidChange("plan.close_pending")
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="plan.ask_close", child_id=child_id,
            detail=f"plan:{plan.id}",
        )  # fmt: skip
        text = message("plan.close_request", child=child.name, outcome=outcome)
        buttons = ((Choice(message("plan.button.approve"), bt.PlanApprove(plan.id)),),)
        for admin in await people.admin_ids(services.db, child.school_id):
            notification = Notification(admin, await _language(services, admin), text, buttons)
            await message_kinds.queue(
                services, notification, kind=CLOSE_ASKED, dedup_key=str(plan.id), school_id=child.school_id
            )
    return plan


async def approve_close(services: Services, actor: Actor, plan_id: int) -> tuple[Child, HelpPlan]:
    """An admin of the child's school approves closing the plan; its author hears of it through the outbox."""
    plan = await store.get_plan(services.db, plan_id)
    if plan is None:
        raise NotFound
    child = await authorised_child(services, actor, plan.child_id, Access.APPROVE_PLAN)
    now = services.now()
    async with services.db.transaction():
        if not await store.approve_close(services.db, plan_id, actor.user_id, now):
            raise InvalidChange("plan.not_closing")
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="plan.close", child_id=child.id,
            detail=f"plan:{plan_id}",
        )  # fmt: skip
        if plan.created_by != actor.user_id:
            text = message("plan.closed_notice", child=child.name)
            notification = Notification(plan.created_by, await _language(services, plan.created_by), text)
            await message_kinds.queue(
                services, notification, kind=CLOSED, dedup_key=str(plan_id), school_id=child.school_id
            )
    return child, plan


async def queue_reminders(services: Services) -> int:
    """Tick: each action due today or before reminds its owner once; a review date due reminds the plan's author
    and the child's head teachers once. Marks and queued rows in one transaction. Returns the number queued."""
    day = today(services)
    now = services.now()
    queued = 0
    db = services.db
    async with db.transaction():
        for action in await store.due_actions(db, day):
            await store.mark_action_reminded(db, action.id, now)
            name = await children.child_name(db, action.child_id) or ""
            text = message("plan.action_reminder", child=name, what=action.what, due=action.due_on.isoformat())
            notification = Notification(action.owner_id, await _language(services, action.owner_id), text)
            queued += await message_kinds.queue(
                services, notification, kind=ACTION_DUE, dedup_key=str(action.id), school_id=action.school_id
            )
        for review in await store.due_reviews(db, day):
            await store.mark_review_reminded(db, review.plan_id, now)
            name = await children.child_name(db, review.child_id) or ""
            text = message("plan.review_reminder", child=name, due=review.review_on.isoformat())
            for user_id in dict.fromkeys([review.created_by, *await recipients.head_teachers(db, review.class_id)]):
                notification = Notification(user_id, await _language(services, user_id), text)
                queued += await message_kinds.queue(
                    services, notification, kind=REVIEW_DUE, dedup_key=str(review.plan_id), school_id=review.school_id
                )
    return queued
