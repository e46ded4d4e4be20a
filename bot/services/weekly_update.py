"""The weekly update to parents and the weekly digest to admins: composed outside any transaction (the text
work in a thread), queued in chunks, the week marked done after the last chunk."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot import buttons as bt
from bot.domain import schedule
from bot.domain.messages import Buttons, Choice, Joiner, Listing, Message, Moment, Notification, Value, message
from bot.domain.roles import ChildFilter
from bot.domain.safety import RiskLevel, effective_risk
from bot.domain.schedule import CallPlan
from bot.services import Services
from bot.services.mentor_digests import overdue_pairings
from bot.services.message_kinds import ADMIN_DIGEST, LIST_LIMIT, WEEKLY, local, queue
from bot.services.parent_notes import NOTE_LIMIT
from bot.storage import children, outbox, people, schools
from bot.storage import family_calls as family_calls_store
from bot.storage import job_runs as job_runs_store
from bot.storage import recipients as recipients_store
from bot.storage import risks as risks_store
from bot.storage import weekly_update as weekly_update_store

log = logging.getLogger(__name__)


RATING = {3: "good", 2: "fair", 1: "care"}
# Made once: every weekly update uses them.
RATING_WORDS = {value: message(f"green.rating.{word}") for value, word in RATING.items()}
NO_CHECKINS = message("green.weekly.no_checkins")


WEEKLY_CHUNK = 2_000  # weekly messages queued per transaction


WEEKLY_BUTTONS: Buttons = (
    (Choice(message("weekly.ack_button"), bt.WeeklyAck()),),  # parents: the family read it (services/notices.py)
    (Choice(message("green.weekly.write"), bt.GreenWrite()),),
    (Choice(message("green.weekly.settings"), bt.GreenSettingsMenu()),),
)


async def queue_weekly(services: Services) -> int:
    """Tick: once the configured weekly time has passed, ONE message per bound parent covering all of their
    children, and the admins' digest; the week is recorded as done with the digest, after the last chunk."""
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
    # Composed a chunk at a time, too: 100,000 texts held at once were most of the memory the update took.
    queued = 0
    async for chunk in composed_chunks(services, today, now, WEEKLY_CHUNK):
        queued += await outbox.enqueue_many(
            services.db, kind=WEEKLY, dedup_key=key, not_before=moment, now=now,
            messages=[(user_id, text, markup) for user_id, text, markup, _language in chunk],
        )  # fmt: skip
    async with services.db.transaction():
        queued += await _queue_admin_digest(services, today, key, moment, now)
        await job_runs_store.set_job_key(services.db, "weekly_update", key, now)
    log.info("weekly update %s: %d message(s) queued", key, queued)
    return queued


async def compose_weekly(services: Services, today: date, now: datetime) -> list[tuple[int, str, str | None]]:
    """(parent id, text, language) for every bound parent who has not paused the update or stopped all messages."""
    return [
        (user_id, text, language)
        async for chunk in composed_chunks(services, today, now, WEEKLY_CHUNK)
        for user_id, text, _markup, language in chunk
    ]


async def composed_chunks(
    services: Services, today: date, now: datetime, size: int
) -> AsyncIterator[list[tuple[int, str, dict[str, Any] | None, str | None]]]:
    """The weekly messages worded by the views (parent id, text, keyboard, language), `size` parents at a time.
    Bulk queries: one pass over guardians, check-ins, visits, notes and plans of the week; the texts of one chunk
    are made while the previous one is being queued."""
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

    head = message("green.weekly.head", week=message("green.weekly.week_of", month=start_day.month, day=start_day.day))
    foot = message("green.weekly.foot")

    def build(
        parents: list[tuple[int, list[weekly_update_store.WeeklyRecipient]]],
    ) -> list[tuple[int, str, dict[str, Any] | None, str | None]]:
        messages = []
        for user_id, rows in parents:
            language = language_of[user_id]
            sections = [
                _child_section(services, recipient.child_id, recipient.child_name, checkins, visits, notes, plans, now)
                for recipient in rows[:10]
            ]
            text = Listing((head, *sections, foot), Joiner.PARAGRAPHS)
            out = services.render(Notification(user_id, language, text, WEEKLY_BUTTONS))
            messages.append((user_id, out.text, out.markup, language))
        return messages

    # 100,000 messages take seconds of CPU: in a thread, so the event loop goes on answering people.
    parents = list(per_parent.items())
    for first in range(0, len(parents), size):
        yield await asyncio.to_thread(build, parents[first : first + size])


def _child_section(
    services: Services, child_id: int, name: str,
    checkins: dict[int, weekly_update_store.CheckinAverages],
    visits: dict[int, dict[str, int]], notes: dict[int, list[str]], plans: dict[int, CallPlan], now: datetime,
) -> Listing:  # fmt: skip
    lines: list[Value] = [message("green.weekly.child", child=name)]
    averages = checkins.get(child_id)
    if averages is None:
        lines.append(NO_CHECKINS)
    else:
        words: dict[str, Value] = {
            field: RATING_WORDS.get(int(getattr(averages, field) or 3), RATING_WORDS[3])
            for field in ("study", "life", "mood", "health")
        }
        lines.append(Message("green.weekly.checkins", {"count": averages.count, **words}))
    kinds = visits.get(child_id, {})
    if kinds:
        items = tuple(message(f"green.visit.{kind}", count=count) for kind, count in sorted(kinds.items()))
        lines.append(message("green.weekly.visits", items=Listing(items)))
    for note in notes.get(child_id, []):
        lines.append(message("green.weekly.note", note=note))
    plan = plans.get(child_id)
    if plan is not None:
        upcoming = schedule.next_slot(plan, now, services.config.school.timezone)
        lines.append(message("green.weekly.next_call", when=Moment(upcoming)))
    return Listing(tuple(lines), Joiner.LINES)


async def _queue_admin_digest(services: Services, today: date, key: str, moment: datetime, now: datetime) -> int:
    """Each school's admins get their school's week: its figures and names, never another school's."""
    queued = 0
    for school in await schools.list_schools(services.db):
        # The first school keeps the key it had before there were schools: a week queued then is not sent again.
        school_key = key if school.id == schools.FIRST_SCHOOL else f"{key}:s{school.id}"
        queued += await _queue_school_digest(services, school.id, today, school_key, moment, now)
    return queued


async def _queue_school_digest(
    services: Services, school_id: int, today: date, key: str, moment: datetime, now: datetime
) -> int:
    db = services.db
    tz = services.config.school.timezone
    scope = ChildFilter(school_ids=frozenset({school_id}))
    start_day = schedule.week_start(today)
    start = datetime.combine(start_day, datetime.min.time(), tzinfo=tz)
    checkins = await weekly_update_store.count_checkins_since(db, start, scope)
    visit_count = await weekly_update_store.count_visits_since(db, start_day, scope)
    calls = await weekly_update_store.count_calls_since(db, start, scope)
    no_contact = await children_without_contact(services, now, scope)
    overdue = await overdue_pairings(services, today, scope)
    high_risk = await high_risk_children(services, scope)
    admins = await people.admin_ids(db, school_id)
    languages = await recipients_store.user_languages(db, admins)
    text = message(
        "green.digest.admin", checkins=checkins, visits=visit_count, calls=calls, no_contact=_names(no_contact),
        overdue=_names(overdue), high_risk=_names(high_risk),
    )  # fmt: skip
    queued = 0
    for admin_id in admins:
        notification = Notification(admin_id, languages.get(admin_id), text)
        if await queue(services, notification, kind=ADMIN_DIGEST, dedup_key=key, not_before=moment, now=now):
            queued += 1
    return queued


def _names(names: list[str]) -> Value:
    if not names:
        return message("green.digest.none")
    return Listing(tuple(names[:LIST_LIMIT]), more=max(0, len(names) - LIST_LIMIT))


async def high_risk_children(services: Services, scope: ChildFilter) -> list[str]:
    """Names of the children of `scope` listed as high-risk (a high level set, or an open concern), for the admin
    digest, which puts them first."""
    risks = await risks_store.risks(services.db, scope)
    ids = [
        child_id for child_id, risk in risks.items() if effective_risk(risk.level, risk.open_concerns) is RiskLevel.HIGH
    ]
    return await children.child_names(services.db, ids)


async def children_without_contact(services: Services, now: datetime, scope: ChildFilter) -> list[str]:
    """Children of `scope` with an active plan and no confirmed call for the configured number of days."""
    limit = now - timedelta(days=services.config.scheduler.no_contact_alert_days)
    return await weekly_update_store.children_without_contact(services.db, limit, scope)
