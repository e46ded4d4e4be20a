"""One small mechanism for the flows: a typed draft per flow, the step as the ConversationHandler state.

A flow's draft is a dataclass (a subclass of `Draft`) kept in user_data under the flow's key as a plain dict, so
the persistence stores it as JSON and an erasure's scrub walks it like any other data. A step is a handler
registered in the state it belongs to (so a button of another step falls to the catch-all as stale); it gets the
draft already loaded and, for a button, the press already parsed and checked against this run of the flow (its
nonce) once. What the step changes in the draft is stored when it returns, unless it ended the flow.

A draft that is gone (the flow ended elsewhere, or an erasure scrubbed it because it named the child) or that
cannot be read (stored by an older version of the flow) ends the flow with the polite "start again" reply.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler
from telegram.ext.filters import BaseFilter

from bot.callback_data import Button
from bot.domain.roles import Access, may_do
from bot.domain.validation import clean_text
from bot.handlers.common import (
    BotContext,
    Callback,
    answer,
    answer_stale,
    command_in_flow,
    conversation,
    end_flow,
    end_saved,
    enter_flow,
    read_typed,
    reply,
)
from bot.texts import Texts


def new_nonce() -> str:
    """One run of a flow: its buttons carry it, so a button of an earlier run is stale."""
    return secrets.token_hex(3)


def new_token() -> str:
    """A random token for one flow's record: stored UNIQUE, so a double tap cannot save twice."""
    return secrets.token_hex(8)


@dataclass(kw_only=True)
class Draft:
    """What a flow has gathered so far. Fields hold plain JSON values (str, int, bool, None, lists, dicts); a
    field without a default is one the flow cannot go on without (a stored draft lacking it is unreadable)."""

    nonce: str = field(default_factory=new_nonce)


STALE = "flow.stale_button"
D = TypeVar("D", bound=Draft)
B = TypeVar("B", bound=Button)
Step = Callable[[Update, BotContext, D], Awaitable[int]]
ButtonStep = Callable[[Update, BotContext, D, B], Awaitable[int]]
T = TypeVar("T")
Then = Callable[[Update, BotContext, Texts, D, T], Awaitable[int]]
Handler = BaseHandler[Update, BotContext, Any]


def at_step(step: int) -> Callable[[Draft, Any], str | None]:
    """An on_button check for a kind of button that carries the step it was asked in (a pick of one answer):
    a button of another step is stale."""
    return lambda draft, button: None if button.step == step else STALE


def text_up_to(limit: int) -> Callable[[str], str]:
    """A parse for on_typed: a text of at most `limit` characters, kept as typed (bad input raises InvalidInput
    with its reason)."""
    return lambda text: clean_text(text, max_length=limit)


async def parsed(
    update: Update, texts: Texts, parse: Callable[[str], T | None], bad: str, **values: object
) -> T | None:
    """A typed answer through `parse`, which gives None for one it cannot read: that one is told `bad` (with
    `values`) and gives None, for the step to stay where it is."""
    assert update.message is not None and update.message.text is not None
    value = parse(update.message.text)
    if value is None:
        await reply(update, texts.t(bad, **values))
    return value


def load(kind: type[D], stored: object) -> D | None:
    """The draft of `kind` from its stored dict; None if it cannot be one (a field it needs is missing). Keys the
    draft no longer has (an older version of the flow kept them) are left out."""
    if not isinstance(stored, dict):
        return None
    names = {f.name for f in dataclasses.fields(kind)}
    try:
        return kind(**{k: v for k, v in stored.items() if k in names})
    except TypeError:
        return None


class Flow(Generic[D]):
    """One flow: its name (the conversation's, and `flow.name.<name>` in the catalogue), its draft type and the
    user_data key the draft lives under."""

    def __init__(self, name: str, kind: type[D], key: str, *, gone: str | None = None) -> None:
        self.name, self.kind, self.key = name, kind, key
        self.gone = gone  # what a step without its draft says (None: "this form ended, start it again")

    def conversation(
        self,
        *,
        entry_points: list[Handler],
        states: dict[object, list[Handler]],
        timeout_minutes: int,
        hint_key: str = "flow.hint_text",
        hint: Callback | dict[object, Callback] | None = None,
    ) -> ConversationHandler[BotContext]:
        """The flow's persistent ConversationHandler (see common.conversation): named after the flow, its draft
        dropped at /cancel and at the timeout."""
        return conversation(
            name=self.name, entry_points=entry_points, states=states, draft_keys=(self.key,),
            timeout_minutes=timeout_minutes, hint_key=hint_key, hint=hint,
        )  # fmt: skip

    def get(self, context: BotContext) -> D | None:
        return load(self.kind, context.draft.get(self.key))

    def put(self, context: BotContext, draft: D) -> None:
        context.draft[self.key] = dataclasses.asdict(draft)

    def take(self, context: BotContext) -> D | None:
        """The draft, taken out of user_data: a save takes it first, so a second press cannot save it again."""
        return load(self.kind, context.draft.pop(self.key, None))

    async def begin(
        self,
        update: Update,
        context: BotContext,
        draft: D,
        *,
        access: Access | None = None,
        allowed: bool = True,
        denied: str = "access.denied",
    ) -> bool:
        """The entry: someone the policy does not allow `access`, or not `allowed`, is told so; someone in another
        flow is told that one is under way; otherwise the draft is stored and True comes back."""
        if access is not None:
            allowed = allowed and may_do(await context.actor(update), access)
        if not await enter_flow(update, context, self.name, allowed=allowed, denied=denied):
            return False
        self.put(context, draft)
        return True

    async def open(self, update: Update, context: BotContext, draft: D, question: str, state: int) -> int:
        """As begin (for anyone), then the first question is asked: the state of its step, or END when another
        flow is under way."""
        if not await self.begin(update, context, draft):
            return ConversationHandler.END
        await reply(update, question)
        return state

    def end(self, context: BotContext) -> int:
        return end_flow(context, self.key)

    def saved(self, update: Update, context: BotContext) -> int:
        """Ends the flow whose record was just saved (a second tap on the save button says "already saved")."""
        return end_saved(update, context, self.key)

    async def saved_once(self, update: Update, context: BotContext, *, new: bool) -> bool:
        """As saved, after a save that makes its record once: False when this one found it made already (a press
        retried, a restart mid-save), and the person is told so."""
        self.saved(update, context)
        if not new:
            await reply(update, (await context.texts(update)).t("care.already_saved"))
        return new

    async def cleared(self, update: Update, context: BotContext) -> int:
        """The draft is gone or unreadable: say the flow ended (start it again), and end it."""
        texts = await context.texts(update)
        text = texts.t(self.gone) if self.gone else texts.t("flow.cleared", flow=texts.t(f"flow.name.{self.name}"))
        await reply(update, text)
        return self.end(context)

    async def _run(self, update: Update, context: BotContext, draft: D, step: Awaitable[int]) -> int:
        state = await step
        if state != ConversationHandler.END and self.key in context.draft:
            self.put(context, draft)
        return state

    def on_text(self, filters: BaseFilter, step: Step[D]) -> Handler:
        """A typed answer (or any message `filters` take) to the step of this state."""

        async def run(update: Update, context: BotContext) -> int:
            draft = self.get(context)
            if draft is None:
                return await self.cleared(update, context)
            return await self._run(update, context, draft, step(update, context, draft))

        return MessageHandler(filters, run)

    def on_typed(self, filters: BaseFilter, parse: Callable[[str], T], then: Then[D, T]) -> Handler:
        """A typed answer to the step of this state, read by `parse` (it raises InvalidInput for one it cannot take:
        the reason is said and the step stays), then `then` with what was read."""
        return self._reading(filters, lambda update, texts: read_typed(update, texts, parse), then)

    def on_parsed(
        self, filters: BaseFilter, parse: Callable[[str], T | None], bad: str, then: Then[D, T], **values: object
    ) -> Handler:
        """As on_typed, for a `parse` that gives None for an answer it cannot read: that one is told `bad` (with
        `values`) and the step stays."""
        return self._reading(filters, lambda update, texts: parsed(update, texts, parse, bad, **values), then)

    def on_read(
        self, filters: BaseFilter, read: Callable[[Update, Texts], Awaitable[T | None]], then: Then[D, T]
    ) -> Handler:
        """A message (words, a voice message, a photo…) read by `read`, which says why it cannot take one and gives
        None (the step stays); then `then` with what was read."""
        return self._reading(filters, read, then)

    def _reading(
        self, filters: BaseFilter, read: Callable[[Update, Texts], Awaitable[T | None]], then: Then[D, T]
    ) -> Handler:
        async def run(update: Update, context: BotContext) -> int | None:
            draft = self.get(context)
            if draft is None:
                return await self.cleared(update, context)
            texts = await context.texts(update)
            value = await read(update, texts)
            if value is None:
                return None  # `read` said why; the step stays
            return await self._run(update, context, draft, then(update, context, texts, draft, value))

        return MessageHandler(filters, run)

    def on_button(
        self, kind: type[B], step: ButtonStep[D, B], *, check: Callable[[D, B], str | None] | None = None
    ) -> Handler:
        """A button of kind `kind` pressed in this state: it must carry this run's nonce (if the kind has one),
        else it is stale; `check` may refuse it too, with the catalogue key of the alert (STALE for a button of
        another question). A refused press keeps the state. The press is answered before the step runs."""

        async def run(update: Update, context: BotContext) -> int | None:
            draft = self.get(context)
            if draft is None:
                await answer(update)
                return await self.cleared(update, context)
            button = kind.of(update)
            if getattr(button, "nonce", draft.nonce) != draft.nonce:
                await answer_stale(update, context)
                return None
            refused = check(draft, button) if check is not None else None
            if refused is not None:
                texts = await context.texts(update)
                await answer(update, texts.t(refused), alert=True)
                return None
            await answer(update)
            return await self._run(update, context, draft, step(update, context, draft, button))

        return CallbackQueryHandler(run, pattern=kind.pattern)

    def hint_saying(self, key: str, ask_again: Callable[[Update, Texts, D], Awaitable[int]] | None = None) -> Callback:
        """A state's catch-all that says `key` (what the step needs) and, with `ask_again`, asks the step's question
        again with its buttons (see hint)."""

        async def hint(update: Update, context: BotContext, texts: Texts, draft: D | None) -> None:
            await reply(update, texts.t(key))
            if ask_again is not None and draft is not None:
                await ask_again(update, texts, draft)

        return self.hint(hint)

    def hint(self, step: Callable[[Update, BotContext, Texts, D | None], Awaitable[None]]) -> Callback:
        """The catch-all of one state (stickers, photos, stray text or commands): a command is told the flow is
        under way; anything else gets `step`, which says what this step needs (and may ask its question again,
        buttons included: they may be gone after a restart, or far up the chat). The state stays."""

        async def run(update: Update, context: BotContext) -> None:
            await answer(update)
            texts = await context.texts(update)
            if await command_in_flow(update, texts, self.name):
                return
            draft = self.get(context)
            await step(update, context, texts, draft)
            if draft is not None and self.key in context.draft:
                self.put(context, draft)

        return run
