"""The one error handler: log with context (never personal data), tell the user, alert admins."""

from __future__ import annotations

import logging
import secrets
import time
import traceback
from pathlib import PurePath

from telegram import Update
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.handlers.common import BotContext, reply
from bot.services import people
from bot.texts import Texts, texts_for
from bot.update_processor import Inbox, retriable

log = logging.getLogger("bot.errors")

# Errors that are part of life with a network and with people who block bots: logged, never alerted.
EXPECTED = (NetworkError, TimedOut, RetryAfter, Forbidden)
ALERT_INTERVAL_SECONDS = 600
_last_alert: dict[str, float] = {}
MAX_FRAMES = 12


def describe(error: BaseException | None, token: str) -> str:
    """Where an error happened, for the log: types and file:line:function of it and its causes.

    Exception messages are left out: they can hold what someone typed (a child's name, a phone
    number) or, from the HTTP layer, a URL with the bot token. Bot API errors keep their
    description (it names the problem, not the data), with the token masked just in case.
    """
    parts: list[str] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen and len(parts) < 5:
        seen.add(id(error))
        frames = traceback.extract_tb(error.__traceback__)[-MAX_FRAMES:]
        where = " > ".join(f"{'/'.join(PurePath(f.filename).parts[-2:])}:{f.lineno}:{f.name}" for f in frames)
        part = f"{type(error).__name__} at {where or '?'}"
        if isinstance(error, TelegramError):
            part += f" ({error.message.replace(token, '<token>') if token else error.message})"
        parts.append(part)
        error = error.__cause__ or error.__context__
    return " <- ".join(parts)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error with a reference, replies politely, and alerts admins at most every ten minutes."""
    error = context.error
    ref = secrets.token_hex(3)
    kind = type(error).__name__
    where = "job" if context.job else ("update" if isinstance(update, Update) else "internal")
    update_id = update.update_id if isinstance(update, Update) else None
    # Only ids, types and code locations go to the log: message text and names are children's personal data.
    trace = describe(error, context.bot.token)
    inbox = context.application.bot_data.get("inbox")
    if isinstance(update, Update) and retriable(error) and isinstance(inbox, Inbox) and inbox.will_retry(update):
        # Telegram did not answer this reply; the update stays in the inbox and is handled again once it does
        # (a "sorry" now would most likely fail the same way, or arrive before the real answer).
        log.warning("error ref=%s kind=%s where=update update_id=%s handled again later trace=%s",
                    ref, kind, update_id, trace)  # fmt: skip
        return
    log.error("error ref=%s kind=%s where=%s update_id=%s trace=%s", ref, kind, where, update_id, trace)
    if not isinstance(context, BotContext):
        return
    if isinstance(update, Update) and update.effective_chat is not None:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError:
                pass  # already answered by the handler before it failed
        try:
            texts = await context.texts(update)
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
    for admin_id in await people.keeper_ids(services):
        actor = await people.load_actor(services, admin_id)
        admin_texts: Texts = texts_for(actor.language, services.config.school.language)
        try:
            await context.bot.send_message(
                admin_id, admin_texts.t("error.admin_alert", kind=kind, where=where, ref=ref)
            )
        except Exception:
            log.warning("could not alert an admin about error ref=%s", ref)
