"""The scheduler tick: schedules live in SQLite; this job only computes what has fallen due and queues it.

Run every `scheduler.tick_seconds`, the first time one interval after start-up, so whatever fell due during
downtime is queued within a tick (the sender then skips what has gone stale, recording the reason). Each step is
idempotent: period keys and the outbox's unique (recipient, kind, dedup_key) make a second tick, or a tick after
a crash, a no-op.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.services import Services
from bot.services import family_calls as family_calls_service
from bot.services import mentor_digests as mentor_digests_service
from bot.services import weekly_update as weekly_update_service

log = logging.getLogger(__name__)


async def run_tick(services: Services) -> int:
    """Queues everything due now; returns the number of messages queued."""
    queued = 0
    for step in (
        family_calls_service.queue_family_calls,
        family_calls_service.queue_no_contact_alerts,
        mentor_digests_service.queue_mentor_digests,
        weekly_update_service.queue_weekly,
    ):
        try:
            queued += await step(services)
        except Exception:
            # One failing step must not stop the others; the next tick tries again.
            log.exception("scheduler step %s failed", step.__name__)
    return queued


async def tick(context: Any) -> None:
    """JobQueue callback."""
    services: Services = context.application.bot_data["services"]
    await run_tick(services)
