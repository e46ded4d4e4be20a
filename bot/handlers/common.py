"""What every handler shares: the context type, the current actor, replies, flow guards and hints."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    ExtBot,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import buttons as bt
from bot import keyboards as kb
from bot.callback_data import Button
from bot.domain.messages import Reasoned
from bot.domain.roles import Actor
from bot.domain.validation import InvalidInput
from bot.services import AccessDenied, NotFound, Services, people
from bot.telegram_io.persistence import SqlitePersistence
from bot.texts import Texts, texts_for
from bot.texts import clip_html as clip_html  # re-exported: handlers clip with it

MAX_MESSAGE = 4096
TYPED = filters.TEXT & ~filters.COMMAND  # what a flow takes as a typed answer
T = TypeVar("T")
B = TypeVar("B", bound=Button)


class BotContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """The callback context, with the services, the current actor and their catalogue at hand."""

    _actor: Actor | None = None

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    async def actor(self, update: Update) -> Actor:
        """The user behind this update, loaded once per update (roles can change between updates)."""
        if self._actor is None:
            user = update.effective_user
            assert user is not None
            self._actor = await people.load_actor(self.services, user.id)
        return self._actor

    async def caller(self, update: Update) -> tuple[Texts, Actor]:
        """The catalogue and the actor of this update's user: most callbacks want both."""
        return await self.texts(update), await self.actor(update)

    def forget_actor(self) -> None:
        self._actor = None

    async def texts(self, update: Update) -> Texts:
        if update.effective_user is None:
            return texts_for(None, self.services.config.school.language)
        actor = await self.actor(update)
        return texts_for(actor.language, self.services.config.school.language)

    @property
    def draft(self) -> dict[str, Any]:
        assert self.user_data is not None
        return self.user_data


BotApp = Application[ExtBot[None], BotContext, dict[str, Any], dict[str, Any], dict[str, Any], Any]
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
    """Sends HTML text to the chat of this update (a new message, also after a button press)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(clip_html(text), parse_mode=ParseMode.HTML, reply_markup=markup)


async def edit_or_reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """After a button press, replaces that message (keeps the chat short on small phones)."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(clip_html(text), parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            # Messages too old to edit (or deleted) fall through to a fresh message.
    await reply(update, text, markup)


async def answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answers a callback query first, so the user's spinner stops even if later work fails."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)


async def refuse(
    update: Update,
    texts: Texts,
    problem: AccessDenied | NotFound | Reasoned,
    *,
    denied: str = "access.denied",
    gone: str = "card.gone",
    alert: bool = False,
) -> None:
    """The polite answer when a service refuses: not allowed (`denied`), no longer there (`gone`), or its own
    reason (a change that does not fit the record, or one made already). With `alert`, it answers the button
    press (not yet answered)."""
    if isinstance(problem, Reasoned):
        text = texts.t(problem.reason)
    else:
        text = texts.t(denied if isinstance(problem, AccessDenied) else gone)
    if alert:
        await answer(update, text, alert=True)
    else:
        await reply(update, text)


async def read_typed(update: Update, texts: Texts, parse: Callable[[str], T]) -> T | None:
    """A typed answer, parsed (`parse` raises InvalidInput, never returns None); a bad one is told why (the caller
    stays in its step) and gives None."""
    assert update.message is not None and update.message.text is not None
    try:
        return parse(update.message.text)
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason))
        return None


async def pressed(update: Update, context: BotContext, kind: type[B]) -> tuple[Texts, Actor, B]:
    """A press of a button of kind `kind`, answered first: the presser's catalogue, who they are, what they pressed
    (its ids come from the client: the service re-checks them)."""
    await answer(update)
    texts, actor = await context.caller(update)
    return texts, actor, kind.of(update)


Page = Callable[[Update, BotContext, Texts, int], Coroutine[Any, Any, None]]


async def show_page(update: Update, context: BotContext, page: Page, button: type[bt.Paged]) -> None:
    """A paginated list: its command shows the first page; its page button (of kind `button`) shows its page."""
    await answer(update)
    texts = await context.texts(update)
    await page(update, context, texts, button.of(update).page if update.callback_query else 0)


Fetch = Callable[[Services, Actor], Awaitable[T]]


async def fetch_pressed(
    update: Update, context: BotContext, fetch: Fetch[T], *, denied: str = "access.denied", gone: str = "card.gone"
) -> tuple[Texts, T] | None:
    """What `fetch` gives the person who pressed a button (or typed a command), the press answered first; None
    once a refusal is said (not allowed: `denied`, or no longer there: `gone`)."""
    await answer(update)
    texts, actor = await context.caller(update)
    try:
        return texts, await fetch(context.services, actor)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=denied, gone=gone)
        return None


FetchOne = Callable[[Services, Actor, int], Awaitable[T]]


async def fetch_one(
    update: Update,
    context: BotContext,
    fetch: FetchOne[T],
    item: int,
    *,
    denied: str = "access.denied",
    gone: str = "card.gone",
) -> tuple[Texts, T] | None:
    """As fetch_pressed, for one item (the pressed button's child, notice…) by its id."""
    return await fetch_pressed(
        update, context, lambda services, actor: fetch(services, actor, item), denied=denied, gone=gone
    )


async def show_sent(
    update: Update,
    context: BotContext,
    fetch: Fetch[Sequence[T]],
    item: Callable[[Texts, T], InlineKeyboardButton],
    *,
    head: str,
    none: str,
) -> None:
    """What one sent (notices, questionnaires), a button for each (`item`) under `head`; `none` when nothing."""
    fetched = await fetch_pressed(update, context, fetch)
    if fetched is None:
        return
    texts, found = fetched
    if not found:
        await reply(update, texts.t(none))
        return
    await reply(update, texts.t(head), kb.grid([item(texts, one) for one in found], 1))


# --- flows -----------------------------------------------------------------------------------------

FLOW_KEY = "flow"


async def begin_flow(update: Update, context: BotContext, name: str) -> bool:
    """Marks the user as inside flow `name`; refuses (with a reply) if another flow is under way."""
    current = context.draft.get(FLOW_KEY)
    if current and current != name:
        texts = await context.texts(update)
        await reply(update, texts.t("flow.busy", flow=texts.t(f"flow.name.{current}")))
        return False
    context.draft[FLOW_KEY] = name
    return True


async def enter_flow(
    update: Update, context: BotContext, name: str, *, allowed: bool, denied: str = "access.denied"
) -> bool:
    """The entry guard of a flow: someone not `allowed` is told so (`denied`); otherwise as begin_flow."""
    if not allowed:
        texts = await context.texts(update)
        await reply(update, texts.t(denied))
        return False
    return await begin_flow(update, context, name)


def end_flow(context: BotContext, *keys: str) -> int:
    """Forgets the flow and its drafts; returns ConversationHandler.END for the caller to return."""
    for key in (FLOW_KEY, *keys):
        context.draft.pop(key, None)
    return ConversationHandler.END


# The buttons that just saved a form, remembered for a while in memory (not in the person's stored data: a
# flow's end leaves no row behind): a second tap on one (a double tap, or a tap before the edited message
# arrived) is told "already saved" rather than "this button is stale". A restart forgets them, which is harmless.
SAVED_KEY = "saved_buttons"
SAVED_FOR = timedelta(minutes=30)
SAVED_KEPT = 5


def end_saved(update: Update, context: BotContext, *keys: str) -> int:
    """As end_flow, for a flow whose record was just saved; if a button press saved it, that button is
    remembered (see SAVED_KEY)."""
    query = update.callback_query
    if query is not None and query.data and update.effective_user is not None:
        kept = [e for e in _saved_buttons(update, context) if e[0] != query.data][-(SAVED_KEPT - 1) :]
        _saved_by_user(context)[update.effective_user.id] = [*kept, (query.data, context.services.now())]
    return end_flow(context, *keys)


def _saved_by_user(context: BotContext) -> dict[int, list[tuple[str, datetime]]]:
    saved: dict[int, list[tuple[str, datetime]]] = context.application.bot_data.setdefault(SAVED_KEY, {})
    return saved


def _saved_buttons(update: Update, context: BotContext) -> list[tuple[str, datetime]]:
    """The person's remembered save buttons still within SAVED_FOR (older ones are dropped as they are read)."""
    if update.effective_user is None:
        return []
    by_user = _saved_by_user(context)
    now = context.services.now()
    kept = [e for e in by_user.get(update.effective_user.id, []) if now - e[1] < SAVED_FOR]
    if kept:
        by_user[update.effective_user.id] = kept
    else:
        by_user.pop(update.effective_user.id, None)
    return kept


async def answer_stale(update: Update, context: BotContext) -> None:
    """Answers a press on a button that is not for the step at hand: "already saved" if it is a button that just
    saved its form, otherwise "this button has expired"."""
    query = update.callback_query
    saved = query is not None and any(data == query.data for data, _ in _saved_buttons(update, context))
    texts = await context.texts(update)
    await answer(update, texts.t("flow.already_saved" if saved else "flow.stale_button"), alert=True)


def make_cancel(*keys: str) -> Callback:
    async def cancel(update: Update, context: BotContext) -> int:
        """Ends the flow without saving anything."""
        await answer(update)
        texts = await context.texts(update)
        await reply(update, texts.t("cancel.done"))
        return end_flow(context, *keys)

    return cancel


def make_timeout(flow: str, *keys: str) -> Callback:
    async def timeout(update: Update, context: BotContext) -> None:
        """Tells the user an abandoned flow ended, and drops its draft."""
        texts = await context.texts(update)
        await reply(update, texts.t("flow.timeout", flow=texts.t(f"flow.name.{flow}")))
        end_flow(context, *keys)
        await _write_through_end(update, context, flow)

    return timeout


async def _write_through_end(update: Update, context: BotContext, name: str) -> None:
    """Stores the ended flow at once (the persistence's write-through: see SqlitePersistence.end_conversation)."""
    persistence = context.application.persistence
    chat, user = update.effective_chat, update.effective_user
    if isinstance(persistence, SqlitePersistence) and chat is not None and user is not None:
        await persistence.end_conversation(name, (chat.id, user.id), user.id, context.draft)


def make_hint(flow: str, hint_key: str) -> Callback:
    async def hint(update: Update, context: BotContext) -> None:
        """Stickers, photos, stray commands mid-flow: say what the current step needs; stay in the step."""
        await answer(update)
        texts = await context.texts(update)
        if not await command_in_flow(update, texts, flow):
            await reply(update, texts.t(hint_key))

    return hint


async def command_in_flow(update: Update, texts: Texts, flow: str) -> bool:
    """A command typed mid-flow is told the flow `flow` is under way (True); anything else gives False."""
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return False
    await reply(update, texts.t("flow.command_in_flow", flow=texts.t(f"flow.name.{flow}")))
    return True


def conversation(
    *,
    name: str,
    entry_points: list[BaseHandler[Update, BotContext, Any]],
    states: dict[object, list[BaseHandler[Update, BotContext, Any]]],
    draft_keys: tuple[str, ...],
    timeout_minutes: int,
    hint_key: str = "flow.hint_text",
    hint: Callback | dict[object, Callback] | None = None,
) -> ConversationHandler[BotContext]:
    """A persistent ConversationHandler with the house rules: /cancel, timeout, and a hint for stray input.

    Every state gets a last handler that answers anything unexpected (stickers, photos, commands,
    stale buttons) with a hint for the step, so nothing falls through to other features mid-flow.
    `hint` is one for every state, or each state's own (the others get the plain one of `hint_key`).
    """
    hints = hint if isinstance(hint, dict) else {}
    default = hint if hint is not None and not isinstance(hint, dict) else make_hint(name, hint_key)

    def catch_all(state: object) -> list[BaseHandler[Update, BotContext, Any]]:
        return [CallbackQueryHandler(answer_stale), MessageHandler(filters.ALL, hints.get(state, default))]

    # /cancel comes first in every state: the catch-all would otherwise swallow it as a stray command.
    cancel = CommandHandler("cancel", make_cancel(*draft_keys))
    full_states = {state: [cancel, *handlers, *catch_all(state)] for state, handlers in states.items()}
    full_states[ConversationHandler.TIMEOUT] = [TypeHandler(Update, make_timeout(name, *draft_keys))]
    with warnings.catch_warnings():
        # per_message=False is deliberate: the flows mix typed answers and buttons in one chat.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=entry_points,
            states=full_states,
            fallbacks=[cancel],
            name=name,
            persistent=True,
            conversation_timeout=timeout_minutes * 60,
            allow_reentry=False,
        )


def command_args(context: BotContext) -> str:
    return " ".join(context.args or []).strip()
