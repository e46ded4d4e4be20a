"""Tells the counsellors of anonymous letters: right after a letter, and each minute for any a crash left behind.

The notice is an outbox row (durable: a crash loses no letter's notice), and like every mailbox record it must
not keep the letter's time: once delivered or given up, it is deleted and the WAL emptied (bot/services/mailbox.py).
"""

from __future__ import annotations

from typing import Any

from bot.services import Services
from bot.services import mailbox as mailbox_service
from bot.services.letter_notices import KIND, tell_counsellors
from bot.storage import outbox


async def forget_delivered(services: Services) -> None:
    """Deletes the notices that are done (sent, skipped, failed), then empties the WAL that still holds them."""
    if await outbox.forget_done(services.db, KIND):
        await services.db.checkpoint()


async def notify(context: Any) -> None:
    """Job: notices a crash left unqueued, and the delivered ones to forget."""
    services: Services = context.application.bot_data["services"]
    await tell_counsellors(services, await mailbox_service.unnotified(services))
    await forget_delivered(services)
