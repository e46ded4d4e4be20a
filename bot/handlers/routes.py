"""A feature module's commands and buttons, declared on the callbacks they run (`@ROUTES.command("stats")`).

Each handler module keeps one `ROUTES = Routes()` and exposes `handlers = ROUTES.handlers`; bot/app.py adds
them in its order. What a command demands of its actor is declared once, beside it, with `@requires(...)`:
the policy (bot/domain/roles.py) decides, the decorator only asks and gives the polite refusal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot import buttons as bt
from bot.callback_data import Button
from bot.domain.roles import Access, may_do
from bot.handlers.common import BotContext, Page, answer, reply, show_page

Callback = TypeVar("Callback", bound=Callable[[Update, BotContext], Coroutine[Any, Any, Any]])
Handler = BaseHandler[Update, BotContext, Any]


class Routes:
    """The commands and button kinds of one module, each with its callback, in the order declared."""

    def __init__(self) -> None:
        self._made: list[Callable[[], Handler]] = []

    def command(self, *names: str) -> Callable[[Callback], Callback]:
        """Runs the callback for /name (several names: aliases of one command)."""

        def register(callback: Callback) -> Callback:
            self._made.append(lambda: CommandHandler(list(names), callback))
            return callback

        return register

    def button(self, *kinds: type[Button]) -> Callable[[Callback], Callback]:
        """Runs the callback when a button of one of these kinds is pressed."""

        def register(callback: Callback) -> Callback:
            for kind in kinds:
                self._made.append(functools.partial(CallbackQueryHandler, callback, pattern=kind.pattern))
            return callback

        return register

    def pages(self, kind: type[bt.Paged], *, command: str | None = None) -> Callable[[Page], Page]:
        """A paginated list: the page function shows page n; /command shows the first, a `kind` button its own."""

        def register(page: Page) -> Page:
            async def show(update: Update, context: BotContext) -> None:
                await show_page(update, context, page, kind)

            if command is not None:
                self.command(command)(show)
            self.button(kind)(show)
            return page

        return register

    def handlers(self) -> list[Handler]:
        """Fresh handlers for one Application (the tests build many)."""
        return [make() for make in self._made]


def requires(access: Access, *, denied: str = "access.denied") -> Callable[[Callback], Callback]:
    """Runs the callback only for an actor the policy allows `access`; anyone else is told `denied` (a catalogue
    key) and nothing else happens: a conversation entry refused this way does not start."""

    def guard(callback: Callback) -> Callback:
        @functools.wraps(callback)
        async def guarded(update: Update, context: BotContext) -> Any:
            if may_do(await context.actor(update), access):
                return await callback(update, context)
            await answer(update)
            await reply(update, (await context.texts(update)).t(denied))
            return None

        return guarded  # type: ignore[return-value]

    return guard
