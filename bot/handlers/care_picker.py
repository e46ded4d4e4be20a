"""Choosing a child at the start of a care flow: recent and own children on buttons, or search by name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.models import Child
from bot.domain.roles import Access, Actor
from bot.domain.validation import InvalidInput, clean_text
from bot.handlers.common import BotContext, command_args, refuse, reply
from bot.handlers.flow import D, Flow, Handler
from bot.services import AccessDenied, NotFound, Services, children
from bot.services import care as care_service
from bot.services.access import authorised_child
from bot.texts import Texts

PICK_LIMIT = 8
Finder = Callable[[Services, Actor, str], Awaitable[tuple[list[Child], int]]]
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


def finder_for(access: Access) -> Finder:
    """A finder of the children the actor may `access`, by name (the policy's scope)."""

    async def find(services: Services, actor: Actor, query: str) -> tuple[list[Child], int]:
        return await children.search(services, actor, access, query, limit=PICK_LIMIT)

    return find


def recheck_for(access: Access) -> Recheck:
    """The re-check of a pressed child: the actor may still `access` it (a forged id is refused alike)."""

    async def recheck(services: Services, actor: Actor, child_id: int) -> Child:
        return await authorised_child(services, actor, child_id, access)

    return recheck


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

    def command(self, name: str, new_draft: Callable[[], D]) -> CommandHandler[BotContext, int]:
        """The flow's entry: /name starts it with a fresh draft (see start)."""

        async def entry(update: Update, context: BotContext) -> int:
            return await self.start(update, context, new_draft())

        return CommandHandler(name, entry)

    async def start(self, update: Update, context: BotContext, draft: D) -> int:
        """The entry: only those who may do `access`; `/command name` with one match goes on at once."""
        if not await self.flow.begin(update, context, draft, access=self.access):
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
        texts, actor = await context.caller(update)
        try:
            child = await self.recheck(context.services, actor, button.child)
        except (AccessDenied, NotFound) as problem:
            await refuse(update, texts, problem, denied="access.child_denied")
            return self.state
        return await self.chosen(update, context, texts, draft, child)
