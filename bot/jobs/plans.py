"""The tick that reminds a help plan's action owners when an action is due, and its author and the child's head
teachers of the review date (bot/services/help_plans.py queues them in the outbox, once each)."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.services import help_plans as plans_service


async def remind(context: Any) -> None:
    """Job: the reminders due today, queued with the marks that say they were (a repeated tick queues none)."""
    services: Services = context.application.bot_data["services"]
    await plans_service.queue_reminders(services)
