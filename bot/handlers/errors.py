"""The one error handler: log with context (never personal data), tell the user, alert admins."""

from __future__ import annotations

import logging
import secrets
import time

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from bot.handlers.common import BotContext, reply
from bot.storage import people
from bot.texts import Texts, texts_for

log = logging.getLogger("bot.errors")

# Errors that are part of life with a network and with people who block bots: logged, never alerted.
EXPECTED = (NetworkError, TimedOut, RetryAfter, Forbidden)
ALERT_INTERVAL_SECONDS = 600
_last_alert: dict[str, float] = {}


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error with a reference, replies politely, and alerts admins at most every ten minutes."""
    error = context.error
    ref = secrets.token_hex(3)
    kind = type(error).__name__
    where = "job" if context.job else ("update" if isinstance(update, Update) else "internal")
    update_id = update.update_id if isinstance(update, Update) else None
    # Only ids and types go to the log: message text and names are children's personal data.
    log.error("error ref=%s kind=%s where=%s update_id=%s", ref, kind, where, update_id, exc_info=error)
    if not isinstance(context, BotContext):
        return
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            texts = await context.texts(update)
            if update.callback_query is not None:
                await update.callback_query.answer()
            await reply(update, texts.t("error.generic"))
        except Exception:
            log.warning("could not tell the user about error ref=%s", ref)
    if isinstance(error, EXPECTED):
        return
    now = time.monotonic()
    if now - _last_alert.get(kind, -ALERT_INTERVAL_SECONDS) < ALERT_INTERVAL_SECONDS:
        return
    _last_alert[kind] = now
    services = context.services
    for admin_id in await people.admin_ids(services.db):
        actor = await people.load_actor(services.db, admin_id)
        admin_texts: Texts = texts_for(actor.language, services.config.school.language)
        try:
            await context.bot.send_message(
                admin_id, admin_texts.t("error.admin_alert", kind=kind, where=where, ref=ref)
            )
        except Exception:
            log.warning("could not alert an admin about error ref=%s", ref)
