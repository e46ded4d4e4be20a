"""Family calls (亲情电话): plans, the reminders that fall due, the parents' answers, and alerts when a
child has had no confirmed call for too long or a parent cannot be reached.

Every reminder is queued in the durable outbox inside the transaction that records the period as done, so a
crash can neither lose nor duplicate one."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from bot import buttons as bt
from bot.domain import schedule
from bot.domain.clock import to_db
from bot.domain.messages import Buttons, Choice, Moment, Notification, Plan, Relation, message
from bot.domain.roles import Access, Actor
from bot.domain.schedule import CallPlan
from bot.services import Services, access
from bot.services.message_kinds import CALL, CALL_SNOOZE, NO_CONTACT, UNREACHABLE, local, queue
from bot.storage import audit, children, outbox
from bot.storage import family_calls as family_calls_store
from bot.storage import guardians as guardians_store
from bot.storage import recipients as recipients_store
from bot.storage import schools as schools_store

# Two call times of one plan are a period apart in local time; in UTC a daylight-saving change can move them.
SLOT_DRIFT = timedelta(hours=3)


OUTCOMES = {"c": "called", "n": "no_answer", "s": "snoozed"}


MAX_SNOOZES = 3


def slot_code(slot: datetime) -> int:
    """A call time as whole minutes since the epoch: short enough for callback data."""
    return int(slot.timestamp()) // 60


def slot_from_code(code: int) -> datetime:
    return datetime.fromtimestamp(code * 60, tz=UTC)


async def child_for_plan(services: Services, actor: Actor, child_id: int) -> Any:
    """The child, if the actor may set its family-call plan (head teacher of the class, admins)."""
    return await access.authorised_child(services, actor, child_id, Access.EDIT_CARD)


async def save_plan(services: Services, actor: Actor, plan: CallPlan) -> None:
    await child_for_plan(services, actor, plan.child_id)
    now = services.now()
    async with services.db.transaction():
        await family_calls_store.save_plan(services.db, plan, by=actor.user_id, now=now)
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="green.plan_set", child_id=plan.child_id,
            detail=f"rhythm={plan.rhythm}",
        )  # fmt: skip


async def current_plan(services: Services, child_id: int) -> CallPlan | None:
    """The child's family-call plan, if one is in force."""
    stored = await family_calls_store.get_plan(services.db, child_id)
    if stored is None or not stored.active:
        return None
    return stored.plan


async def stop_plan(services: Services, actor: Actor, child_id: int) -> bool:
    await child_for_plan(services, actor, child_id)
    now = services.now()
    async with services.db.transaction():
        stopped = await family_calls_store.stop_plan(services.db, child_id, now)
        await audit.record(services.db, at=now, actor_id=actor.user_id, action="green.plan_stop", child_id=child_id)
    return stopped


def call_buttons(child_id: int, slot: datetime) -> Buttons:
    code = slot_code(slot)
    return (
        (Choice(message("green.call.called"), bt.CallAnswer(child_id, code, "c")),),
        (Choice(message("green.call.no_answer"), bt.CallAnswer(child_id, code, "n")),),
        (Choice(message("green.call.snooze"), bt.CallAnswer(child_id, code, "s")),),
    )


async def _queue_call(
    services: Services, stored: family_calls_store.StoredPlan, user_id: int, language: str | None, slot: datetime, *,
    kind: str, dedup_key: str, not_before: datetime, school_id: int | None,
) -> bool:  # fmt: skip
    text = message("green.call.reminder", child=stored.child_name, when=Moment(slot), plan=Plan(stored.plan))
    notification = Notification(user_id, language, text, call_buttons(stored.plan.child_id, slot))
    return await queue(
        services, notification, kind=kind, dedup_key=dedup_key, not_before=not_before, school_id=school_id
    )


def _due_calls(
    plans: list[family_calls_store.StoredPlan], runs: dict[int, datetime], now: datetime, tz: tzinfo
) -> list[tuple[family_calls_store.StoredPlan, datetime]]:
    """The plans whose latest call time has passed and was not reminded yet, with that time (pure)."""
    due = []
    for stored in plans:
        done = runs.get(stored.plan.child_id)
        if done is not None and stored.created_at < done and now - done < _period(stored.plan) - SLOT_DRIFT:
            # The reminded call time is one of this plan's (unchanged since; saving a plan records its own time,
            # equal to updated_at, not a call time), and the next comes a whole period later: nothing can be due
            # yet. Most plans, on most ticks; working out the latest call time costs 30 times more.
            continue
        slot = schedule.latest_slot(stored.plan, now, tz)
        if slot is None or slot <= stored.created_at:
            continue
        if done is None or done < slot:
            due.append((stored, slot))
    return due


def _period(plan: CallPlan) -> timedelta:
    return timedelta(days=7 if plan.rhythm == schedule.WEEKLY else (plan.interval_days or 1))


async def queue_family_calls(services: Services) -> int:
    """Tick: for each plan whose latest call time has passed and was not queued yet, queue one reminder per
    bound parent (dedup key: child and call time) and record the call time as done, in one transaction."""
    now = services.now()
    tz = services.config.school.timezone
    queued = 0
    # Only the plans whose next call may have come (one query): the tick must stay cheap at 40,000 plans.
    looked_at = await family_calls_store.plans_to_look_at(services.db, now)
    plans = [stored for stored, _ in looked_at]
    runs = {stored.plan.child_id: last for stored, last in looked_at if last is not None}
    # Working out a county's 40,000 latest call times takes a CPU second: in a thread, so that replies to people
    # go on meanwhile instead of waiting for the event loop.
    school_of: dict[int, int] | None = None  # read once, and only on a tick with a reminder to queue
    for stored, slot in await asyncio.to_thread(_due_calls, plans, runs, now, tz):
        if school_of is None:
            school_of = await schools_store.schools_of_classes(services.db)
        async with services.db.transaction():
            parents = await guardians_store.active_guardian_ids(services.db, stored.plan.child_id)
            languages = await recipients_store.user_languages(services.db, parents)
            for user_id in parents:
                key = f"{stored.plan.child_id}:{to_db(slot)}"
                if await _queue_call(
                    services, stored, user_id, languages.get(user_id), slot, kind=CALL, dedup_key=key, not_before=slot,
                    school_id=school_of.get(stored.class_id),
                ):  # fmt: skip
                    queued += 1
            await family_calls_store.set_run_slot(services.db, stored.plan.child_id, slot)
    return queued


@dataclass(frozen=True)
class CallAnswer:
    outcome: str  # called / no_answer / snoozed / duplicate / stale / unbound / no_plan / too_many
    child_name: str = ""
    slot: datetime | None = None
    current_slot: datetime | None = None


async def answer_call(services: Services, user_id: int, child_id: int, code: int, letter: str) -> CallAnswer:
    """A parent pressed a reminder button. Ids come from the client: the binding and the plan are re-checked."""
    outcome = OUTCOMES.get(letter)
    child = await children.get_child(services.db, child_id)
    if outcome is None or child is None or not await guardians_store.is_guardian(services.db, user_id, child_id):
        return CallAnswer("unbound")
    stored = await family_calls_store.get_plan(services.db, child_id)
    if stored is None or not stored.active:
        return CallAnswer("no_plan", child.name)
    now = services.now()
    slot = slot_from_code(code)
    current = schedule.latest_slot(stored.plan, now, services.config.school.timezone)
    if current is None or slot != current:
        # A reminder from an earlier call (last month's, or before the plan changed): nothing recorded.
        return CallAnswer("stale", child.name, slot, current)
    async with services.db.transaction():
        if outcome == "snoozed" and (
            await family_calls_store.snoozes(services.db, child_id, user_id, slot) >= MAX_SNOOZES
        ):
            return CallAnswer("too_many", child.name, slot)
        if not await family_calls_store.record_answer(
            services.db, child_id=child_id, user_id=user_id, slot=slot, outcome=outcome, now=now
        ):
            return CallAnswer("duplicate", child.name, slot)
        await audit.record(
            services.db, at=now, actor_id=user_id, action="green.call_answer", child_id=child_id, detail=outcome
        )
        if outcome == "snoozed":
            count = await family_calls_store.snoozes(services.db, child_id, user_id, slot)
            language = await recipients_store.user_language(services.db, user_id)
            await _queue_call(
                services, stored, user_id, language, slot, kind=CALL_SNOOZE,
                dedup_key=f"{child_id}:{to_db(slot)}:{count}", not_before=now + timedelta(hours=1),
                school_id=await schools_store.school_of_class(services.db, stored.class_id),
            )  # fmt: skip
    return CallAnswer(outcome, child.name, slot)


async def queue_no_contact_alerts(services: Services) -> int:
    """Tick: a child with a plan and no confirmed call for `no_contact_alert_days` -> the head teacher(s) and the
    mentor are told once per silence (dedup key: the child and the last contact)."""
    now = services.now()
    days = services.config.scheduler.no_contact_alert_days
    queued = 0
    # Bulk reads, then work only for the silent children and the alerts not queued yet: a county has 40,000
    # plans, and one query per plan on every tick kept the database busy for minutes, delaying every reply.
    silent = [
        (stored, last, last or stored.created_at)
        for stored, last in await family_calls_store.silent_plans(services.db, now - timedelta(days=days))
    ]
    if not silent:
        return 0
    heads = await recipients_store.head_teachers_by_class(services.db)
    mentors = await recipients_store.mentors_by_child(services.db)
    already = await outbox.queued_keys(services.db, NO_CONTACT)
    for stored, last, since in silent:
        child_id = stored.plan.child_id
        recipients = list(heads.get(stored.class_id, []))
        mentor = mentors.get(child_id)
        if mentor is not None and mentor not in recipients:
            recipients.append(mentor)
        recipients = [u for u in recipients if (u, f"{child_id}:{to_db(since)}") not in already]
        if not recipients:
            continue
        languages = await recipients_store.user_languages(services.db, recipients)
        school_id = await schools_store.school_of_class(services.db, stored.class_id)
        async with services.db.transaction():
            for user_id in recipients:
                text = message(
                    "green.no_contact.alert", child=stored.child_name, days=schedule.days_without_contact(since, now),
                    last=Moment(last) if last else message("green.no_contact.never"),
                )  # fmt: skip
                notification = Notification(user_id, languages.get(user_id), text)
                key = f"{child_id}:{to_db(since)}"
                if await queue(services, notification, kind=NO_CONTACT, dedup_key=key, now=now, school_id=school_id):
                    queued += 1
    return queued


async def alert_unreachable(services: Services, user_id: int, now: datetime) -> int:
    """A parent blocked the bot: the head teacher of each of their children is told once a day at most."""
    db = services.db
    queued = 0
    day = local(services, now).date().isoformat()
    for binding in await guardians_store.parent_bindings(db, user_id):
        teachers = await recipients_store.head_teachers(db, binding.class_id)
        languages = await recipients_store.user_languages(db, teachers)
        text = message(
            "green.unreachable.alert", parent=binding.parent_name, relation=Relation(binding.relationship),
            child=binding.child_name,
        )  # fmt: skip
        for teacher_id in teachers:
            notification = Notification(teacher_id, languages.get(teacher_id), text)
            if await queue(
                services, notification, kind=UNREACHABLE, dedup_key=f"{user_id}:{binding.child_name}:{day}", now=now
            ):
                queued += 1
    return queued
