"""/lookup: the county office names one child at a time, with a stated reason: the school, the name typed, one
of the matches (name and class only), the reason, then the card."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access
from bot.domain.validation import InvalidInput, clean_text
from bot.handlers.cards import child_card
from bot.handlers.common import TYPED, BotContext, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow
from bot.services import AccessDenied, NotFound
from bot.services import lookup as lookup_service
from bot.services import stats as stats_service
from bot.texts import Texts

SCHOOL, NAME, MATCH, REASON, WORDS = range(5)
NAME_MAX = 30


@dataclass(kw_only=True)
class Lookup(Draft):
    """A look-up under way: the school searched, the matches shown (a pick must be one of them), the child picked."""

    school_id: int | None = None
    school_name: str = ""
    shown: list[int] = field(default_factory=list)
    child_id: int | None = None


FLOW = Flow("lookup", Lookup, "lookup_draft")


async def start(update: Update, context: BotContext) -> int:
    """Entry: the county office only; asks for the school."""
    draft = Lookup()
    if not await FLOW.begin(update, context, draft, access=Access.DRILL_DOWN):
        return ConversationHandler.END
    texts, actor = await context.caller(update)
    found = await lookup_service.schools_to_search(context.services, actor)
    if not found:
        await reply(update, texts.t("lookup.no_schools"))
        return FLOW.end(context)
    buttons = [kb.button(school.name, bt.LookupSchool(draft.nonce, school.id)) for school in found]
    await reply(update, texts.t("lookup.choose_school"), kb.grid(buttons, 2))
    return SCHOOL


async def school_picked(update: Update, context: BotContext, draft: Lookup, button: bt.LookupSchool) -> int:
    texts = await context.texts(update)
    school = next((s for s in await lookup_service.schools_to_search(context.services, await context.actor(update))
                   if s.id == button.school), None)  # fmt: skip
    if school is None:
        await reply(update, texts.t("stats.gone"))
        return SCHOOL
    draft.school_id, draft.school_name = school.id, school.name
    await reply(update, texts.t("lookup.ask_name", school=school.name))
    return NAME


async def name_typed(update: Update, context: BotContext, draft: Lookup) -> int:
    """A name (or part of one): the matches in the school, name and class only."""
    texts = await context.texts(update)
    message = update.message
    assert message is not None and draft.school_id is not None
    try:
        query = clean_text(message.text or "", max_length=NAME_MAX)
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason))
        return NAME
    if not query:
        await reply(update, texts.t("lookup.ask_name", school=draft.school_name))
        return NAME
    actor = await context.actor(update)
    try:
        found, total = await lookup_service.matches(context.services, actor, draft.school_id, query)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="stats.gone")
        return FLOW.end(context)
    if not found:
        await reply(update, texts.t("lookup.none", school=draft.school_name, name=query))
        return NAME
    draft.shown = [child_id for child_id, _, _ in found]
    buttons = [
        kb.button(texts.t("lookup.match", name=name, class_label=label), bt.LookupChild(draft.nonce, child_id))
        for child_id, name, label in found
    ]
    key = "lookup.matches_more" if total > len(found) else "lookup.matches"
    await reply(update, texts.t(key, count=total, shown=len(found)), kb.grid(buttons, 1))
    return MATCH


def _shown(draft: Lookup, button: bt.LookupChild) -> str | None:
    return None if button.child in draft.shown else STALE


async def child_picked(update: Update, context: BotContext, draft: Lookup, button: bt.LookupChild) -> int:
    draft.child_id = button.child
    return await _ask_reason(update, await context.texts(update), draft)


async def _ask_reason(update: Update, texts: Texts, draft: Lookup) -> int:
    buttons = [
        kb.button(texts.t(f"lookup.reason.{code}"), bt.LookupReason(draft.nonce, code))
        for code in lookup_service.REASONS
    ]
    await reply(update, texts.t("lookup.ask_reason"), kb.grid(buttons, 2))
    return REASON


async def reason_picked(update: Update, context: BotContext, draft: Lookup, button: bt.LookupReason) -> int:
    if button.reason == "other":
        await reply(update, (await context.texts(update)).t("lookup.ask_words"))
        return WORDS
    return await _show(update, context, draft, button.reason, None)


async def words_typed(update: Update, context: BotContext, draft: Lookup) -> int:
    texts = await context.texts(update)
    message = update.message
    assert message is not None
    try:
        words = clean_text(message.text or "", max_length=lookup_service.REASON_MAX)
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason))
        return WORDS
    if not words:
        await reply(update, texts.t("lookup.ask_words"))
        return WORDS
    return await _show(update, context, draft, "other", words)


async def _show(update: Update, context: BotContext, draft: Lookup, reason: str, words: str | None) -> int:
    """The card, as the policy shows it to the county office for this child; the flow ends."""
    texts, actor = await context.caller(update)
    assert draft.child_id is not None and draft.school_id is not None
    try:
        found = await lookup_service.card(context.services, actor, draft.child_id, draft.school_id, reason, words)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    child = found.child
    card = child_card(texts, child, today=stats_service.local_today(context.services), fields=found.fields)
    await reply(update, card + "\n\n" + texts.t("lookup.recorded", reason=texts.t(f"lookup.reason.{reason}")))
    return FLOW.end(context)


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return FLOW.conversation(
        entry_points=[CommandHandler("lookup", start)],
        states={
            SCHOOL: [FLOW.on_button(bt.LookupSchool, school_picked)],
            NAME: [FLOW.on_text(TYPED, name_typed)],
            MATCH: [FLOW.on_button(bt.LookupChild, child_picked, check=_shown), FLOW.on_text(TYPED, name_typed)],
            REASON: [FLOW.on_button(bt.LookupReason, reason_picked)],
            WORDS: [FLOW.on_text(TYPED, words_typed)],
        },
        timeout_minutes=timeout_minutes,
        hint={
            SCHOOL: FLOW.hint_saying("flow.hint_buttons"),
            NAME: FLOW.hint_saying("lookup.hint_name"),
            MATCH: FLOW.hint_saying("lookup.hint_match"),
            REASON: FLOW.hint_saying("flow.hint_buttons", _ask_reason),
            WORDS: FLOW.hint_saying("lookup.ask_words"),
        },
    )
