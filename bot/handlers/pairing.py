"""/pair (admin): a mentor and a cadence for a child (结对帮扶); /buddy (head teacher): a classmate (手拉手)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, reaches_every_child
from bot.domain.validation import clean_text
from bot.handlers import care_picker as picker
from bot.handlers.common import BotContext, edit_or_reply, read_typed, refuse, reply
from bot.handlers.flow import Draft, Flow
from bot.handlers.menu import refresh_menu
from bot.services import AccessDenied, NotFound, Services, people
from bot.services import care as care_service
from bot.services.care import AlreadyDone, InvalidChange
from bot.texts import Texts, texts_for

PAIR_PICK, PAIR_MENTOR, PAIR_CADENCE = range(3)
BUDDY_PICK, BUDDY_NAME = range(10, 12)
MENTOR_BUTTONS = 20
TEXT = filters.TEXT & ~filters.COMMAND


@dataclass(kw_only=True)
class PairDraft(Draft):
    """A pairing under way: the child once picked (and whether it has a mentor now), then the mentor chosen."""

    child_id: int | None = None
    child_name: str = ""
    has_current: bool = False
    mentor_id: int | None = None
    mentor_name: str = ""


@dataclass(kw_only=True)
class BuddyDraft(Draft):
    """A buddy pair under way: the child once picked."""

    child_id: int | None = None
    child_name: str = ""


# The child's record erased mid-flow scrubs the draft: the flow then says the card is gone.
PAIR = Flow("pair", PairDraft, "pair_draft", gone="card.gone")
BUDDY = Flow("buddy", BuddyDraft, "buddy_draft", gone="card.gone")


def _name_query(text: str) -> str:
    return clean_text(text, max_length=30)


# --- /pair ---------------------------------------------------------------------------------------------------


async def _no_quick_picks(services: Services, actor: Actor) -> list[Child]:
    return []  # an admin pairs across the school: the name says which child


async def _pair_chosen(update: Update, context: BotContext, texts: Texts, draft: PairDraft, child: Child) -> int:
    actor = await context.actor(update)
    try:
        child, current = await care_service.child_for_pairing(context.services, actor, child.id)
    except AccessDenied:
        await reply(update, texts.t("access.denied"))
        return PAIR.end(context)
    except NotFound:
        await reply(update, texts.t("card.gone"))
        return PAIR_PICK
    draft.child_id, draft.child_name, draft.has_current = child.id, child.name, current is not None
    if current:
        since = rules.local_date(current.started_at, context.services.config.school.timezone)
        await reply(
            update,
            texts.t(
                "care.pair_current",
                name=child.name,
                mentor=current.mentor_name,
                days=current.cadence_days,
                since=since.isoformat(),
            ),
        )
    else:
        await reply(update, texts.t("care.pair_current_none", name=child.name))
    return await _offer_mentors(update, context, texts, draft, "")


PAIR_PICKER = picker.ChildPicker(
    PAIR, pick=bt.PairPick, prompt_key="care.pair_pick", state=PAIR_PICK, chosen=_pair_chosen, access=Access.PAIR,
    finder=picker.finder_for(Access.PAIR), quick=_no_quick_picks, recheck=picker.recheck_for(Access.PAIR),
)  # fmt: skip


async def _offer_mentors(update: Update, context: BotContext, texts: Texts, draft: PairDraft, query: str) -> int:
    """The staff of the child's school whose name contains `query`, as buttons (and "end the pairing" while the
    child has a mentor and no name was typed)."""
    actor = await context.actor(update)
    staff = await care_service.staff_for_pairing(context.services, actor, int(draft.child_id or 0))
    matches = [(uid, name) for uid, name in staff if query in name]
    if query and not matches:
        await reply(update, texts.t("care.pair_no_staff"))
        return PAIR_MENTOR
    buttons = [kb.button(name or str(uid), bt.PairMentor(draft.nonce, uid)) for uid, name in matches[:MENTOR_BUTTONS]]
    end = draft.has_current and not query
    extra = [kb.button(texts.t("care.pair_end_button"), bt.PairEnd(draft.nonce))] if end else []
    await reply(update, texts.t("care.pair_ask_mentor"), kb.grid(buttons, 2, extra))
    return PAIR_MENTOR


async def mentor_typed(update: Update, context: BotContext, draft: PairDraft) -> int:
    texts = await context.texts(update)
    query = await read_typed(update, texts, _name_query)
    if query is None:
        return PAIR_MENTOR
    return await _offer_mentors(update, context, texts, draft, query)


async def mentor_picked(update: Update, context: BotContext, draft: PairDraft, button: bt.PairMentor) -> int:
    texts, actor = await context.caller(update)
    staff = dict(await care_service.staff_for_pairing(context.services, actor, int(draft.child_id or 0)))
    if button.mentor not in staff:
        await reply(update, texts.t("care.pair_not_staff"))
        return PAIR_MENTOR
    draft.mentor_id, draft.mentor_name = button.mentor, staff[button.mentor]
    buttons = [kb.button(texts.t("care.every_days", days=d), bt.PairCadence(draft.nonce, d)) for d in rules.CADENCES]
    await reply(
        update,
        texts.t("care.pair_ask_cadence", mentor=draft.mentor_name, name=draft.child_name),
        kb.grid(buttons, 3),
    )
    return PAIR_CADENCE


async def cadence_picked(update: Update, context: BotContext, draft: PairDraft, button: bt.PairCadence) -> int:
    return await _pair_save(update, context, button.days)


async def cadence_typed(update: Update, context: BotContext, draft: PairDraft) -> int:
    texts = await context.texts(update)
    days = await read_typed(update, texts, rules.parse_cadence)
    return PAIR_CADENCE if days is None else await _pair_save(update, context, days)


async def _pair_save(update: Update, context: BotContext, days: int) -> int:
    texts = await context.texts(update)
    draft = PAIR.take(context)  # taken first: a second press cannot save it again
    if draft is None or draft.child_id is None or draft.mentor_id is None:
        return await PAIR.cleared(update, context)
    actor = await context.actor(update)
    services = context.services
    try:
        previous = await care_service.child_for_pairing(services, actor, draft.child_id)
        pairing = await care_service.pair(services, actor, draft.child_id, draft.mentor_id, days)
    except (AccessDenied, NotFound, InvalidChange, AlreadyDone) as problem:
        await refuse(update, texts, problem)
        return PAIR.end(context)
    await reply(update, texts.t("care.pair_saved", mentor=pairing.mentor_name, name=draft.child_name, days=days))
    PAIR.saved(update, context)
    await _tell_mentor(context, pairing.mentor_id, draft.child_name, days)
    old = previous[1]
    if old is not None and old.mentor_id != pairing.mentor_id:
        await _refresh(context, old.mentor_id)
    return ConversationHandler.END


async def _refresh(context: BotContext, user_id: int) -> None:
    """Mentoring changes which commands a person may use: refresh their menu."""
    actor = await people.load_actor(context.services, user_id)
    await refresh_menu(context.application, actor, context.services.config.school.language)


async def _tell_mentor(context: BotContext, mentor_id: int, child_name: str, days: int) -> None:
    mentor = await people.load_actor(context.services, mentor_id)
    texts = texts_for(mentor.language, context.services.config.school.language)
    try:
        await context.bot.send_message(mentor_id, texts.t("care.pair_notify_mentor", name=child_name, days=days))
    except TelegramError:
        pass  # a mentor who never started the bot or blocked it still sees the pairing in /mychildren
    await _refresh(context, mentor_id)


async def pair_end(update: Update, context: BotContext, draft: PairDraft, button: bt.PairEnd) -> int:
    texts, actor = await context.caller(update)
    PAIR.take(context)
    try:
        ended = await care_service.unpair(context.services, actor, int(draft.child_id or 0))
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.denied"))
        return PAIR.end(context)
    except AlreadyDone as problem:
        await refuse(update, texts, problem)
        return PAIR.end(context)
    await edit_or_reply(update, texts.t("care.pair_ended", mentor=ended.mentor_name, name=draft.child_name))
    await _refresh(context, ended.mentor_id)
    return PAIR.end(context)


def build_pair(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return PAIR.conversation(
        entry_points=[PAIR_PICKER.command("pair", PairDraft)],
        states={
            PAIR_PICK: PAIR_PICKER.handlers(),
            PAIR_MENTOR: [
                PAIR.on_text(TEXT, mentor_typed),
                PAIR.on_button(bt.PairMentor, mentor_picked),
                PAIR.on_button(bt.PairEnd, pair_end),
            ],
            PAIR_CADENCE: [PAIR.on_text(TEXT, cadence_typed), PAIR.on_button(bt.PairCadence, cadence_picked)],
        },
        timeout_minutes=timeout_minutes,
        hint_key="care.hint_any",
    )


# --- /buddy ----------------------------------------------------------------------------------------------------


async def _own_class(services: Services, actor: Actor) -> list[Child]:
    """A head teacher's class on buttons; a whole school is too many: the name says which child."""
    if reaches_every_child(actor, Access.EDIT_CARD):
        return []
    found, _ = await picker.finder_for(Access.EDIT_CARD)(services, actor, "")
    return found


async def _buddy_chosen(update: Update, context: BotContext, texts: Texts, draft: BuddyDraft, child: Child) -> int:
    actor = await context.actor(update)
    try:
        child, current = await care_service.buddy_of(context.services, actor, child.id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return BUDDY_PICK
    draft.child_id, draft.child_name = child.id, child.name
    if current:
        head = texts.t("care.buddy_current", name=child.name, buddy=current.buddy_name)
        markup = kb.grid([kb.button(texts.t("care.buddy_end_button"), bt.BuddyEnd(draft.nonce))], 1)
    else:
        head, markup = texts.t("care.buddy_current_none", name=child.name), None
    await reply(update, head + "\n\n" + texts.t("care.buddy_ask"), markup)
    return BUDDY_NAME


BUDDY_PICKER = picker.ChildPicker(
    BUDDY, pick=bt.BuddyPick, prompt_key="care.buddy_pick", state=BUDDY_PICK, chosen=_buddy_chosen,
    access=Access.EDIT_CARD, finder=picker.finder_for(Access.EDIT_CARD), quick=_own_class,
    recheck=picker.recheck_for(Access.EDIT_CARD),
)  # fmt: skip


async def buddy_named(update: Update, context: BotContext, draft: BuddyDraft) -> int:
    texts = await context.texts(update)
    name = await read_typed(update, texts, _name_query)
    if name is None:
        return BUDDY_NAME
    actor = await context.actor(update)
    try:
        await care_service.set_buddy(context.services, actor, int(draft.child_id or 0), name)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return BUDDY.end(context)
    await reply(update, texts.t("care.buddy_saved", name=draft.child_name, buddy=name))
    return BUDDY.end(context)


async def buddy_end(update: Update, context: BotContext, draft: BuddyDraft, button: bt.BuddyEnd) -> int:
    texts, actor = await context.caller(update)
    try:
        await care_service.end_buddy(context.services, actor, int(draft.child_id or 0))
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.child_denied"))
    except AlreadyDone as problem:
        await refuse(update, texts, problem)
    else:
        await edit_or_reply(update, texts.t("care.buddy_ended", name=draft.child_name))
    return BUDDY.end(context)


def build_buddy(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return BUDDY.conversation(
        entry_points=[BUDDY_PICKER.command("buddy", BuddyDraft)],
        states={
            BUDDY_PICK: BUDDY_PICKER.handlers(),
            BUDDY_NAME: [BUDDY.on_text(TEXT, buddy_named), BUDDY.on_button(bt.BuddyEnd, buddy_end)],
        },
        timeout_minutes=timeout_minutes,
        hint_key="care.hint_any",
    )
