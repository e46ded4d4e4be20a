"""The command menu: each user sees only the commands their roles allow, in their language."""

from __future__ import annotations

import functools
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.domain.roles import Actor, command_description_key, commands_for
from bot.texts import LOCALES, Texts, texts_for

PUBLIC_COMMANDS = ("start", "help", "mailbox", "language", "cancel")


def _commands(texts: Texts, names: list[str], actor: Actor | None = None) -> list[BotCommand]:
    return [BotCommand(name, describe(texts, actor, name)) for name in names]


def describe(texts: Texts, actor: Actor | None, name: str) -> str:
    """A command's description in this person's own words (the menu and /help say the same)."""
    return texts.t(command_description_key(actor, name) if actor is not None else f"cmd.{name}")


@functools.lru_cache(maxsize=4096)
def menu_entries(actor: Actor, locale: str) -> tuple[tuple[str, str], ...]:
    """(command, description) of every command this actor may use, in menu order, in `locale`. Worked out once
    per actor: an Actor is read fresh for each update but equals the last one until their roles or language
    change, and /help and the menu ask for it on every /help."""
    texts = Texts(locale)
    return tuple((name, describe(texts, actor, name)) for name in commands_for(actor))


async def set_default_menu(bot: Bot, default_locale: str) -> None:
    """The menu of people with no role yet: start, help, language and cancel."""
    for locale in LOCALES:
        language_code = None if locale == default_locale else locale.split("_")[0]
        await bot.set_my_commands(
            _commands(Texts(locale), list(PUBLIC_COMMANDS)),
            scope=BotCommandScopeAllPrivateChats(),
            language_code=language_code,
        )


async def refresh_menu(
    application: Application[Any, Any, Any, Any, Any, Any], actor: Actor, default_locale: str
) -> None:
    """Sets this user's own menu (chat scope) after their roles or language change. A menu this process already
    set is not sent again (/help refreshes it on every call: otherwise one more Bot API request each time)."""
    wanted = menu_entries(actor, texts_for(actor.language, default_locale).locale)
    known: dict[int, tuple[tuple[str, str], ...]] = application.bot_data.setdefault("menus", {})
    if known.get(actor.user_id) == wanted:
        return
    commands = [BotCommand(name, description) for name, description in wanted]
    try:
        await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(actor.user_id))
    except TelegramError:
        # A menu is a convenience: the commands still work, and /help lists them.
        return
    known[actor.user_id] = wanted
