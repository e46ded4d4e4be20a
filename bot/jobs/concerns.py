"""The tick that re-sends unacknowledged concerns (queued in the durable outbox by bot/services/alerts.py)."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.services import alerts as alerts_service
from bot.services import concerns as concern_service


async def resend_unacknowledged(context: Any) -> None:
    """Job: every unacknowledged concern whose last round is older than config.scheduler.concern_resend_minutes
    gets the next round, queued in the same transaction that records the round (a crash loses neither)."""
    services: Services = context.application.bot_data["services"]
    async with services.db.transaction():
        alerts = await concern_service.due_resends(services)
        await alerts_service.queue(services, alerts)


async def remind_police_feedback(context: Any) -> None:
    """Job: a report to the police with no feedback recorded three days after it was accepted reminds the child's
    school's admins, once (the mark and the queued reminders in one transaction)."""
    services: Services = context.application.bot_data["services"]
    async with services.db.transaction():
        alerts = await concern_service.due_feedback_reminders(services)
        await alerts_service.queue(services, alerts, kind="concern_feedback")
