"""Urgent messages (safety alerts, privacy requests, concern notes) queued in the durable outbox."""

from __future__ import annotations

from bot.services import Services, message_kinds
from bot.services.concerns import Alert


async def queue(services: Services, alerts: list[Alert], *, kind: str = "safety") -> None:
    """Queues the alerts as urgent (sent before routine messages, quiet hours do not apply). The dedup key is
    per concern, round and recipient, so a repeated tick or a double tap never queues one alert twice."""
    if not alerts:
        return
    async with services.db.transaction():
        for alert in alerts:
            await message_kinds.queue(
                services, alert.notification, kind=kind, dedup_key=alert.dedup_key, urgent=alert.urgent
            )
