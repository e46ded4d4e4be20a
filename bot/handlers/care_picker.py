"""Choosing a child at the start of a care flow: recent and own children on buttons, or search by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic

from telegram import Update
from telegram.ext import ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may_do
from bot.domain.validation import InvalidInput, clean_text
from bot.handlers.common import (
    BotContext,
    answer,
    answer_stale,
    command_args,
    end_flow,
    enter_flow,
    refuse,
    reply,
)
from bot.handlers.flow import D, Flow, Handler, new_nonce, new_token
from bot.services import AccessDenied, NotFound, Services
from bot.services import care as care_service
from bot.texts import Texts

__all__ = ["new_nonce", "new_token"]  # the flows not yet on handlers/flow.py take them from here

PICK_LIMIT = 8
Finder = Callable[[Services, Actor, str], Awaitable[tuple[list[Child], int]]]
Chosen = Callable[[Update, BotContext, Texts, Child], Awaitable[int]]
ChosenFor = Callable[[Update, BotContext, Texts, D, Child], Awaitable[int]]


def child_label(texts: Texts, child: Child) -> str:
    return texts.t("child.button", name=child.name, class_label=child.class_label)


async def offer(
    update: Update, texts: Texts, *, pick: type[bt.ChildPick], nonce: str, picks: list[Child], prompt_key: str
) -> None:
    """The first question: tap one of the quick picks (buttons of kind `pick`), or type a name."""
    buttons = [kb.button(child_label(texts, c), pick(nonce, c.id)) for c in picks]
    key = prompt_key if picks else prompt_key + "_type"
    await reply(update, texts.t(key), kb.grid(buttons, 2) if buttons else None)


async def find_for_care(services: Services, actor: Actor, query: str) -> tuple[list[Child], int]:
    """The children whose care the actor may log, by name: the finder of /checkin and /visit."""
    return await care_service.search_for_care(services, actor, query, limit=PICK_LIMIT)


async def care_quick_picks(services: Services, actor: Actor) -> list[Child]:
    """The children one logs care for most: recent ones, then one's own."""
    return await care_service.quick_picks(services, actor, limit=PICK_LIMIT)


QuickPicks = Callable[[Services, Actor], Awaitable[list[Child]]]
Recheck = Callable[[Services, Actor, int], Awaitable[Child]]


async def open_pick(
    update: Update,
    context: BotContext,
    texts: Texts,
    *,
    query: str,
    pick: type[bt.ChildPick],
    nonce: str,
    prompt_key: str,
    finder: Finder = find_for_care,
    quick: QuickPicks = care_quick_picks,
) -> Child | None:
    """The pick step of a flow: `/command name` with one match returns that child at once; otherwise the quick
    picks are offered (after saying a typed name matched nobody) and None is returned."""
    actor = await context.actor(update)
    if query:
        found, total = await finder(context.services, actor, query)
        if total == 1:
            return found[0]
        if total == 0:
            await reply(update, texts.t("care.pick_none", query=query))
    picks = await quick(context.services, actor)
    await offer(update, texts, pick=pick, nonce=nonce, picks=picks, prompt_key=prompt_key)
    return None


async def search(
    update: Update, context: BotContext, texts: Texts, *, pick: type[bt.ChildPick], nonce: str, finder: Finder
) -> Child | None:
    """A typed name: one match is returned at once; several are offered as buttons; none says so."""
    assert update.message is not None and update.message.text is not None
    try:
        query = clean_text(update.message.text, max_length=30)
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason))
        return None
    actor = await context.actor(update)
    found, total = await finder(context.services, actor, query)
    if total == 0:
        await reply(update, texts.t("care.pick_none", query=query))
        return None
    if total == 1:
        return found[0]
    buttons = [kb.button(child_label(texts, c), pick(nonce, c.id)) for c in found[:PICK_LIMIT]]
    key = "care.pick_many" if total <= PICK_LIMIT else "care.pick_too_many"
    await reply(update, texts.t(key, total=total, shown=min(total, PICK_LIMIT)), kb.grid(buttons, 2))
    return None


async def typed_name(
    update: Update,
    context: BotContext,
    *,
    draft_key: str,
    pick: type[bt.ChildPick],
    finder: Finder,
    state: int,
    chosen: Chosen,
) -> int:
    """The pick step's typed name: one match goes on to `chosen`; otherwise the step stays (buttons offered, or
    told none matched). Without a draft (ended elsewhere) the flow ends quietly."""
    texts = await context.texts(update)
    draft = context.draft.get(draft_key)
    if draft is None:
        return end_flow(context, draft_key)
    child = await search(update, context, texts, pick=pick, nonce=draft["nonce"], finder=finder)
    return state if child is None else await chosen(update, context, texts, child)


async def child_for_care(update: Update, context: BotContext, texts: Texts, child_id: int) -> Child | None:
    """The child on a pressed button, re-checked (ids come from the client); refused or gone: say so, None."""
    actor = await context.actor(update)
    try:
        return await care_service.child_for_care(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return None


async def pressed(
    update: Update, context: BotContext, draft_key: str, nonce: str, *, stage: str | None, valid: bool = True
) -> dict[str, Any] | None:
    """The flow's draft, if the pressed button (carrying `nonce`) belongs to this run of the flow and to its current
    step (`stage`, unless None): the press is answered. Otherwise the button is stale: an alert says so, and None
    comes back."""
    draft: dict[str, Any] | None = context.draft.get(draft_key)
    if draft is None or not valid or nonce != draft["nonce"] or (stage is not None and draft.get("stage") != stage):
        await answer_stale(update, context)
        return None
    await answer(update)
    return draft


def may_log_care(actor: Actor) -> bool:
    """Who may open /checkin and /visit: admins, and staff with a class or a mentee."""
    return may_do(actor, Access.LOG_CARE)


async def start_care_flow(
    update: Update,
    context: BotContext,
    *,
    flow: str,
    draft_key: str,
    draft: dict[str, Any],
    pick: type[bt.ChildPick],
    prompt_key: str,
    state: int,
    chosen: Chosen,
) -> int:
    """The entry of /checkin and /visit: staff who may log care only; `/command name` with one match goes on at once."""
    actor = await context.actor(update)
    if not await enter_flow(update, context, flow, allowed=may_log_care(actor)):
        return ConversationHandler.END
    context.draft[draft_key] = draft
    texts = await context.texts(update)
    child = await open_pick(
        update, context, texts, query=command_args(context), pick=pick, nonce=draft["nonce"], prompt_key=prompt_key
    )
    return state if child is None else await chosen(update, context, texts, child)


async def picked_for_care(
    update: Update,
    context: BotContext,
    *,
    draft_key: str,
    pick: type[bt.ChildPick],
    stage: str | None,
    state: int,
    chosen: Chosen,
) -> int:
    """A quick pick or search result of /checkin or /visit: the button must be this flow's, the child is re-checked."""
    button = pick.of(update)
    if await pressed(update, context, draft_key, button.nonce, stage=stage) is None:
        return state
    texts = await context.texts(update)
    child = await child_for_care(update, context, texts, button.child)
    return state if child is None else await chosen(update, context, texts, child)


async def care_recheck(services: Services, actor: Actor, child_id: int) -> Child:
    return await care_service.child_for_care(services, actor, child_id)


class ChildPicker(Generic[D]):
    """The pick step of a flow about one child, declared once per flow: its entry (`start`) and the handlers of
    its state (a typed name, a pressed pick). Who may open it is `access` (a care flow's by default: the finder,
    the quick picks and the re-check of a pressed child are the care ones unless given). The child, re-checked,
    goes on to `chosen` with the flow's draft."""

    def __init__(
        self,
        flow: Flow[D],
        *,
        pick: type[bt.ChildPick],
        prompt_key: str,
        state: int,
        chosen: ChosenFor[D],
        access: Access = Access.LOG_CARE,
        finder: Finder = find_for_care,
        quick: QuickPicks = care_quick_picks,
        recheck: Recheck = care_recheck,
    ) -> None:
        self.flow, self.pick, self.prompt_key, self.state = flow, pick, prompt_key, state
        self.chosen, self.access, self.finder, self.quick, self.recheck = chosen, access, finder, quick, recheck

    async def start(self, update: Update, context: BotContext, draft: D) -> int:
        """The entry: only those who may do `access`; `/command name` with one match goes on at once."""
        actor = await context.actor(update)
        if not await self.flow.begin(update, context, draft, allowed=may_do(actor, self.access)):
            return ConversationHandler.END
        texts = await context.texts(update)
        query = command_args(context)
        child = await open_pick(
            update, context, texts, query=query, pick=self.pick, nonce=draft.nonce, prompt_key=self.prompt_key,
            finder=self.finder, quick=self.quick,
        )  # fmt: skip
        if child is None:
            return self.state
        state = await self.chosen(update, context, texts, draft, child)
        if self.flow.key in context.draft:
            self.flow.put(context, draft)
        return state

    def handlers(self) -> list[Handler]:
        return [
            self.flow.on_text(filters.TEXT & ~filters.COMMAND, self._typed),
            self.flow.on_button(self.pick, self._picked),
        ]

    async def _typed(self, update: Update, context: BotContext, draft: D) -> int:
        """A typed name: one match goes on; otherwise the step stays (buttons offered, or told none matched)."""
        texts = await context.texts(update)
        child = await search(update, context, texts, pick=self.pick, nonce=draft.nonce, finder=self.finder)
        return self.state if child is None else await self.chosen(update, context, texts, draft, child)

    async def _picked(self, update: Update, context: BotContext, draft: D, button: bt.ChildPick) -> int:
        """A quick pick or search result of this run: the child is re-checked."""
        texts = await context.texts(update)
        actor = await context.actor(update)
        try:
            child = await self.recheck(context.services, actor, button.child)
        except (AccessDenied, NotFound) as problem:
            await refuse(update, texts, problem, denied="access.child_denied")
            return self.state
        return await self.chosen(update, context, texts, draft, child)
