"""How the installation is doing, for the admins: the figures of /health, and the two conditions an admin is told
of without asking (an outbox that keeps growing, a backup that is getting old), once per episode each."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.domain.messages import Value
from bot.domain.roles import Access, Actor
from bot.services import Services, access
from bot.storage import backup, guardians, outbox, people
from bot.storage import db as database

OUTAGE_WINDOW = timedelta(days=7)
BACKLOG_WINDOW = timedelta(hours=1)
# The hourly job may run a little early (the JobQueue's timing, a restart): a sample this old counts as an hour ago.
BACKLOG_SAMPLE_MIN_AGE = timedelta(minutes=50)
BACKUP_STALE_AFTER = timedelta(days=2)
ALERT_KIND = "health"


class Liveness(Protocol):
    """What the running process counts (bot/jobs/health.py: Counters): it is not in the database."""

    def updates_on(self, day: date) -> int: ...

    def seconds_since_send(self) -> float | None: ...

    def outages_since(self, since: datetime) -> int: ...


@dataclass(frozen=True)
class HealthReport:
    updates_today: int
    backlog: int  # messages queued in the outbox
    oldest_due_seconds: float | None  # how long the longest-waiting due message has waited; None: none is due
    seconds_since_send: float | None  # None: nothing sent since the process started
    outages_week: int  # polling outages that began in the last seven days
    database_bytes: int  # the file and its WAL
    last_backup_at: datetime | None
    backup_age_seconds: float | None
    unreachable_guardians: int


async def report(services: Services, actor: Actor, liveness: Liveness) -> HealthReport:
    """The figures, for an admin; anyone else is refused (and the refusal audited)."""
    await access.authorised(services, actor, Access.HEALTH)
    now = services.now()
    oldest_due = await outbox.oldest_due(services.db, now)
    last_backup = await asyncio.to_thread(backup.newest_backup_at, services.config.backup.folder)
    return HealthReport(
        updates_today=liveness.updates_on(now.astimezone(services.config.school.timezone).date()),
        backlog=await outbox.backlog(services.db),
        oldest_due_seconds=None if oldest_due is None else max(0.0, (now - oldest_due).total_seconds()),
        seconds_since_send=liveness.seconds_since_send(),
        outages_week=liveness.outages_since(now - OUTAGE_WINDOW),
        database_bytes=database.size_on_disk(services.db.path),
        last_backup_at=last_backup,
        backup_age_seconds=None if last_backup is None else max(0.0, (now - last_backup).total_seconds()),
        unreachable_guardians=await guardians.unreachable_guardians(services.db),
    )


# --- alerts -------------------------------------------------------------------------------------------------


@dataclass
class BacklogWatch:
    """The outbox's size an hour ago and the growth episode under way, kept in memory between hourly ticks
    (after a restart the first hour only takes a sample)."""

    sample: tuple[datetime, int] | None = None
    episode: str | None = None  # when the growth was first seen; None: armed


@dataclass(frozen=True)
class Notice:
    """A message to one person: a catalogue key and its values, worded in their language by the job."""

    recipient_id: int
    language: str | None
    key: str
    values: dict[str, Value] = field(default_factory=dict)
    dedup_key: str = ""


async def alerts(services: Services, watch: BacklogWatch) -> list[Notice]:
    """What every admin must be told now. The dedup key names the condition and its episode, so the outbox queues
    each episode's alert once whatever the number of ticks; a condition that clears starts a new episode."""
    now = services.now()
    found: list[tuple[str, dict[str, Value], str]] = []
    growing = await _backlog_growing(services, watch, now)
    if growing is not None:
        found.append(growing)
    stale = await _backup_stale(services, now)
    if stale is not None:
        found.append(stale)
    if not found:
        return []
    notices = []
    for admin_id in await people.keeper_ids(services.db):
        user = await people.get_user(services.db, admin_id)
        language = user.language if user is not None else None
        for key, values, dedup_key in found:
            notices.append(Notice(admin_id, language, key, values, dedup_key))
    return notices


async def _backlog_growing(
    services: Services, watch: BacklogWatch, now: datetime
) -> tuple[str, dict[str, Value], str] | None:
    """Growing: strictly more messages queued than an hour ago, and some."""
    current = await outbox.backlog(services.db)
    previous = watch.sample
    if previous is not None and now - previous[0] < BACKLOG_SAMPLE_MIN_AGE:
        return None if watch.episode is None else _backlog_alert(watch.episode, previous[1], current)
    watch.sample = (now, current)
    if previous is None or not (current > previous[1] and current > 0):
        watch.episode = None
        return None
    if watch.episode is None:
        watch.episode = _local(services, now).strftime("%Y-%m-%dT%H:%M")
    return _backlog_alert(watch.episode, previous[1], current)


def _backlog_alert(episode: str, before: int, current: int) -> tuple[str, dict[str, Value], str]:
    return "ops.health.alert.backlog", {"before": before, "now": current}, f"backlog:{episode}"


async def _backup_stale(services: Services, now: datetime) -> tuple[str, dict[str, Value], str] | None:
    """The newest backup is older than two days, or there is none and the database is two days old. The episode is
    the day it went stale: a fresh backup ends it, and the next staleness is another day."""
    folder = services.config.backup.folder
    last = await asyncio.to_thread(backup.newest_backup_at, folder)
    if last is not None:
        if now - last <= BACKUP_STALE_AFTER:
            return None
        stale_since = last + BACKUP_STALE_AFTER
        values: dict[str, Value] = {"days": (now - last).days, "folder": str(folder)}
        return (
            "ops.health.alert.backup_stale",
            values,
            f"backup_stale:{_local(services, stale_since).date().isoformat()}",
        )
    created = await database.created_at(services.db)
    if created is None or now - created <= BACKUP_STALE_AFTER:
        return None
    stale_since = created + BACKUP_STALE_AFTER
    values = {"days": (now - created).days, "folder": str(folder)}
    return "ops.health.alert.backup_none", values, f"backup_none:{_local(services, stale_since).date().isoformat()}"


def _local(services: Services, moment: datetime) -> datetime:
    return moment.astimezone(services.config.school.timezone)
