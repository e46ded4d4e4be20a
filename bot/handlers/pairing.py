"""/pair (admin): a mentor and a cadence for a child (结对帮扶); /buddy (head teacher): a classmate (手拉手)."""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may_do, reaches_every_child
from bot.domain.validation import clean_text
from bot.handlers import care_picker as picker
from bot.handlers.common import (
    BotContext,
    command_args,
    conversation,
    edit_or_reply,
    end_flow,
    end_saved,
    enter_flow,
    read_typed,
    refuse,
    reply,
)
from bot.handlers.menu import refresh_menu
from bot.services import AccessDenied, NotFound, Services, children, people
from bot.services import care as care_service
from bot.services.care import AlreadyDone, InvalidChange
from bot.texts import Texts, texts_for

PAIR_PICK, PAIR_MENTOR, PAIR_CADENCE = range(3)
PAIR_FLOW = "pair"
PAIR_DRAFT = "pair_draft"
BUDDY_PICK, BUDDY_NAME = range(10, 12)
BUDDY_FLOW = "buddy"
BUDDY_DRAFT = "buddy_draft"
MENTOR_BUTTONS = 20


# --- /pair ---------------------------------------------------------------------------------------------------


async def _find_any(services: Services, actor: Actor, query: str) -> tuple[list[Child], int]:
    return await children.search(services, actor, Access.PAIR, query, limit=picker.PICK_LIMIT)


async def pair_start(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not await enter_flow(update, context, PAIR_FLOW, allowed=may_do(actor, Access.PAIR)):
        return ConversationHandler.END
    context.draft[PAIR_DRAFT] = {"nonce": picker.new_nonce(), "stage": "pick"}
    query = command_args(context)
    if query:
        found, total = await _find_any(context.services, actor, query)
        if total == 1:
            return await _pair_chosen(update, context, texts, found[0].id)
    await picker.offer(
        update, texts, pick=bt.PairPick, nonce=context.draft[PAIR_DRAFT]["nonce"], picks=[], prompt_key="care.pair_pick"
    )
    return PAIR_PICK


async def pair_typed_name(update: Update, context: BotContext) -> int:
    return await picker.typed_name(
        update, context, draft_key=PAIR_DRAFT, pick=bt.PairPick, finder=_find_any, state=PAIR_PICK, chosen=_pair_found
    )


async def pair_picked(update: Update, context: BotContext) -> int:
    button = bt.PairPick.of(update)
    if await picker.pressed(update, context, PAIR_DRAFT, button.nonce, stage="pick") is None:
        return PAIR_PICK
    texts = await context.texts(update)
    return await _pair_chosen(update, context, texts, button.child)


async def _pair_found(update: Update, context: BotContext, texts: Texts, child: Child) -> int:
    return await _pair_chosen(update, context, texts, child.id)


async def _pair_chosen(update: Update, context: BotContext, texts: Texts, child_id: int) -> int:
    actor = await context.actor(update)
    draft = context.draft[PAIR_DRAFT]
    try:
        child, current = await care_service.child_for_pairing(context.services, actor, child_id)
    except AccessDenied:
        await reply(update, texts.t("access.denied"))
        return end_flow(context, PAIR_DRAFT)
    except NotFound:
        await reply(update, texts.t("card.gone"))
        return PAIR_PICK
    draft.update(child_id=child.id, child_name=child.name, stage="mentor")
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
    return await _offer_mentors(update, context, texts, "", has_current=current is not None)


async def _offer_mentors(update: Update, context: BotContext, texts: Texts, query: str, *, has_current: bool) -> int:
    actor = await context.actor(update)
    draft = context.draft[PAIR_DRAFT]
    staff = await care_service.staff_for_pairing(context.services, actor, int(draft["child_id"]))
    matches = [(uid, name) for uid, name in staff if query in name]
    if query and not matches:
        await reply(update, texts.t("care.pair_no_staff"))
        return PAIR_MENTOR
    buttons = [
        kb.button(name or str(uid), bt.PairMentor(draft["nonce"], uid)) for uid, name in matches[:MENTOR_BUTTONS]
    ]
    extra = [kb.button(texts.t("care.pair_end_button"), bt.PairEnd(draft["nonce"]))] if has_current else []
    await reply(update, texts.t("care.pair_ask_mentor"), kb.grid(buttons, 2, extra))
    return PAIR_MENTOR


def _name_query(text: str) -> str:
    return clean_text(text, max_length=30)


async def mentor_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    if context.draft.get(PAIR_DRAFT) is None:  # the child's record was erased mid-flow (its draft scrubbed)
        await reply(update, texts.t("card.gone"))
        return end_flow(context, PAIR_DRAFT)
    query = await read_typed(update, texts, _name_query)
    if query is None:
        return PAIR_MENTOR
    return await _offer_mentors(update, context, texts, query, has_current=False)


async def mentor_picked(update: Update, context: BotContext) -> int:
    button = bt.PairMentor.of(update)
    draft = await picker.pressed(update, context, PAIR_DRAFT, button.nonce, stage="mentor")
    if draft is None:
        return PAIR_MENTOR
    texts = await context.texts(update)
    mentor_id = button.mentor
    actor = await context.actor(update)
    staff = dict(await care_service.staff_for_pairing(context.services, actor, int(draft["child_id"])))
    if mentor_id not in staff:
        await reply(update, texts.t("care.pair_not_staff"))
        return PAIR_MENTOR
    draft.update(mentor_id=mentor_id, mentor_name=staff[mentor_id], stage="cadence")
    buttons = [kb.button(texts.t("care.every_days", days=d), bt.PairCadence(draft["nonce"], d)) for d in rules.CADENCES]
    await reply(
        update,
        texts.t("care.pair_ask_cadence", mentor=staff[mentor_id], name=draft["child_name"]),
        kb.grid(buttons, 3),
    )
    return PAIR_CADENCE


async def cadence_picked(update: Update, context: BotContext) -> int:
    button = bt.PairCadence.of(update)
    if await picker.pressed(update, context, PAIR_DRAFT, button.nonce, stage="cadence") is None:
        return PAIR_CADENCE
    texts = await context.texts(update)
    return await _pair_save(update, context, texts, button.days)


async def cadence_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    days = await read_typed(update, texts, rules.parse_cadence)
    return PAIR_CADENCE if days is None else await _pair_save(update, context, texts, days)


async def _pair_save(update: Update, context: BotContext, texts: Texts, days: int) -> int:
    draft = context.draft.pop(PAIR_DRAFT)
    actor = await context.actor(update)
    services = context.services
    try:
        previous = await care_service.child_for_pairing(services, actor, int(draft["child_id"]))
        pairing = await care_service.pair(services, actor, int(draft["child_id"]), int(draft["mentor_id"]), days)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return end_flow(context, PAIR_DRAFT)
    except AlreadyDone:
        await reply(update, texts.t("care.pair_unchanged"))
        return end_flow(context, PAIR_DRAFT)
    await reply(update, texts.t("care.pair_saved", mentor=pairing.mentor_name, name=draft["child_name"], days=days))
    end_saved(update, context, PAIR_DRAFT)
    await _tell_mentor(context, pairing.mentor_id, draft["child_name"], days)
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


async def pair_end(update: Update, context: BotContext) -> int:
    draft = await picker.pressed(update, context, PAIR_DRAFT, bt.PairEnd.of(update).nonce, stage="mentor")
    if draft is None:
        return PAIR_MENTOR
    texts = await context.texts(update)
    actor = await context.actor(update)
    context.draft.pop(PAIR_DRAFT)
    try:
        ended = await care_service.unpair(context.services, actor, int(draft["child_id"]))
    except AccessDenied:
        await reply(update, texts.t("access.denied"))
        return end_flow(context, PAIR_DRAFT)
    except AlreadyDone:
        await reply(update, texts.t("care.pair_none_to_end"))
        return end_flow(context, PAIR_DRAFT)
    await edit_or_reply(update, texts.t("care.pair_ended", mentor=ended.mentor_name, name=draft["child_name"]))
    await _refresh(context, ended.mentor_id)
    return end_flow(context, PAIR_DRAFT)


def build_pair(timeout_minutes: int) -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        name=PAIR_FLOW,
        entry_points=[CommandHandler("pair", pair_start)],
        states={
            PAIR_PICK: [
                MessageHandler(text, pair_typed_name),
                CallbackQueryHandler(pair_picked, pattern=bt.PairPick.pattern),
            ],
            PAIR_MENTOR: [
                MessageHandler(text, mentor_typed),
                CallbackQueryHandler(mentor_picked, pattern=bt.PairMentor.pattern),
                CallbackQueryHandler(pair_end, pattern=bt.PairEnd.pattern),
            ],
            PAIR_CADENCE: [
                MessageHandler(text, cadence_typed),
                CallbackQueryHandler(cadence_picked, pattern=bt.PairCadence.pattern),
            ],
        },
        draft_keys=(PAIR_DRAFT,),
        timeout_minutes=timeout_minutes,
        hint_key="care.hint_any",
    )


# --- /buddy ----------------------------------------------------------------------------------------------------


async def _find_own(services: Services, actor: Actor, query: str) -> tuple[list[Child], int]:
    return await children.search(
        services,
        actor,
        Access.EDIT_CARD,
        query,
        limit=picker.PICK_LIMIT,
    )


async def buddy_start(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not await enter_flow(update, context, BUDDY_FLOW, allowed=may_do(actor, Access.EDIT_CARD)):
        return ConversationHandler.END
    nonce = picker.new_nonce()
    context.draft[BUDDY_DRAFT] = {"nonce": nonce, "stage": "pick"}
    query = command_args(context)
    found, total = await _find_own(context.services, actor, query)
    if query and total == 1:
        return await _buddy_chosen(update, context, texts, found[0].id)
    if query and total == 0:
        await reply(update, texts.t("care.pick_none", query=query))
    picks = [] if reaches_every_child(actor, Access.EDIT_CARD) else found
    await picker.offer(update, texts, pick=bt.BuddyPick, nonce=nonce, picks=picks, prompt_key="care.buddy_pick")
    return BUDDY_PICK


async def buddy_typed_name(update: Update, context: BotContext) -> int:
    return await picker.typed_name(
        update,
        context,
        draft_key=BUDDY_DRAFT,
        pick=bt.BuddyPick,
        finder=_find_own,
        state=BUDDY_PICK,
        chosen=_buddy_found,
    )


async def buddy_picked(update: Update, context: BotContext) -> int:
    button = bt.BuddyPick.of(update)
    if await picker.pressed(update, context, BUDDY_DRAFT, button.nonce, stage="pick") is None:
        return BUDDY_PICK
    texts = await context.texts(update)
    return await _buddy_chosen(update, context, texts, button.child)


async def _buddy_found(update: Update, context: BotContext, texts: Texts, child: Child) -> int:
    return await _buddy_chosen(update, context, texts, child.id)


async def _buddy_chosen(update: Update, context: BotContext, texts: Texts, child_id: int) -> int:
    actor = await context.actor(update)
    draft = context.draft[BUDDY_DRAFT]
    try:
        child, current = await care_service.buddy_of(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return BUDDY_PICK
    draft.update(child_id=child.id, child_name=child.name, stage="name")
    if current:
        head = texts.t("care.buddy_current", name=child.name, buddy=current.buddy_name)
        markup = kb.grid([kb.button(texts.t("care.buddy_end_button"), bt.BuddyEnd(draft["nonce"]))], 1)
    else:
        head, markup = texts.t("care.buddy_current_none", name=child.name), None
    await reply(update, head + "\n\n" + texts.t("care.buddy_ask"), markup)
    return BUDDY_NAME


async def buddy_named(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = context.draft.get(BUDDY_DRAFT)
    if draft is None or draft.get("stage") != "name":  # the child's record was erased mid-flow (draft scrubbed)
        await reply(update, texts.t("card.gone"))
        return end_flow(context, BUDDY_DRAFT)
    name = await read_typed(update, texts, _name_query)
    if name is None:
        return BUDDY_NAME
    actor = await context.actor(update)
    try:
        await care_service.set_buddy(context.services, actor, int(draft["child_id"]), name)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return end_flow(context, BUDDY_DRAFT)
    await reply(update, texts.t("care.buddy_saved", name=draft["child_name"], buddy=name))
    return end_flow(context, BUDDY_DRAFT)


async def buddy_end(update: Update, context: BotContext) -> int:
    draft = await picker.pressed(update, context, BUDDY_DRAFT, bt.BuddyEnd.of(update).nonce, stage="name")
    if draft is None:
        return BUDDY_NAME
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        await care_service.end_buddy(context.services, actor, int(draft["child_id"]))
    except AccessDenied:
        await reply(update, texts.t("access.child_denied"))
    except AlreadyDone:
        await reply(update, texts.t("care.buddy_none_to_end"))
    else:
        await edit_or_reply(update, texts.t("care.buddy_ended", name=draft["child_name"]))
    return end_flow(context, BUDDY_DRAFT)


def build_buddy(timeout_minutes: int) -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        name=BUDDY_FLOW,
        entry_points=[CommandHandler("buddy", buddy_start)],
        states={
            BUDDY_PICK: [
                MessageHandler(text, buddy_typed_name),
                CallbackQueryHandler(buddy_picked, pattern=bt.BuddyPick.pattern),
            ],
            BUDDY_NAME: [
                MessageHandler(text, buddy_named),
                CallbackQueryHandler(buddy_end, pattern=bt.BuddyEnd.pattern),
            ],
        },
        draft_keys=(BUDDY_DRAFT,),
        timeout_minutes=timeout_minutes,
        hint_key="care.hint_any",
    )
