"""The monthly report's reminder (一月一报告): on the first school day of a month, each school's admins are
reminded, once (the service keeps the month's key in scheduler_runs; the outbox's dedup key does the rest)."""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.services import attendance as attendance_service


async def monthly_reminders(context: Any) -> None:
    """JobQueue callback."""
    services: Services = context.application.bot_data["services"]
    await attendance_service.queue_monthly_reminders(services)
