"""Green channel use cases: family-call plans and reminders, mentor digests, the weekly update to parents,
the weekly digest to admins, parent <-> head teacher messages, and parents' message settings.

Every scheduled message is queued in the durable outbox (bot.storage.outbox) inside the same transaction that
records the period as done, so a crash can neither lose nor duplicate a period. No Telegram types here: inline
keyboards are Bot API dicts.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from bot import buttons as bt
from bot.callback_data import Button
from bot.domain import schedule
from bot.domain.clock import to_db
from bot.domain.roles import Access, Actor
from bot.domain.safety import RiskLevel, effective_risk
from bot.domain.schedule import CallPlan
from bot.services import Services, access
from bot.storage import audit, children, outbox, people
from bot.storage import family_calls as family_calls_store
from bot.storage import family_messages as family_messages_store
from bot.storage import guardians as guardians_store
from bot.storage import job_runs as job_runs_store
from bot.storage import mentor_digests as mentor_digests_store
from bot.storage import recipients as recipients_store
from bot.storage import risks as risks_store
from bot.storage import weekly_update as weekly_update_store
from bot.texts import Texts, clip_html, texts_for

log = logging.getLogger(__name__)

CALL = "green.call"
CALL_SNOOZE = "green.call_snooze"
NO_CONTACT = "green.no_contact"
# Two call times of one plan are a period apart in local time; in UTC a daylight-saving change can move them.
SLOT_DRIFT = timedelta(hours=3)
MENTOR_DIGEST = "green.mentor_digest"
WEEKLY = "green.weekly"
ADMIN_DIGEST = "green.admin_digest"
UNREACHABLE = "green.unreachable"
PARENT_MESSAGE = "green.parent_msg"
ANSWER = "green.answer"

OUTCOMES = {"c": "called", "n": "no_answer", "s": "snoozed"}
MAX_SNOOZES = 3
LIST_LIMIT = 30
NOTE_LIMIT = 300


def texts_of(services: Services, language: str | None) -> Texts:
    return texts_for(language, services.config.school.language)


def _markup(rows: list[list[tuple[str, Button]]]) -> dict[str, Any]:
    """A Bot API inline keyboard from (label, button) rows."""
    import html

    return {
        "inline_keyboard": [
            [{"text": html.unescape(label), "callback_data": data.pack()} for label, data in row] for row in rows
        ]
    }


def slot_code(slot: datetime) -> int:
    """A call time as whole minutes since the epoch: short enough for callback data."""
    return int(slot.timestamp()) // 60


def slot_from_code(code: int) -> datetime:
    return datetime.fromtimestamp(code * 60, tz=UTC)


def local(services: Services, moment: datetime) -> datetime:
    return moment.astimezone(services.config.school.timezone)


def format_moment(texts: Texts, services: Services, moment: datetime) -> str:
    """ "3月8日 周日 19:00" / "Sun 8 Mar 19:00", in the school's time zone."""
    at = local(services, moment)
    return texts.t(
        "green.moment",
        day=at.day,
        weekday=texts.t(f"green.weekday.{at.weekday()}"),
        time=at.strftime("%H:%M"),
        month_name=texts.t(f"green.month.{at.month}"),
    )


def describe_plan(texts: Texts, plan: CallPlan) -> str:
    if plan.rhythm == schedule.WEEKLY:
        return texts.t(
            "green.plan.weekly", weekday=texts.t(f"green.weekday.{plan.weekday}"), time=plan.at.strftime("%H:%M")
        )
    return texts.t("green.plan.interval", days=plan.interval_days, time=plan.at.strftime("%H:%M"))


# --- family-call plans -----------------------------------------------------------------------------------


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


async def add_parent_note(services: Services, actor: Actor, child_id: int, text: str) -> int:
    """A few words from the head teacher for the child's parents, shown in the next weekly update."""
    await child_for_plan(services, actor, child_id)
    now = services.now()
    async with services.db.transaction():
        note_id = await family_messages_store.add_note(
            services.db, child_id=child_id, author_id=actor.user_id, text=text, now=now
        )
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="green.parent_note", child_id=child_id,
            detail=f"note={note_id}",
        )  # fmt: skip
    return note_id


async def current_plan_text(services: Services, texts: Texts, child_id: int) -> str | None:
    stored = await family_calls_store.get_plan(services.db, child_id)
    if stored is None or not stored.active:
        return None
    return describe_plan(texts, stored.plan)


async def stop_plan(services: Services, actor: Actor, child_id: int) -> bool:
    await child_for_plan(services, actor, child_id)
    now = services.now()
    async with services.db.transaction():
        stopped = await family_calls_store.stop_plan(services.db, child_id, now)
        await audit.record(services.db, at=now, actor_id=actor.user_id, action="green.plan_stop", child_id=child_id)
    return stopped


def call_markup(texts: Texts, child_id: int, slot: datetime) -> dict[str, Any]:
    code = slot_code(slot)
    return _markup(
        [
            [(texts.t("green.call.called"), bt.CallAnswer(child_id, code, "c"))],
            [(texts.t("green.call.no_answer"), bt.CallAnswer(child_id, code, "n"))],
            [(texts.t("green.call.snooze"), bt.CallAnswer(child_id, code, "s"))],
        ]
    )


async def _queue_call(
    services: Services, stored: family_calls_store.StoredPlan, user_id: int, language: str | None, slot: datetime, *,
    kind: str, dedup_key: str, not_before: datetime,
) -> bool:  # fmt: skip
    texts = texts_of(services, language)
    text = texts.t(
        "green.call.reminder", child=stored.child_name, when=format_moment(texts, services, slot),
        plan=describe_plan(texts, stored.plan),
    )  # fmt: skip
    return await outbox.enqueue(
        services.db, recipient_id=user_id, kind=kind, dedup_key=dedup_key, text=text,
        markup=call_markup(texts, stored.plan.child_id, slot), not_before=not_before, now=services.now(),
    )  # fmt: skip


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
    for stored, slot in await asyncio.to_thread(_due_calls, plans, runs, now, tz):
        async with services.db.transaction():
            parents = await guardians_store.active_guardian_ids(services.db, stored.plan.child_id)
            languages = await recipients_store.user_languages(services.db, parents)
            for user_id in parents:
                key = f"{stored.plan.child_id}:{to_db(slot)}"
                if await _queue_call(
                    services, stored, user_id, languages.get(user_id), slot, kind=CALL, dedup_key=key, not_before=slot
                ):
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
        async with services.db.transaction():
            for user_id in recipients:
                texts = texts_of(services, languages.get(user_id))
                last_text = format_moment(texts, services, last) if last else texts.t("green.no_contact.never")
                text = texts.t(
                    "green.no_contact.alert", child=stored.child_name, days=schedule.days_without_contact(since, now),
                    last=last_text,
                )  # fmt: skip
                if await outbox.enqueue(
                    services.db, recipient_id=user_id, kind=NO_CONTACT, dedup_key=f"{child_id}:{to_db(since)}",
                    text=text, now=now,
                ):  # fmt: skip
                    queued += 1
    return queued


# --- mentor reminders --------------------------------------------------------------------------------------


async def queue_mentor_digests(services: Services) -> int:
    """Tick: once a day (after quiet hours), each mentor gets ONE message listing the pairings that became due
    today or overdue since the last digest. Each pairing is reminded once when due and once when overdue."""
    now = services.now()
    config = services.config
    tz = config.school.timezone
    if schedule.in_quiet_hours(now, tz, config.scheduler.quiet_start, config.scheduler.quiet_end):
        return 0
    today = local(services, now).date()
    if await job_runs_store.job_key(services.db, "mentor_digest") == today.isoformat():
        return 0
    per_mentor: dict[int, list[tuple[str, str, date, int]]] = defaultdict(list)
    marks: list[tuple[int, str]] = []
    for pairing in await mentor_digests_store.open_pairings_by_mentor(services.db):
        started = local(services, pairing.started_at).date()
        due = schedule.pairing_due(pairing.last_visit, started, pairing.cadence_days)
        if today < due:
            continue
        stage = "overdue" if today > due else "due"
        key = f"{due.isoformat()}:{stage}"
        if pairing.reminded == key:
            continue
        per_mentor[pairing.mentor_id].append((stage, pairing.child_name, due, (today - due).days))
        marks.append((pairing.id, key))
    queued = 0
    async with services.db.transaction():
        languages = await recipients_store.user_languages(services.db, list(per_mentor))
        for mentor_id, items in per_mentor.items():
            texts = texts_of(services, languages.get(mentor_id))
            lines = [
                texts.t("green.mentor.line_due", child=name)
                if stage == "due"
                else texts.t("green.mentor.line_overdue", child=name, days=late)
                for stage, name, _due, late in items[:LIST_LIMIT]
            ]
            if len(items) > LIST_LIMIT:
                lines.append(texts.t("green.more", count=len(items) - LIST_LIMIT))
            text = texts.t("green.mentor.digest", lines="\n".join(lines))
            if await outbox.enqueue(
                services.db, recipient_id=mentor_id, kind=MENTOR_DIGEST, dedup_key=today.isoformat(), text=text, now=now
            ):
                queued += 1
        for pairing_id, key in marks:
            await job_runs_store.set_job_key(services.db, f"mentor:{pairing_id}", key, now)
        await job_runs_store.set_job_key(services.db, "mentor_digest", today.isoformat(), now)
    return queued


# --- weekly update to parents and digest to admins -----------------------------------------------------------

RATING = {3: "good", 2: "fair", 1: "care"}
WEEKLY_CHUNK = 2_000  # weekly messages queued per transaction


def weekly_markup(texts: Texts) -> dict[str, Any]:
    return _markup(
        [
            [(texts.t("green.weekly.write"), bt.GreenWrite())],
            [(texts.t("green.weekly.settings"), bt.GreenSettingsMenu())],
        ]
    )


async def queue_weekly(services: Services) -> int:
    """Tick: once the configured weekly time has passed, ONE message per bound parent covering all of their
    children, and the admins' digest; the week is recorded as done in the same transaction."""
    now = services.now()
    config = services.config
    tz = config.school.timezone
    today = local(services, now).date()
    moment = schedule.weekly_moment(today, config.scheduler.weekly_update_day, config.scheduler.weekly_update_time, tz)
    if now < moment:
        return 0
    key = schedule.week_key(today)
    if await job_runs_store.job_key(services.db, "weekly_update") == key:
        return 0
    # Composed outside any transaction and queued in chunks, each its own transaction: one transaction for a
    # county's 100,000 messages held the database (and every reply) for seconds. A crash in between is safe:
    # the week is marked done only at the end, and the outbox's dedup key makes queuing a row again a no-op.
    messages = await compose_weekly(services, today, now)
    markups = {language: weekly_markup(texts_of(services, language)) for _u, _t, language in messages}
    queued = 0
    for first in range(0, len(messages), WEEKLY_CHUNK):
        queued += await outbox.enqueue_many(
            services.db, kind=WEEKLY, dedup_key=key, not_before=moment, now=now,
            messages=[(user_id, text, markups[language]) for user_id, text, language in
                      messages[first : first + WEEKLY_CHUNK]],
        )  # fmt: skip
    async with services.db.transaction():
        queued += await _queue_admin_digest(services, today, key, moment, now)
        await job_runs_store.set_job_key(services.db, "weekly_update", key, now)
    log.info("weekly update %s: %d message(s) queued", key, queued)
    return queued


async def compose_weekly(services: Services, today: date, now: datetime) -> list[tuple[int, str, str | None]]:
    """(parent id, text, language) for every bound parent who has not paused the update or stopped all messages.
    Bulk queries: one pass over guardians, check-ins, visits, notes and plans of the week."""
    db = services.db
    tz = services.config.school.timezone
    start_day = schedule.week_start(today)
    start = datetime.combine(start_day, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    guardians = await weekly_update_store.weekly_recipients(db)
    checkins = await weekly_update_store.checkin_averages(db, start, now)
    visits = await weekly_update_store.visit_counts(db, start_day, today)
    notes: dict[int, list[str]] = defaultdict(list)
    for child_id, note in await weekly_update_store.notes_since(db, start):
        notes[child_id].append(note[:NOTE_LIMIT])
    plans = {stored.plan.child_id: stored.plan for stored in await family_calls_store.active_plans(db)}

    per_parent: dict[int, list[weekly_update_store.WeeklyRecipient]] = defaultdict(list)
    language_of: dict[int, str | None] = {}
    for recipient in guardians:
        per_parent[recipient.user_id].append(recipient)
        language_of[recipient.user_id] = recipient.language

    def build() -> list[tuple[int, str, str | None]]:
        texts_cache: dict[str | None, Texts] = {}
        messages = []
        for user_id, rows in per_parent.items():
            language = language_of[user_id]
            texts = texts_cache.setdefault(language, texts_of(services, language))
            parts = [
                texts.t(
                    "green.weekly.head", week=texts.t("green.weekly.week_of", month=start_day.month, day=start_day.day)
                )
            ]
            for recipient in rows[:10]:
                parts.append(
                    _child_section(
                        services, texts, recipient.child_id, recipient.child_name, checkins, visits, notes, plans, now
                    )
                )
            parts.append(texts.t("green.weekly.foot"))
            messages.append((user_id, clip_html("\n\n".join(parts)), language))
        return messages

    # 100,000 messages take seconds of CPU: in a thread, so the event loop goes on answering people.
    return await asyncio.to_thread(build)


def _child_section(
    services: Services, texts: Texts, child_id: int, name: str,
    checkins: dict[int, weekly_update_store.CheckinAverages],
    visits: dict[int, dict[str, int]], notes: dict[int, list[str]], plans: dict[int, CallPlan], now: datetime,
) -> str:  # fmt: skip
    lines = [texts.t("green.weekly.child", child=name)]
    averages = checkins.get(child_id)
    if averages is None:
        lines.append(texts.t("green.weekly.no_checkins"))
    else:
        words = {
            field: texts.t(f"green.rating.{RATING.get(int(getattr(averages, field) or 3), 'good')}")
            for field in ("study", "life", "mood", "health")
        }
        lines.append(texts.t("green.weekly.checkins", count=averages.count, **words))
    kinds = visits.get(child_id, {})
    if kinds:
        lines.append(
            texts.t(
                "green.weekly.visits",
                items=texts.t("green.sep").join(
                    texts.t(f"green.visit.{kind}", count=count) for kind, count in sorted(kinds.items())
                ),
            )
        )
    for note in notes.get(child_id, []):
        lines.append(texts.t("green.weekly.note", note=note))
    plan = plans.get(child_id)
    if plan is not None:
        upcoming = schedule.next_slot(plan, now, services.config.school.timezone)
        lines.append(texts.t("green.weekly.next_call", when=format_moment(texts, services, upcoming)))
    return "\n".join(lines)


async def _queue_admin_digest(services: Services, today: date, key: str, moment: datetime, now: datetime) -> int:
    db = services.db
    tz = services.config.school.timezone
    start_day = schedule.week_start(today)
    start = datetime.combine(start_day, datetime.min.time(), tzinfo=tz)
    checkins = await weekly_update_store.count_checkins_since(db, start)
    visit_count = await weekly_update_store.count_visits_since(db, start_day)
    calls = await weekly_update_store.count_calls_since(db, start)
    no_contact = await children_without_contact(services, now)
    overdue = await overdue_pairings(services, today)
    high_risk = await high_risk_children(services)
    admins = await people.admin_ids(db)
    languages = await recipients_store.user_languages(db, admins)
    queued = 0
    for admin_id in admins:
        texts = texts_of(services, languages.get(admin_id))
        text = texts.t(
            "green.digest.admin", checkins=checkins, visits=visit_count, calls=calls,
            no_contact=_names(texts, no_contact), overdue=_names(texts, overdue),
            high_risk=_names(texts, high_risk),
        )  # fmt: skip
        if await outbox.enqueue(
            db, recipient_id=admin_id, kind=ADMIN_DIGEST, dedup_key=key, text=text, not_before=moment, now=now
        ):
            queued += 1
    return queued


def _names(texts: Texts, names: list[str]) -> str:
    if not names:
        return texts.t("green.digest.none")
    shown = texts.t("green.sep").join(names[:LIST_LIMIT])
    return shown + (texts.t("green.more", count=len(names) - LIST_LIMIT) if len(names) > LIST_LIMIT else "")


async def high_risk_children(services: Services) -> list[str]:
    """Names of the children listed as high-risk (a high level set, or an open concern), for the admin digest,
    which puts them first."""
    risks = await risks_store.risks(services.db)
    ids = [
        child_id for child_id, risk in risks.items() if effective_risk(risk.level, risk.open_concerns) is RiskLevel.HIGH
    ]
    return await children.child_names(services.db, ids)


async def children_without_contact(services: Services, now: datetime) -> list[str]:
    """Children with an active plan and no confirmed call for the configured number of days."""
    limit = now - timedelta(days=services.config.scheduler.no_contact_alert_days)
    return await weekly_update_store.children_without_contact(services.db, limit)


async def overdue_pairings(services: Services, today: date) -> list[str]:
    """Names of children whose open pairing's visit fell due before today, by name."""
    names = []
    for pairing in await mentor_digests_store.open_pairings_by_name(services.db):
        started = local(services, pairing.started_at).date()
        if schedule.pairing_due(pairing.last_visit, started, pairing.cadence_days) < today:
            names.append(pairing.child_name)
    return names


# --- unreachable parents -----------------------------------------------------------------------------------


async def alert_unreachable(services: Services, user_id: int, now: datetime) -> int:
    """A parent blocked the bot: the head teacher of each of their children is told once a day at most."""
    db = services.db
    queued = 0
    day = local(services, now).date().isoformat()
    for binding in await guardians_store.parent_bindings(db, user_id):
        teachers = await recipients_store.head_teachers(db, binding.class_id)
        languages = await recipients_store.user_languages(db, teachers)
        for teacher_id in teachers:
            texts = texts_of(services, languages.get(teacher_id))
            relation = binding.relationship
            if texts.has(f"relation.{relation}"):
                relation = texts.t(f"relation.{relation}")
            text = texts.t(
                "green.unreachable.alert", parent=binding.parent_name, relation=relation, child=binding.child_name
            )
            if await outbox.enqueue(
                db, recipient_id=teacher_id, kind=UNREACHABLE, dedup_key=f"{user_id}:{binding.child_name}:{day}",
                text=text, now=now,
            ):  # fmt: skip
                queued += 1
    return queued
