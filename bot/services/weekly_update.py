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
from bot.services import schools as school_service
from bot.services.mentor_digests import overdue_pairings
from bot.services.message_kinds import ADMIN_DIGEST, LIST_LIMIT, WEEKLY, local, queue
from bot.services.parent_notes import NOTE_LIMIT
from bot.storage import activities as activities_store
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
EVERY_SCHOOL = ChildFilter(everyone=True)


WEEKLY_BUTTONS: Buttons = (
    (Choice(message("weekly.ack_button"), bt.WeeklyAck()),),  # parents: the family read it (services/notices.py)
    (Choice(message("green.weekly.write"), bt.GreenWrite()),),
    (Choice(message("green.weekly.settings"), bt.GreenSettingsMenu()),),
)


def school_key(key: str, school_id: int) -> str:
    """A week's key for one school: the first school keeps the key it had before there were schools, so a week
    queued then is not sent again."""
    return key if school_id == schools.FIRST_SCHOOL else f"{key}:s{school_id}"


async def queue_weekly(services: Services) -> int:
    """Tick: for each school whose weekly day and time (its own, else the config's) has passed this week, ONE
    message per bound parent covering all of their children there, and the school admins' digest; each school's
    week is recorded as done with its digest, after its last chunk. Schools due at the same moment are composed
    together (one pass over the week's records for a county of schools that kept the config's time)."""
    now = services.now()
    tz = services.config.school.timezone
    today = local(services, now).date()
    key = schedule.week_key(today)
    due: dict[datetime, list[int]] = defaultdict(list)
    for school, (day, at) in (await school_service.weekly_times(services)).items():
        moment = schedule.weekly_moment(today, day, at, tz)
        if now >= moment and await job_runs_store.job_key(services.db, _job(school)) != key:
            due[moment].append(school)
    queued = 0
    for moment, school_ids in sorted(due.items()):
        queued += await _queue_schools(services, frozenset(school_ids), today, key, moment, now)
    if queued:
        log.info("weekly update %s: %d message(s) queued", key, queued)
    return queued


def _job(school_id: int) -> str:
    return "weekly_update" if school_id == schools.FIRST_SCHOOL else f"weekly_update:s{school_id}"


async def _queue_schools(
    services: Services, school_ids: frozenset[int], today: date, key: str, moment: datetime, now: datetime
) -> int:
    # Composed outside any transaction and queued in chunks, each its own transaction: one transaction for a
    # county's 100,000 messages held the database (and every reply) for seconds. A crash in between is safe:
    # the week is marked done only at the end, and the outbox's dedup key makes queuing a row again a no-op.
    # Composed a chunk at a time, too: 100,000 texts held at once were most of the memory the update took.
    queued = 0
    scope = ChildFilter(school_ids=school_ids)
    async for chunk in composed_chunks(services, today, now, WEEKLY_CHUNK, scope=scope):
        by_school: dict[int, list[tuple[int, str, dict[str, Any] | None]]] = defaultdict(list)
        for user_id, text, markup, _language, school_id in chunk:
            by_school[school_id].append((user_id, text, markup))
        for school_id, messages in by_school.items():
            queued += await outbox.enqueue_many(
                services.db, kind=WEEKLY, dedup_key=school_key(key, school_id), not_before=moment, now=now,
                messages=messages, school_id=school_id,
            )  # fmt: skip
    for school_id in sorted(school_ids):
        async with services.db.transaction():
            queued += await _queue_school_digest(services, school_id, today, school_key(key, school_id), moment, now)
            await job_runs_store.set_job_key(services.db, _job(school_id), key, now)
    return queued


async def compose_weekly(services: Services, today: date, now: datetime) -> list[tuple[int, str, str | None]]:
    """(parent id, text, language) for every bound parent who has not paused the update or stopped all messages."""
    return [
        (user_id, text, language)
        async for chunk in composed_chunks(services, today, now, WEEKLY_CHUNK)
        for user_id, text, _markup, language, _school in chunk
    ]


async def composed_chunks(
    services: Services, today: date, now: datetime, size: int, *, scope: ChildFilter = EVERY_SCHOOL
) -> AsyncIterator[list[tuple[int, str, dict[str, Any] | None, str | None, int]]]:
    """The weekly messages worded by the views (parent id, text, keyboard, language, school), `size` parents at a
    time, for the parents of the children of `scope`; a parent's school is their first child's there. Each page
    of parents is one query, and one each for the week's check-ins, visits, notes and plans of their children.
    """
    db = services.db
    tz = services.config.school.timezone
    start_day = schedule.week_start(today)
    start = datetime.combine(start_day, datetime.min.time(), tzinfo=tz).astimezone(UTC)
    head = message("green.weekly.head", week=message("green.weekly.week_of", month=start_day.month, day=start_day.day))
    foot = message("green.weekly.foot")

    def build(
        parents: list[tuple[int, list[weekly_update_store.WeeklyRecipient]]],
        checkins: dict[int, weekly_update_store.CheckinAverages],
        visits: dict[int, dict[str, int]],
        notes: dict[int, list[str]],
        plans: dict[int, CallPlan],
        activities: dict[int, list[str]],
    ) -> list[tuple[int, str, dict[str, Any] | None, str | None, int]]:
        messages = []
        for user_id, rows in parents:
            language = rows[0].language
            sections = [
                _with_activities(
                    _child_section(
                        services, recipient.child_id, recipient.child_name, checkins, visits, notes, plans, now
                    ),
                    activities.get(recipient.child_id, []),
                )
                for recipient in rows[:10]
            ]
            text = Listing((head, *sections, foot), Joiner.PARAGRAPHS)
            out = services.render(Notification(user_id, language, text, WEEKLY_BUTTONS))
            messages.append((user_id, out.text, out.markup, language, rows[0].school_id))
        return messages

    # A page of parents at a time, and the week's records of their children only: a county's 100,000 parents and
    # their children's records held at once were most of the memory the update took.
    after = -(2**63)  # below every id
    while True:
        page = await weekly_update_store.weekly_recipients(db, scope, after=after, parents=size)
        if not page:
            return
        after = page[-1].user_id
        per_parent: dict[int, list[weekly_update_store.WeeklyRecipient]] = defaultdict(list)
        for recipient in page:
            per_parent[recipient.user_id].append(recipient)
        child_ids = {recipient.child_id for recipient in page}
        checkins = await weekly_update_store.checkin_averages(db, start, now, child_ids)
        visits = await weekly_update_store.visit_counts(db, start_day, today, child_ids)
        notes: dict[int, list[str]] = defaultdict(list)
        for child_id, note in await weekly_update_store.notes_since(db, start, child_ids):
            notes[child_id].append(note[:NOTE_LIMIT])
        plans = {stored.plan.child_id: stored.plan for stored in await family_calls_store.active_plans(db, child_ids)}
        activities = await activities_store.kinds_between(db, start_day, today, child_ids)
        # 100,000 messages take seconds of CPU: in a thread, so the event loop goes on answering people.
        yield await asyncio.to_thread(build, list(per_parent.items()), checkins, visits, notes, plans, activities)


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


def _with_activities(section: Listing, kinds: list[str]) -> Listing:
    """A child's section with the week's care activities (本周活动) they took part in, if any."""
    if not kinds:
        return section
    items = tuple(message(f"activity.kind.{kind}") for kind in kinds)
    return Listing((*section.items, message("activity.weekly", items=Listing(items))), section.joiner)


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
        if await queue(
            services, notification, kind=ADMIN_DIGEST, dedup_key=key, not_before=moment, now=now, school_id=school_id
        ):
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
