"""Green channel handlers: /callplan (family-call plans, head teachers), reminder buttons, /contact (parents
write to the head teacher; staff see who has not been in contact), answers routed back, and /settings
(language, pause the weekly update, stop all messages).

Callback data (formats and patterns in bot/keyboards.py; ids come from the client: every handler re-checks the
binding or the role):
  gc:<child>:<slot minutes>:<c|n|s>   a family-call reminder answer (called / couldn't get through / snooze)
  gp:c:<child>  gp:r:<w0..w6|i|off>    /callplan: the child, then the rhythm
  gn:c:<child>                         /parentnote: the child the note is for
  gw:w                                 a parent starts a message to the head teacher (weekly update button)
  gw:a:<message>                       a head teacher answers a parent's message
  gs:m  gs:<lang|pause|resume|stop|start>[:<zh_CN|en>]   a parent's message settings
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot import views
from bot.domain import schedule
from bot.domain.roles import Access, may_do, scope_for
from bot.domain.validation import InvalidInput, clean_text
from bot.handlers import start
from bot.handlers.common import (
    BotContext,
    answer,
    begin_flow,
    conversation,
    edit_or_reply,
    end_flow,
    end_saved,
    enter_flow,
    reply,
)
from bot.services import AccessDenied, NotFound
from bot.services import family_calls as family_calls_service
from bot.services import green_messages as messaging
from bot.services import message_kinds as message_kinds_service
from bot.services import parent_notes as parent_notes_service
from bot.storage import children, outbox, people
from bot.texts import Raw, Texts

PLAN_FLOW, WRITE_FLOW, ANSWER_FLOW, NOTE_FLOW = "green_plan", "green_write", "green_answer", "green_note"
PLAN_DRAFT, WRITE_DRAFT, ANSWER_DRAFT, NOTE_DRAFT = "green_plan", "green_write", "green_answer", "green_note"
PICK, RHYTHM, INTERVAL, TIME = range(4)
TYPING = 10
PICK_LIMIT = 24
MESSAGE_LIMIT = 1000


# --- family-call reminder buttons ------------------------------------------------------------------------


async def call_answered(update: Update, context: BotContext) -> None:
    await answer(update)
    texts = await context.texts(update)
    assert update.effective_user
    button = bt.CallAnswer.of(update)
    result = await family_calls_service.answer_call(
        context.services, update.effective_user.id, button.child, button.slot, button.answer
    )
    if result.outcome == "unbound":
        await reply(update, texts.t("green.call.unbound"))
        return
    if result.outcome == "no_plan":
        await reply(update, texts.t("green.call.no_plan", child=result.child_name))
        return
    if result.outcome == "stale":
        assert result.slot is not None
        await reply(
            update,
            texts.t(
                "green.call.stale",
                child=result.child_name,
                when=views.format_moment(texts, context.services, result.slot),
            ),
        )
        return
    if result.outcome == "duplicate":
        await reply(update, texts.t("green.call.duplicate", child=result.child_name))
        return
    if result.outcome == "too_many":
        await reply(update, texts.t("green.call.too_many", child=result.child_name))
        return
    # Recorded: replace the buttons with the answer, so the reminder cannot be answered twice by accident.
    await edit_or_reply(update, texts.t(f"green.call.done_{result.outcome}", child=result.child_name))


# --- /callplan (head teacher, with the parent) -------------------------------------------------------------


async def _start_for_child(
    update: Update, context: BotContext, flow: str, draft: str, pick: type[bt.HeadTeacherPick]
) -> int:
    """/callplan and /parentnote: head teachers (and admins) only; first, which child (buttons or a name)."""
    actor = await context.actor(update)
    if not await enter_flow(update, context, flow, allowed=may_do(actor, Access.EDIT_CARD)):
        return ConversationHandler.END
    context.draft[draft] = {}
    texts = await context.texts(update)
    return await _offer_children(update, context, texts, "", pick=pick, draft=draft)


async def _typed_child_name(update: Update, context: BotContext, pick: type[bt.HeadTeacherPick], draft: str) -> int:
    texts = await context.texts(update)
    assert update.message and update.message.text
    return await _offer_children(update, context, texts, update.message.text.strip()[:40], pick=pick, draft=draft)


async def _pressed_child(
    update: Update, context: BotContext, texts: Texts, draft: str, pick: type[bt.HeadTeacherPick]
) -> Any:
    """The child on a pressed button, re-checked (ids come from the client), now the draft's child; None, said so,
    if the actor may not plan for it."""
    await answer(update)
    actor = await context.actor(update)
    try:
        child = await family_calls_service.child_for_plan(context.services, actor, pick.of(update).child)
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.denied"))
        return None
    context.draft[draft] = {"child_id": child.id, "name": child.name}
    return child


async def _own_words(update: Update, texts: Texts, text: str, limit: int) -> str | None:
    """A message in a person's own words; empty or too long: None, and they are told the limit (a control
    character: told so)."""
    try:
        return clean_text(text, max_length=limit)
    except InvalidInput as problem:
        key = problem.reason if problem.reason == "invalid.control" else "green.write.too_long"
        await reply(update, texts.t(key, limit=limit))
        return None


async def plan_start(update: Update, context: BotContext) -> int:
    return await _start_for_child(update, context, PLAN_FLOW, PLAN_DRAFT, bt.CallPlanChild)


async def _offer_children(
    update: Update,
    context: BotContext,
    texts: Texts,
    query: str,
    *,
    pick: type[bt.HeadTeacherPick] = bt.CallPlanChild,
    draft: str = PLAN_DRAFT,
) -> int:
    actor = await context.actor(update)
    found, total = await children.search(
        context.services.db, query, scope_for(actor, Access.EDIT_CARD), limit=PICK_LIMIT,
    )  # fmt: skip
    if not found:
        await reply(update, texts.t("green.plan.none_found" if query else "green.plan.no_children"))
        if query:
            return PICK
        return end_flow(context, draft)
    buttons = [kb.button(texts.t("child.button", name=c.name, class_label=c.class_label), pick(c.id)) for c in found]
    key = "green.plan.pick_more" if total > len(found) else "green.plan.pick"
    if pick is bt.ParentNoteChild:
        key = "green.note.pick_more" if total > len(found) else "green.note.pick"
    await reply(update, texts.t(key, shown=len(found), total=total), kb.grid(buttons, 2))
    return PICK


async def plan_typed_name(update: Update, context: BotContext) -> int:
    return await _typed_child_name(update, context, bt.CallPlanChild, PLAN_DRAFT)


async def plan_child(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    child = await _pressed_child(update, context, texts, PLAN_DRAFT, bt.CallPlanChild)
    if child is None:
        return PICK
    plan = await family_calls_service.current_plan(context.services, child.id)
    current = views.describe_plan(texts, plan) if plan else None
    buttons = [kb.button(texts.t(f"green.weekday.{d}"), bt.CallPlanRhythm(f"w{d}")) for d in range(7)]
    extra = [kb.button(texts.t("green.plan.every_n"), bt.CallPlanRhythm("i"))]
    stop = [kb.button(texts.t("green.plan.off"), bt.CallPlanRhythm("off"))] if current else []
    text = texts.t("green.plan.ask_rhythm", child=child.name, current=Raw(current or texts.t("green.plan.no_plan")))
    await edit_or_reply(update, text, kb.grid(buttons, 4, extra, stop))
    return RHYTHM


async def plan_rhythm(update: Update, context: BotContext) -> int:
    await answer(update)
    texts = await context.texts(update)
    draft = context.draft.get(PLAN_DRAFT) or {}
    choice = bt.CallPlanRhythm.of(update).rhythm
    if "child_id" not in draft:
        await reply(update, texts.t("flow.stale_button"))
        return PICK
    if choice == "off":
        actor = await context.actor(update)
        try:
            await family_calls_service.stop_plan(context.services, actor, draft["child_id"])
        except (AccessDenied, NotFound):
            await reply(update, texts.t("access.denied"))
            return end_flow(context, PLAN_DRAFT)
        await edit_or_reply(update, texts.t("green.plan.stopped", child=draft["name"]))
        return end_saved(update, context, PLAN_DRAFT)
    if choice == "i":
        await edit_or_reply(update, texts.t("green.plan.ask_interval", child=draft["name"]))
        return INTERVAL
    draft["weekday"] = int(choice[1])
    draft.pop("interval_days", None)
    await edit_or_reply(update, texts.t("green.plan.ask_time", child=draft["name"]))
    return TIME


async def plan_interval(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert update.message and update.message.text
    days = schedule.parse_interval(update.message.text)
    if days is None:
        await reply(update, texts.t("green.plan.bad_interval", maximum=schedule.MAX_INTERVAL_DAYS))
        return INTERVAL
    draft = context.draft.setdefault(PLAN_DRAFT, {})
    draft["interval_days"] = days
    draft.pop("weekday", None)
    await reply(update, texts.t("green.plan.ask_time", child=draft.get("name", "")))
    return TIME


async def plan_time(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert update.message and update.message.text
    at = schedule.parse_clock(update.message.text)
    if at is None:
        await reply(update, texts.t("green.plan.bad_time"))
        return TIME
    services = context.services
    sched = services.config.scheduler
    if schedule.clock_in_quiet_hours(at, sched.quiet_start, sched.quiet_end):
        # Routine messages wait for the morning in quiet hours: a reminder for a 22:00 call would come too late.
        await reply(
            update,
            texts.t(
                "green.plan.quiet_time",
                start=sched.quiet_start.strftime("%H:%M"),
                end=sched.quiet_end.strftime("%H:%M"),
            ),
        )
        return TIME
    draft = context.draft.get(PLAN_DRAFT) or {}
    if "child_id" not in draft:
        await reply(update, texts.t("flow.stale_button"))
        return end_flow(context, PLAN_DRAFT)
    actor = await context.actor(update)
    weekday = draft.get("weekday")
    plan = schedule.CallPlan(
        child_id=draft["child_id"],
        rhythm=schedule.WEEKLY if weekday is not None else schedule.INTERVAL,
        at=at,
        start=services.now().astimezone(services.config.school.timezone).date(),
        weekday=weekday,
        interval_days=None if weekday is not None else draft.get("interval_days"),
    )
    try:
        await family_calls_service.save_plan(services, actor, plan)
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.denied"))
        return end_flow(context, PLAN_DRAFT)
    upcoming = schedule.next_slot(plan, services.now(), services.config.school.timezone)
    await reply(
        update,
        texts.t(
            "green.plan.saved", child=draft["name"], plan=Raw(views.describe_plan(texts, plan)),
            next=views.format_moment(texts, services, upcoming),
        ),
    )  # fmt: skip
    return end_flow(context, PLAN_DRAFT)


# --- /parentnote: a few words from the head teacher for the next weekly update -------------------------------


async def note_start(update: Update, context: BotContext) -> int:
    return await _start_for_child(update, context, NOTE_FLOW, NOTE_DRAFT, bt.ParentNoteChild)


async def note_typed_name(update: Update, context: BotContext) -> int:
    return await _typed_child_name(update, context, bt.ParentNoteChild, NOTE_DRAFT)


async def note_child(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    child = await _pressed_child(update, context, texts, NOTE_DRAFT, bt.ParentNoteChild)
    if child is None:
        return PICK
    await edit_or_reply(update, texts.t("green.note.ask", child=child.name, limit=parent_notes_service.NOTE_LIMIT))
    return TYPING


async def note_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert update.message and update.message.text
    draft = context.draft.get(NOTE_DRAFT) or {}
    if "child_id" not in draft:
        await reply(update, texts.t("green.note.pick_first"))
        return PICK
    body = await _own_words(update, texts, update.message.text, parent_notes_service.NOTE_LIMIT)
    if body is None:
        return TYPING
    actor = await context.actor(update)
    try:
        await parent_notes_service.add_parent_note(context.services, actor, draft["child_id"], body)
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.denied"))
        return end_flow(context, NOTE_DRAFT)
    await reply(update, texts.t("green.note.saved", child=draft["name"]))
    return end_flow(context, NOTE_DRAFT)


# --- /contact: parents write to the head teacher; staff see who has not been in contact ---------------------


async def contact(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    if may_do(actor, Access.CONTACT_OVERVIEW):
        overview = await messaging.contact_overview(context.services, actor)
        await reply(update, views.view(context.services, texts).text(overview))
        return ConversationHandler.END
    if not may_do(actor, Access.FAMILY_MESSAGES):
        await reply(update, texts.t("green.write.not_parent"))
        return ConversationHandler.END
    return await _start_writing(update, context, texts)


async def write_button(update: Update, context: BotContext) -> int:
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not may_do(actor, Access.FAMILY_MESSAGES):
        await reply(update, texts.t("green.write.not_parent"))
        return ConversationHandler.END
    return await _start_writing(update, context, texts)


async def _start_writing(update: Update, context: BotContext, texts: Texts) -> int:
    if not await begin_flow(update, context, WRITE_FLOW):
        return ConversationHandler.END
    context.draft[WRITE_DRAFT] = {}
    await reply(update, texts.t("green.write.ask"))
    return TYPING


async def write_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert update.message and update.message.text and update.effective_user
    body = await _own_words(update, texts, update.message.text, MESSAGE_LIMIT)
    if body is None:
        return TYPING
    sent = await messaging.parent_writes(context.services, update.effective_user.id, body)
    await reply(update, texts.t("green.write.sent" if sent else "green.write.unbound"))
    return end_flow(context, WRITE_DRAFT)


async def answer_button(update: Update, context: BotContext) -> int:
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    message_id = bt.GreenAnswer.of(update).message
    check = await messaging.may_answer(context.services, actor, message_id)
    if check != "ok":
        await reply(update, texts.t(f"green.answer.{check}"))
        return ConversationHandler.END
    if not await begin_flow(update, context, ANSWER_FLOW):
        return ConversationHandler.END
    context.draft[ANSWER_DRAFT] = {"message_id": message_id}
    await reply(update, texts.t("green.answer.ask"))
    return TYPING


async def answer_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert update.message and update.message.text
    actor = await context.actor(update)
    draft = context.draft.get(ANSWER_DRAFT) or {}
    body = await _own_words(update, texts, update.message.text, MESSAGE_LIMIT)
    if body is None:
        return TYPING
    result = await messaging.staff_answers(context.services, actor, int(draft.get("message_id", 0)), body)
    await reply(update, texts.t(f"green.answer.{result}"))
    return end_flow(context, ANSWER_DRAFT)


async def swipe_reply(update: Update, context: BotContext) -> None:
    """A parent who answers the weekly update (or a head teacher's answer) with Telegram's own "reply": the text
    goes to the head teacher like a /contact message. Replies to any other bot message get the usual hint."""
    message = update.message
    assert message and message.reply_to_message and message.text and update.effective_user
    kind = await outbox.kind_of_sent_message(
        context.services.db,
        update.effective_user.id,
        message.reply_to_message.message_id,
        (message_kinds_service.WEEKLY, message_kinds_service.ANSWER),
    )
    if kind is None:
        await start.unknown_message(update, context)
        return
    texts = await context.texts(update)
    body = await _own_words(update, texts, message.text, MESSAGE_LIMIT)
    if body is None:
        return
    sent = await messaging.parent_writes(context.services, update.effective_user.id, body)
    await reply(update, texts.t("green.write.sent" if sent else "green.write.unbound"))


# --- /settings ---------------------------------------------------------------------------------------------


def settings_keyboard(texts: Texts, paused: bool, opted_out: bool) -> InlineKeyboardMarkup:
    weekly = "resume" if paused else "pause"
    everything = "start" if opted_out else "stop"
    return kb.grid(
        [
            kb.button(texts.t("language.zh_CN"), bt.GreenSettingsSet("lang", "zh_CN")),
            kb.button(texts.t("language.en"), bt.GreenSettingsSet("lang", "en")),
        ],
        2,
        [kb.button(texts.t(f"green.settings.{weekly}"), bt.GreenSettingsSet(weekly))],
        [kb.button(texts.t(f"green.settings.{everything}"), bt.GreenSettingsSet(everything))],
    )


async def _show_settings(update: Update, context: BotContext, *, edit: bool, note: str = "") -> None:
    assert update.effective_user
    context.forget_actor()
    texts = await context.texts(update)
    user = await people.get_user(context.services.db, update.effective_user.id)
    paused = bool(user and user.weekly_paused)
    opted_out = bool(user and user.opted_out)
    state = texts.t(
        "green.settings.state",
        weekly=texts.t("green.settings.weekly_off" if paused or opted_out else "green.settings.weekly_on"),
        all=texts.t("green.settings.all_off" if opted_out else "green.settings.all_on"),
    )
    text = (note + "\n\n" if note else "") + state
    markup = settings_keyboard(texts, paused, opted_out)
    if edit:
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


async def settings(update: Update, context: BotContext) -> None:
    await _show_settings(update, context, edit=False)


async def settings_menu(update: Update, context: BotContext) -> None:
    await answer(update)
    await _show_settings(update, context, edit=False)


async def settings_set(update: Update, context: BotContext) -> None:
    await answer(update)
    assert update.effective_user
    button = bt.GreenSettingsSet.of(update)
    action, language = button.setting, button.language
    if action == "lang" and language is None:
        texts = await context.texts(update)
        await reply(update, texts.t("flow.stale_button"))
        return
    key = await messaging.change_settings(context.services, update.effective_user.id, action, language)
    context.forget_actor()
    texts = await context.texts(update)
    await _show_settings(update, context, edit=True, note=texts.t(key))


# --- wiring ------------------------------------------------------------------------------------------------


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    text = filters.TEXT & ~filters.COMMAND
    plan = conversation(
        name=PLAN_FLOW,
        entry_points=[CommandHandler("callplan", plan_start)],
        states={
            PICK: [
                MessageHandler(text, plan_typed_name),
                CallbackQueryHandler(plan_child, pattern=bt.CallPlanChild.pattern),
            ],
            RHYTHM: [CallbackQueryHandler(plan_rhythm, pattern=bt.CallPlanRhythm.pattern)],
            INTERVAL: [MessageHandler(text, plan_interval)],
            TIME: [MessageHandler(text, plan_time)],
        },
        draft_keys=(PLAN_DRAFT,),
        timeout_minutes=timeout_minutes,
        hint_key="green.plan.hint",
    )
    write = conversation(
        name=WRITE_FLOW,
        entry_points=[
            CommandHandler("contact", contact),
            CallbackQueryHandler(write_button, pattern=bt.GreenWrite.pattern),
        ],
        states={TYPING: [MessageHandler(text, write_typed)]},
        draft_keys=(WRITE_DRAFT,),
        timeout_minutes=timeout_minutes,
        hint_key="green.write.hint",
    )
    answer_flow = conversation(
        name=ANSWER_FLOW,
        entry_points=[CallbackQueryHandler(answer_button, pattern=bt.GreenAnswer.pattern)],
        states={TYPING: [MessageHandler(text, answer_typed)]},
        draft_keys=(ANSWER_DRAFT,),
        timeout_minutes=timeout_minutes,
        hint_key="green.answer.hint",
    )
    note = conversation(
        name=NOTE_FLOW,
        entry_points=[CommandHandler("parentnote", note_start)],
        states={
            PICK: [
                MessageHandler(text, note_typed_name),
                CallbackQueryHandler(note_child, pattern=bt.ParentNoteChild.pattern),
            ],
            TYPING: [MessageHandler(text, note_typed)],
        },
        draft_keys=(NOTE_DRAFT,),
        timeout_minutes=timeout_minutes,
        hint_key="green.plan.hint",
    )
    return [plan, write, answer_flow, note]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CallbackQueryHandler(call_answered, pattern=bt.CallAnswer.pattern),
        MessageHandler(filters.REPLY & filters.TEXT & ~filters.COMMAND, swipe_reply),
        CommandHandler("settings", settings),
        CallbackQueryHandler(settings_menu, pattern=bt.GreenSettingsMenu.pattern),
        CallbackQueryHandler(settings_set, pattern=bt.GreenSettingsSet.pattern),
    ]
