"""The scheduler tick: schedules live in SQLite; this job only computes what has fallen due and queues it.

Run every `scheduler.tick_seconds` and once at start-up, so whatever fell due during downtime is queued at once
(the sender then skips what has gone stale, recording the reason). Each step is idempotent: period keys and
the outbox's unique (recipient, kind, dedup_key) make a second tick, or a tick after a crash, a no-op.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.services import Services, green

log = logging.getLogger(__name__)


async def run_tick(services: Services) -> int:
    """Queues everything due now; returns the number of messages queued."""
    queued = 0
    for step in (
        green.queue_family_calls,
        green.queue_no_contact_alerts,
        green.queue_mentor_digests,
        green.queue_weekly,
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
