"""Family calls and notes for a child's family, from the head teacher: the call reminders' answer buttons,
/callplan (a call plan made with the parent) and /parentnote (a few words for the next weekly update).

Callback data (declared in bot/buttons/; ids come from the client: every handler re-checks the binding or the
role):
  gc:<child>:<slot minutes>:<c|n|s>   a family-call reminder answer (called / couldn't get through / snooze)
  gp:c:<child>  gp:r:<w0..w6|i|off>    /callplan: the child, then the rhythm
  gn:c:<child>                         /parentnote: the child the note is for
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import time
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot import views
from bot.domain import schedule
from bot.domain.models import Child
from bot.domain.roles import Access
from bot.handlers.common import TYPED, BotContext, answer, edit_or_reply, reply
from bot.handlers.flow import ButtonStep, Draft, Flow, Handler, Step
from bot.handlers.parent_messages import own_words
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound, children
from bot.services import family_calls as family_calls_service
from bot.services import parent_notes as parent_notes_service
from bot.services import schools as schools_service
from bot.texts import Raw, Texts

PLAN_FLOW, NOTE_FLOW = "green_plan", "green_note"
PLAN_DRAFT, NOTE_DRAFT = "green_plan", "green_note"
PICK, RHYTHM, INTERVAL, TIME = range(4)
ROUTES = Routes()
TYPING = 10
PICK_LIMIT = 24


# --- family-call reminder buttons ------------------------------------------------------------------------


@ROUTES.button(bt.CallAnswer)
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


@dataclass(kw_only=True)
class ChildDraft(Draft):
    """A flow about one child of one's class: the child once picked."""

    child_id: int | None = None
    name: str = ""


@dataclass(kw_only=True)
class PlanDraft(ChildDraft):
    """A call plan under way: the child, then the weekday or the interval in days."""

    weekday: int | None = None
    interval_days: int | None = None


# The child's record erased mid-flow scrubs the draft: the flow then says the card is gone.
PLAN = Flow(PLAN_FLOW, PlanDraft, PLAN_DRAFT, gone="card.gone")
NOTE = Flow(NOTE_FLOW, ChildDraft, NOTE_DRAFT, gone="card.gone")


async def _start_for_child(
    update: Update, context: BotContext, flow: Flow[Any], draft: ChildDraft, pick: type[bt.HeadTeacherPick]
) -> int:
    """/callplan and /parentnote: head teachers (and admins) only; first, which child (buttons or a name)."""
    if not await flow.begin(update, context, draft, access=Access.EDIT_CARD):
        return ConversationHandler.END
    texts = await context.texts(update)
    return await _offer_children(update, context, texts, "", flow=flow, pick=pick)


def _typed_child_name(flow: Flow[Any], pick: type[bt.HeadTeacherPick]) -> Step[Any]:
    """The pick step's typed name (or part): the matching children as buttons."""

    async def typed(update: Update, context: BotContext, draft: ChildDraft) -> int:
        texts = await context.texts(update)
        assert update.message and update.message.text
        return await _offer_children(update, context, texts, update.message.text.strip()[:40], flow=flow, pick=pick)

    return typed


async def _pressed_child(
    update: Update, context: BotContext, texts: Texts, draft: ChildDraft, button: bt.HeadTeacherPick
) -> Child | None:
    """The child on a pressed button, re-checked (ids come from the client), now the draft's child; None, said so,
    if the actor may not plan for it."""
    actor = await context.actor(update)
    try:
        child: Child = await family_calls_service.child_for_plan(context.services, actor, button.child)
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.denied"))
        return None
    draft.child_id, draft.name = child.id, child.name
    return child


async def _saved(update: Update, context: BotContext, texts: Texts, flow: Flow[Any], save: Awaitable[object]) -> bool:
    """Runs `save`; refused (the child not the actor's, or gone): says so and ends the flow, False."""
    try:
        await save
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.denied"))
        flow.end(context)
        return False
    return True


async def plan_start(update: Update, context: BotContext) -> int:
    return await _start_for_child(update, context, PLAN, PlanDraft(), bt.CallPlanChild)


async def _offer_children(
    update: Update, context: BotContext, texts: Texts, query: str, *, flow: Flow[Any], pick: type[bt.HeadTeacherPick]
) -> int:
    actor = await context.actor(update)
    found, total = await children.search(
        context.services, actor, Access.EDIT_CARD, query, limit=PICK_LIMIT,
    )  # fmt: skip
    if not found:
        await reply(update, texts.t("green.plan.none_found" if query else "green.plan.no_children"))
        if query:
            return PICK
        return flow.end(context)
    buttons = [kb.button(texts.t("child.button", name=c.name, class_label=c.class_label), pick(c.id)) for c in found]
    area = "green.note" if pick is bt.ParentNoteChild else "green.plan"
    key = f"{area}.pick_more" if total > len(found) else f"{area}.pick"
    await reply(update, texts.t(key, shown=len(found), total=total), kb.grid(buttons, 2))
    return PICK


async def plan_child(update: Update, context: BotContext, draft: PlanDraft, button: bt.CallPlanChild) -> int:
    texts = await context.texts(update)
    child = await _pressed_child(update, context, texts, draft, button)
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


async def plan_rhythm(update: Update, context: BotContext, draft: PlanDraft, button: bt.CallPlanRhythm) -> int:
    texts = await context.texts(update)
    choice = button.rhythm
    if draft.child_id is None:
        await reply(update, texts.t("flow.stale_button"))
        return PICK
    if choice == "off":
        actor = await context.actor(update)
        if not await _saved(
            update, context, texts, PLAN, family_calls_service.stop_plan(context.services, actor, draft.child_id)
        ):
            return ConversationHandler.END
        await edit_or_reply(update, texts.t("green.plan.stopped", child=draft.name))
        return PLAN.saved(update, context)
    if choice == "i":
        await edit_or_reply(update, texts.t("green.plan.ask_interval", child=draft.name))
        return INTERVAL
    draft.weekday, draft.interval_days = int(choice[1]), None
    await edit_or_reply(update, texts.t("green.plan.ask_time", child=draft.name))
    return TIME


async def plan_interval(update: Update, context: BotContext, texts: Texts, draft: PlanDraft, days: int) -> int:
    draft.interval_days, draft.weekday = days, None
    await reply(update, texts.t("green.plan.ask_time", child=draft.name))
    return TIME


async def plan_time(update: Update, context: BotContext, texts: Texts, draft: PlanDraft, at: time) -> int:
    services = context.services
    if draft.child_id is None:
        await reply(update, texts.t("flow.stale_button"))
        return PLAN.end(context)
    quiet_start, quiet_end = await schools_service.quiet_hours_of_child(services, draft.child_id)
    if schedule.clock_in_quiet_hours(at, quiet_start, quiet_end):
        # Routine messages wait for the morning in the family's school's quiet hours: a reminder for a 22:00 call
        # would come too late.
        await reply(
            update,
            texts.t("green.plan.quiet_time", start=quiet_start.strftime("%H:%M"), end=quiet_end.strftime("%H:%M")),
        )
        return TIME
    actor = await context.actor(update)
    weekday = draft.weekday
    plan = schedule.CallPlan(
        child_id=draft.child_id,
        rhythm=schedule.WEEKLY if weekday is not None else schedule.INTERVAL,
        at=at,
        start=services.now().astimezone(services.config.school.timezone).date(),
        weekday=weekday,
        interval_days=None if weekday is not None else draft.interval_days,
    )
    if not await _saved(update, context, texts, PLAN, family_calls_service.save_plan(services, actor, plan)):
        return ConversationHandler.END
    upcoming = schedule.next_slot(plan, services.now(), services.config.school.timezone)
    await reply(
        update,
        texts.t(
            "green.plan.saved", child=draft.name, plan=Raw(views.describe_plan(texts, plan)),
            next=views.format_moment(texts, services, upcoming),
        ),
    )  # fmt: skip
    return PLAN.end(context)


# --- /parentnote: a few words from the head teacher for the next weekly update -------------------------------


async def note_start(update: Update, context: BotContext) -> int:
    return await _start_for_child(update, context, NOTE, ChildDraft(), bt.ParentNoteChild)


async def note_child(update: Update, context: BotContext, draft: ChildDraft, button: bt.ParentNoteChild) -> int:
    texts = await context.texts(update)
    child = await _pressed_child(update, context, texts, draft, button)
    if child is None:
        return PICK
    await edit_or_reply(update, texts.t("green.note.ask", child=child.name, limit=parent_notes_service.NOTE_LIMIT))
    return TYPING


async def note_typed(update: Update, context: BotContext, draft: ChildDraft) -> int:
    texts = await context.texts(update)
    assert update.message and update.message.text
    if draft.child_id is None:
        await reply(update, texts.t("green.note.pick_first"))
        return PICK
    body = await own_words(update, texts, update.message.text, parent_notes_service.NOTE_LIMIT)
    if body is None:
        return TYPING
    actor = await context.actor(update)
    note = parent_notes_service.add_parent_note(context.services, actor, draft.child_id, body)
    if not await _saved(update, context, texts, NOTE, note):
        return ConversationHandler.END
    await reply(update, texts.t("green.note.saved", child=draft.name))
    return NOTE.end(context)


# --- wiring ------------------------------------------------------------------------------------------------


def _child_pick(flow: Flow[Any], kind: type[bt.HeadTeacherPick], chosen: ButtonStep[Any, Any]) -> list[Handler]:
    """Which child: a name typed, or one of the buttons offered."""
    return [flow.on_text(TYPED, _typed_child_name(flow, kind)), flow.on_button(kind, chosen)]


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    plan = PLAN.conversation(
        entry_points=[CommandHandler("callplan", plan_start)],
        states={
            PICK: _child_pick(PLAN, bt.CallPlanChild, plan_child),
            RHYTHM: [PLAN.on_button(bt.CallPlanRhythm, plan_rhythm)],
            INTERVAL: [
                PLAN.on_parsed(
                    TYPED,
                    schedule.parse_interval,
                    "green.plan.bad_interval",
                    plan_interval,
                    maximum=schedule.MAX_INTERVAL_DAYS,
                )
            ],
            TIME: [PLAN.on_parsed(TYPED, schedule.parse_clock, "green.plan.bad_time", plan_time)],
        },
        timeout_minutes=timeout_minutes,
        hint_key="green.plan.hint",
    )
    note = NOTE.conversation(
        entry_points=[CommandHandler("parentnote", note_start)],
        states={
            PICK: _child_pick(NOTE, bt.ParentNoteChild, note_child),
            TYPING: [NOTE.on_text(TYPED, note_typed)],
        },
        timeout_minutes=timeout_minutes,
        hint_key="green.plan.hint",
    )
    return [plan, note]


handlers = ROUTES.handlers
