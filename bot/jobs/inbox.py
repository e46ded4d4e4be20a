"""The inbox's ticks: updates that wait for the Bot API handed back to the queue, old done rows forgotten.

What the inbox is and why: bot/update_processor.py.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.storage import inbox as store
from bot.update_processor import Inbox

log = logging.getLogger(__name__)

# Telegram sends an update again only until it is confirmed, at most a day: done rows are kept twice as long.
KEEP_DONE = timedelta(days=2)


def inbox_of(application: Any) -> Inbox:
    inbox: Inbox = application.bot_data["inbox"]
    return inbox


async def replay_held(context: Any) -> None:
    """Job (every two seconds): chats whose updates wait for the Bot API get them handled again, oldest first."""
    application = context.application
    inbox = inbox_of(application)
    if not inbox.held:
        return
    limiter = application.bot.rate_limiter
    handed = await inbox.replay_held(application, float(getattr(limiter, "last_success", 0.0)))
    if handed:
        log.info("inbox: %d waiting update(s) handed to the queue again", handed)


async def purge_done(context: Any) -> None:
    """Job (hourly): done rows older than KEEP_DONE go (they hold only an update id)."""
    inbox = inbox_of(context.application)
    await store.purge(inbox.db, inbox.now() - KEEP_DONE)


async def replay_on_startup(application: Any) -> None:
    """At start, before polling: what the last process did not finish goes first into the queue."""
    count = await inbox_of(application).replay_waiting(application)
    if count:
        log.warning("inbox: %d update(s) the last process had not finished are handled first", count)
