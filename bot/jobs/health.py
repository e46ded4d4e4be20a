"""A health line in the log every hour, so an operator can see the bot is alive and working."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram.ext import ContextTypes

log = logging.getLogger("bot.health")


@dataclass
class Counters:
    updates_handled: int = 0


async def log_health(context: ContextTypes.DEFAULT_TYPE) -> None:
    counters: Counters = context.application.bot_data["counters"]
    log.info("health: updates_handled=%d", counters.updates_handled)
