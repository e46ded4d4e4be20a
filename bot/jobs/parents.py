"""The parents' clock: the one reminder of each notice, the yearly confirmation of the entrusted carer, and the
families that have not opened the weekly update for four weeks. Each a thin, idempotent call into a service."""

from __future__ import annotations

import logging
from typing import Any

from bot.services import Services, designations, notices

log = logging.getLogger(__name__)


async def run(services: Services) -> int:
    """Queues what is due; running it again queues nothing new (the outbox's keys)."""
    queued = await notices.queue_reminders(services)
    queued += await designations.queue_yearly(services)
    queued += await notices.queue_unread(services)
    if queued:
        log.info("parents: %d message(s) queued", queued)
    return queued


async def tick(context: Any) -> None:
    await run(context.application.bot_data["services"])
