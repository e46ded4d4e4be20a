"""Enrolment status from the card: history shown, then transferred / graduated / dropped out / re-enrolled,
with a date and a reason. Events are appended, never overwritten."""

from __future__ import annotations

from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.care import Enrolment
from bot.domain.validation import clean_text
from bot.handlers import care_picker as picker
from bot.handlers.common import (
    BotContext,
    answer,
    begin_flow,
    conversation,
    edit_or_reply,
    end_flow,
    end_saved,
    read_typed,
    refuse,
    reply,
)
from bot.services import AccessDenied, NotFound
from bot.services import care as care_service
from bot.services.care import InvalidChange
from bot.texts import Raw, Texts

DATE, REASON, REVIEW = range(20, 23)
FLOW = "enrol"
DRAFT = "enrol_draft"


async def view(update: Update, context: BotContext) -> None:
    """en:v:<child>: the current status, the history, and the changes allowed now."""
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        child, history = await care_service.enrolment(context.services, actor, bt.EnrolView.of(update).child)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return
    current = care_service.current_status(history)
    lines = []
    for event in history:
        reason = texts.t("care.enrol_reason", reason=event.reason) if event.reason else ""
        lines.append(
            texts.t(
                "care.enrol_line",
                date=event.effective_date.isoformat(),
                status=texts.raw(f"care.enrol_status.{event.status}"),
                reason=Raw(reason),
            )
        )
    buttons = [
        kb.button(texts.t(f"care.enrol_to.{s.value}"), bt.EnrolStart(child.id, s))
        for s in rules.enrolment_choices(current)
    ]
    text = texts.t(
        "care.enrol_view",
        name=child.name,
        status=texts.raw(f"care.enrol_status.{current.value}"),
        history=Raw("\n".join(lines)),
    )
    await reply(update, text, kb.grid(buttons, 3))


async def start(update: Update, context: BotContext) -> int:
    """en:s:<child>:<status>: begin a change (re-checked against the current status)."""
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    pressed = bt.EnrolStart.of(update)
    child_id, status = pressed.child, pressed.status
    try:
        child, history = await care_service.enrolment(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return ConversationHandler.END
    if status not in rules.enrolment_choices(care_service.current_status(history)):
        await reply(update, texts.t("care.enrol_not_allowed"))
        return ConversationHandler.END
    if not await begin_flow(update, context, FLOW):
        return ConversationHandler.END
    nonce = picker.new_nonce()
    last = history[-1].effective_date.isoformat() if history else child.birth_date.isoformat()
    context.draft[DRAFT] = {
        "nonce": nonce,
        "token": picker.new_token(),
        "child_id": child.id,
        "child_name": child.name,
        "status": status.value,
        "birth": child.birth_date.isoformat(),
        "last": last,
        "stage": "date",
    }
    status_text = texts.raw(f"care.enrol_status.{status.value}")
    markup = kb.grid([kb.button(texts.t("care.today"), bt.EnrolAction("dt", nonce))], 1)
    await reply(update, texts.t("care.enrol_ask_date", name=child.name, status=status_text), markup)
    return DATE


async def _draft_or_gone(update: Update, context: BotContext, texts: Texts) -> dict[str, Any] | None:
    """The draft of this change; without one, the child's record was erased mid-flow (its draft scrubbed): say so."""
    draft: dict[str, Any] | None = context.draft.get(DRAFT)
    if draft is None:
        await reply(update, texts.t("card.gone"))
    return draft


async def _set_date(update: Update, texts: Texts, draft: dict[str, Any], day: date) -> int:
    if day < date.fromisoformat(draft["last"]):
        await reply(update, texts.t("care.enrol_before_last"))
        return DATE
    draft.update(date=day.isoformat(), stage="reason")
    markup = kb.grid([kb.button(texts.t("button.skip"), bt.EnrolAction("sk", draft["nonce"]))], 1)
    await reply(update, texts.t("care.enrol_ask_reason"), markup)
    return REASON


async def date_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = await _draft_or_gone(update, context, texts)
    if draft is None:
        return end_flow(context, DRAFT)
    today, birth = care_service.today(context.services), date.fromisoformat(draft["birth"])
    day = await read_typed(update, texts, lambda text: rules.parse_event_date(text, today=today, birth=birth))
    return DATE if day is None else await _set_date(update, texts, draft, day)


async def reason_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = await _draft_or_gone(update, context, texts)
    if draft is None:
        return end_flow(context, DRAFT)
    reason = await read_typed(update, texts, lambda text: clean_text(text, max_length=rules.SHORT_MAX))
    if reason is None:
        return REASON
    draft["reason"] = reason
    return await _review(update, texts, draft)


async def _review(update: Update, texts: Texts, draft: dict[str, Any]) -> int:
    draft["stage"] = "review"
    reason = texts.t("care.enrol_reason", reason=draft["reason"]) if draft.get("reason") else ""
    text = texts.t(
        "care.enrol_review",
        name=draft["child_name"],
        date=draft["date"],
        status=texts.raw(f"care.enrol_status.{draft['status']}"),
        reason=Raw(reason),
    )
    markup = InlineKeyboardMarkup([[kb.button(texts.t("button.confirm"), bt.EnrolAction("ok", draft["nonce"]))]])
    await reply(update, text, markup)
    return REVIEW


async def button(update: Update, context: BotContext) -> int | None:
    """en:dt today, en:sk no reason, en:ok save (each only at its own step)."""
    texts = await context.texts(update)
    if DRAFT not in context.draft:  # the child's record was erased mid-flow (its draft scrubbed)
        await answer(update)
        await reply(update, texts.t("card.gone"))
        return end_flow(context, DRAFT)
    pressed = bt.EnrolAction.of(update)
    verb = pressed.action
    stage = {"dt": "date", "sk": "reason", "ok": "review"}[verb]
    draft = await picker.pressed(update, context, DRAFT, pressed.nonce, stage=stage)
    if draft is None:
        return None
    if verb == "dt":
        return await _set_date(update, texts, draft, care_service.today(context.services))
    if verb == "sk":
        draft["reason"] = None
        return await _review(update, texts, draft)
    context.draft.pop(DRAFT)
    actor = await context.actor(update)
    try:
        event_id = await care_service.record_enrolment(
            context.services,
            actor,
            int(draft["child_id"]),
            Enrolment(draft["status"]),
            effective=date.fromisoformat(draft["date"]),
            reason=draft.get("reason"),
            flow_token=draft["token"],
        )
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return end_flow(context, DRAFT)
    end_saved(update, context, DRAFT)
    if event_id is None:
        await reply(update, texts.t("care.already_saved"))
        return ConversationHandler.END
    status = texts.raw(f"care.enrol_status.{draft['status']}")
    await edit_or_reply(update, texts.t("care.enrol_saved", name=draft["child_name"], status=status))
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    buttons = CallbackQueryHandler(button, pattern=bt.EnrolAction.pattern)
    return conversation(
        name=FLOW,
        entry_points=[CallbackQueryHandler(start, pattern=bt.EnrolStart.pattern)],
        states={
            DATE: [MessageHandler(text, date_typed), buttons],
            REASON: [MessageHandler(text, reason_typed), buttons],
            REVIEW: [buttons],
        },
        draft_keys=(DRAFT,),
        timeout_minutes=timeout_minutes,
        hint_key="care.hint_any",
    )


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [CallbackQueryHandler(view, pattern=bt.EnrolView.pattern)]
