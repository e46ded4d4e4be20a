"""Liveness: an hourly health line, and polling outages logged once (when they start and when they end).

PTB's updater already retries getUpdates forever with a growing pause (up to 30 s). What it does not do is
tell the operator sensibly: it logs a traceback on every failed attempt. `MonitoredRequest`
(bot/telegram_io/request.py) watches every Bot API call instead and tells the `Counters` here: the first failed
poll of an outage logs one warning, the first good poll after it one line with the outage's length, and every
successful send updates the "last successful send" of the health line.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.domain.clock import Clock, system_clock
from bot.domain.messages import Notification, message
from bot.services import Services
from bot.services import health as health_service
from bot.storage import outbox
from bot.storage.db import Database

log = logging.getLogger("bot.health")

# How long the start times of polling outages are kept (/health counts those of the last seven days).
OUTAGES_KEPT = timedelta(days=7)


@dataclass
class Counters:
    updates_handled: int = 0
    last_send_at: float | None = None  # time.monotonic() of the last successful send or edit
    polling_failing_since: float | None = None  # time.monotonic() of the outage's first failed poll
    polling_failures: int = 0
    outages: int = 0
    clock: Clock = system_clock  # the wall clock of outage starts
    day: date | None = None  # the school's local day `updates_today` counts
    updates_today: int = 0
    outage_starts: deque[datetime] = field(default_factory=deque)  # oldest first, the last OUTAGES_KEPT only

    def count_update(self, day: date) -> None:
        """One more update handled on `day` (the school's local day: the count starts again at its midnight)."""
        self.updates_handled += 1
        if day != self.day:
            self.day = day
            self.updates_today = 0
        self.updates_today += 1

    def updates_on(self, day: date) -> int:
        return self.updates_today if day == self.day else 0

    def seconds_since_send(self) -> float | None:
        return None if self.last_send_at is None else time.monotonic() - self.last_send_at

    def outages_since(self, since: datetime) -> int:
        return sum(1 for start in self.outage_starts if start >= since)

    def poll_failed(self, problem: str) -> None:
        """One failed getUpdates; only the first of an outage is logged."""
        self.polling_failures += 1
        if self.polling_failing_since is None:
            self.polling_failing_since = time.monotonic()
            self.outages += 1
            now = self.clock()
            self.outage_starts.append(now)
            while self.outage_starts[0] < now - OUTAGES_KEPT:
                self.outage_starts.popleft()
            log.warning("polling the Bot API failed (%s); retrying with backoff until it answers again", problem)

    def poll_succeeded(self) -> None:
        if self.polling_failing_since is not None:
            seconds = time.monotonic() - self.polling_failing_since
            log.info("polling recovered after %.0f s (%d failed attempts)", seconds, self.polling_failures)
            self.polling_failing_since = None
            self.polling_failures = 0

    def on_polling_error(self, error: TelegramError) -> None:
        """The updater's error_callback: replaces its traceback-per-attempt logging."""
        self.poll_failed(type(error).__name__)


async def outbox_backlog(db: Database) -> int | None:
    """Messages waiting in the outbox, or None if it cannot be read (the line must never fail)."""
    try:
        return await outbox.backlog(db)
    except sqlite3.Error:
        return None


def health_line(counters: Counters, backlog: int | None, now: float) -> str:
    """`now` is time.monotonic(); the line says how long ago the last send was, not a wall-clock time."""
    last = "never" if counters.last_send_at is None else f"{now - counters.last_send_at:.0f}s ago"
    polling = "ok" if counters.polling_failing_since is None else f"failing ({counters.polling_failures} attempts)"
    return (
        f"health: updates_handled={counters.updates_handled} "
        f"outbox_backlog={'n/a' if backlog is None else backlog} last_successful_send={last} "
        f"polling={polling} outages={counters.outages}"
    )


async def log_health(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The hourly line: an operator reading the log sees the bot is alive, busy, and able to reach people."""
    counters: Counters = context.application.bot_data["counters"]
    services = context.application.bot_data.get("services")
    backlog = await outbox_backlog(services.db) if services is not None else None
    log.info("%s", health_line(counters, backlog, time.monotonic()))


async def alert_admins(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hourly: the health conditions an admin must hear of (an outbox growing for an hour, an old backup), queued
    as routine messages in each admin's language; the dedup key keeps each episode to one message per admin."""
    services: Services = context.application.bot_data["services"]
    watch: health_service.BacklogWatch = context.application.bot_data["health_watch"]
    notices = await health_service.alerts(services, watch)
    for notice in notices:
        words = message(notice.key, **notice.values)
        text = services.render(Notification(notice.recipient_id, notice.language, words)).text
        if await outbox.enqueue(
            services.db, recipient_id=notice.recipient_id, kind=health_service.ALERT_KIND,
            dedup_key=notice.dedup_key, text=text, now=services.now(),
        ):  # fmt: skip
            log.warning("health alert queued for an admin: %s", notice.dedup_key.partition(":")[0])
