"""The mentors' daily digest of pairings whose visit is due or overdue."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bot.domain import schedule
from bot.domain.messages import Joiner, Listing, Message, Notification, message
from bot.domain.roles import ChildFilter
from bot.services import Services
from bot.services.message_kinds import LIST_LIMIT, MENTOR_DIGEST, local, queue
from bot.storage import job_runs as job_runs_store
from bot.storage import mentor_digests as mentor_digests_store
from bot.storage import recipients as recipients_store
from bot.storage import schools as schools_store


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
    mentor_child: dict[int, int] = {}  # a mentor's first listed child: whose school's quiet hours the digest keeps
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
        mentor_child.setdefault(pairing.mentor_id, pairing.child_id)
        marks.append((pairing.id, key))
    queued = 0
    async with services.db.transaction():
        languages = await recipients_store.user_languages(services.db, list(per_mentor))
        school_of = await schools_store.schools_of_children(services.db, sorted(set(mentor_child.values())))
        for mentor_id, items in per_mentor.items():
            lines: list[Message] = [
                message("green.mentor.line_due", child=name)
                if stage == "due"
                else message("green.mentor.line_overdue", child=name, days=late)
                for stage, name, _due, late in items[:LIST_LIMIT]
            ]
            if len(items) > LIST_LIMIT:
                lines.append(message("green.more", count=len(items) - LIST_LIMIT))  # on a line of its own
            text = message("green.mentor.digest", lines=Listing(tuple(lines), Joiner.LINES))
            notification = Notification(mentor_id, languages.get(mentor_id), text)
            school_id = school_of.get(mentor_child[mentor_id])
            if await queue(
                services, notification, kind=MENTOR_DIGEST, dedup_key=today.isoformat(), now=now, school_id=school_id
            ):
                queued += 1
        for pairing_id, key in marks:
            await job_runs_store.set_job_key(services.db, f"mentor:{pairing_id}", key, now)
        await job_runs_store.set_job_key(services.db, "mentor_digest", today.isoformat(), now)
    return queued


async def overdue_pairings(services: Services, today: date, scope: ChildFilter) -> list[str]:
    """Names of children in `scope` whose open pairing's visit fell due before today, by name."""
    names = []
    for pairing in await mentor_digests_store.open_pairings_by_name(services.db, scope):
        started = local(services, pairing.started_at).date()
        if schedule.pairing_due(pairing.last_visit, started, pairing.cadence_days) < today:
            names.append(pairing.child_name)
    return names
