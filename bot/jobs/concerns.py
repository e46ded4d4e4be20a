"""Delivery of safety alerts through the durable outbox, and the tick that re-sends unacknowledged concerns."""

from __future__ import annotations

from typing import Any

from telegram import Bot

from bot.services import Services, message_kinds
from bot.services import concerns as concern_service
from bot.services.concerns import Alert


async def deliver(bot: Bot | None, services: Services, alerts: list[Alert], *, kind: str = "safety") -> None:
    """Queues the alerts as urgent (sent before routine messages, quiet hours do not apply). The dedup key is
    per concern, round and recipient, so a repeated tick or a double tap never queues one alert twice.
    `bot` is unused: the outbox's sender delivers (kept so callers need not know how delivery works)."""
    if not alerts:
        return
    async with services.db.transaction():
        for alert in alerts:
            await message_kinds.queue(
                services, alert.notification, kind=kind, dedup_key=alert.dedup_key, urgent=alert.urgent
            )


async def resend_unacknowledged(context: Any) -> None:
    """Job: every unacknowledged concern whose last round is older than config.scheduler.concern_resend_minutes
    gets the next round, queued in the same transaction that records the round (a crash loses neither)."""
    services: Services = context.application.bot_data["services"]
    async with services.db.transaction():
        alerts = await concern_service.due_resends(services)
        await deliver(None, services, alerts)
