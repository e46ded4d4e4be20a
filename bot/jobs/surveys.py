"""The surveys' clock: the one reminder of each questionnaire, a thin idempotent call into the service."""

from __future__ import annotations

import logging
from typing import Any

from bot.services import Services, surveys

log = logging.getLogger(__name__)


async def run(services: Services) -> int:
    """Queues the reminders that are due; running it again queues nothing new (the outbox's keys)."""
    queued = await surveys.queue_reminders(services)
    if queued:
        log.info("surveys: %d reminder(s) queued", queued)
    return queued


async def tick(context: Any) -> None:
    await run(context.application.bot_data["services"])
