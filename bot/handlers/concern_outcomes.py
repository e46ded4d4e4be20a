"""A concern once reported: the alert's buttons (acknowledge, assign, close), closing with an outcome and, for a
report to the police, its unit, receipt and time; the police's feedback; /concerns and the register of reports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, Actor, may_do
from bot.domain.safety import (
    MAX_NOTE,
    MAX_POLICE_UNIT,
    MAX_RECEIPT,
    POLICE_FEEDBACK_DAYS,
    ConcernStatus,
    Outcome,
    parse_report_time,
)
from bot.handlers.common import TYPED, BotContext, answer, edit_or_reply, read_typed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow, text_up_to
from bot.handlers.routes import Routes, requires
from bot.services import AccessDenied, NotFound, Services, records
from bot.services import alerts as alerts_service
from bot.services import concerns as concern_service
from bot.services.concerns import Alert
from bot.texts import Texts
from bot.views import concern_register

NOTE, POLICE_UNIT, POLICE_RECEIPT, POLICE_AT = 10, 11, 12, 13
ROUTES = Routes()
FEEDBACK = 20
GONE = "safety.concern.gone"
T = TypeVar("T")
D = TypeVar("D", bound=Draft)
ConcernCall = Callable[[Services, Actor, int], Awaitable[T]]


# --- the alert's buttons --------------------------------------------------------------------------------------


def _status_line(texts: Texts, concern: records.Concern) -> str:
    if concern.status is ConcernStatus.CLOSED and concern.outcome is not None:
        return texts.t("safety.status.closed", outcome=texts.t(f"safety.outcome.{concern.outcome.value}"))
    return texts.t(f"safety.status.{concern.status.value}")


async def _tell_state(update: Update, texts: Texts, concern: records.Concern) -> None:
    await reply(update, texts.t("safety.concern.state", id=concern.id, status=_status_line(texts, concern)))


async def _on_pressed(
    update: Update, context: BotContext, texts: Texts, call: ConcernCall[T], concern_id: int
) -> T | None:
    """`call` on the pressed button's concern (the service re-checks the id): refused or gone, an alert says so."""
    actor = await context.actor(update)
    try:
        return await call(context.services, actor, concern_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone=GONE, alert=True)
        return None


async def _open_to_close(update: Update, context: BotContext, texts: Texts, concern_id: int) -> records.Concern | None:
    """The pressed button's concern, if the actor may close it and it is still open (else its state is shown)."""
    concern = await _on_pressed(update, context, texts, concern_service.concern_for_close, concern_id)
    if concern is None:
        return None
    await answer(update)
    if concern.status is ConcernStatus.CLOSED:
        await _tell_state(update, texts, concern)
        return None
    return concern


@ROUTES.button(bt.ConcernAck)
async def acknowledge(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    acknowledged = await _on_pressed(
        update, context, texts, concern_service.acknowledge, bt.ConcernAck.of(update).concern
    )
    if acknowledged is None:
        return
    concern, done, notes = acknowledged
    await answer(update, texts.t("safety.ack.done" if done else "safety.ack.already"))
    await alerts_service.queue(context.services, notes)
    await _tell_state(update, texts, concern)


@ROUTES.button(bt.ConcernAssign)
async def assign_menu(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    concern_id = bt.ConcernAssign.of(update).concern
    people = await _on_pressed(update, context, texts, concern_service.assignees, concern_id)
    if people is None:
        return
    await answer(update)
    buttons = [
        kb.button(texts.t("safety.assign.person", name=name), bt.ConcernAssignTo(concern_id, uid))
        for uid, name in people
    ]
    await reply(update, texts.t("safety.assign.ask", id=concern_id), kb.grid(buttons[:40], 2))


@ROUTES.button(bt.ConcernAssignTo)
async def assign_to(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    button = bt.ConcernAssignTo.of(update)
    assignee = button.user

    async def assign(services: Services, actor: Actor, concern_id: int) -> tuple[records.Concern, list[Alert]]:
        return await concern_service.assign(services, actor, concern_id, assignee)

    assigned = await _on_pressed(update, context, texts, assign, button.concern)
    if assigned is None:
        return
    concern, notes = assigned
    await answer(update)
    if concern.status is ConcernStatus.CLOSED:
        await _tell_state(update, texts, concern)
        return
    await alerts_service.queue(context.services, notes)
    await edit_or_reply(update, texts.t("safety.assign.done", id=concern.id))


@ROUTES.button(bt.ConcernClose)
async def close_menu(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    concern = await _open_to_close(update, context, texts, bt.ConcernClose.of(update).concern)
    if concern is None:
        return
    buttons = [kb.button(texts.t(f"safety.outcome.{o.value}"), bt.concern_outcome(concern.id, o)) for o in Outcome]
    await reply(update, texts.t("safety.close.ask", id=concern.id), kb.grid(buttons, 1))


async def _close(update: Update, context: BotContext, concern_id: int, outcome: Outcome, note: str | None) -> None:
    texts, actor = await context.caller(update)
    try:
        concern, done = await concern_service.close(context.services, actor, concern_id, outcome, note)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone=GONE)
        return
    key = "safety.close.done" if done else "safety.close.already"
    await reply(update, texts.t(key, id=concern_id, status=_status_line(texts, concern)))


@ROUTES.button(bt.ConcernOutcome)
async def close_direct(update: Update, context: BotContext) -> None:
    """Outcomes without a note close at once."""
    await answer(update)
    button = bt.ConcernOutcome.of(update)
    await _close(update, context, button.concern, button.outcome, None)


@dataclass(kw_only=True)
class Closing(Draft):
    """A concern being closed with a note: its id and outcome, and for a report to the police its unit and receipt."""

    id: int
    outcome: str
    unit: str | None = None
    receipt: str | None = None


@dataclass(kw_only=True)
class Feedback(Draft):
    """The police's feedback on a concern reported to them, being written down."""

    id: int


CLOSE = Flow("concern_close", Closing, "concern_close_draft")
FEEDBACK_FLOW = Flow("concern_feedback", Feedback, "concern_feedback_draft")


async def close_ask_note(update: Update, context: BotContext) -> int:
    """Police, civil affairs, referral: ask for the reference or the body referred to."""
    texts = await context.texts(update)
    button = bt.ConcernOutcomeNote.of(update)
    outcome = button.outcome
    concern = await _open_to_close(update, context, texts, button.concern)
    if concern is None or not await CLOSE.begin(update, context, Closing(id=concern.id, outcome=outcome.value)):
        return ConversationHandler.END
    if outcome is Outcome.POLICE:  # the report to the police: its unit, its receipt's number, its time
        await reply(update, texts.t("safety.police.ask_unit", id=concern.id, limit=MAX_POLICE_UNIT))
        return POLICE_UNIT
    await reply(update, texts.t(f"safety.close.ask_note.{outcome.value}", limit=MAX_NOTE))
    return NOTE


async def _noted(update: Update, context: BotContext, texts: Texts, draft: Closing, note: str) -> int:
    CLOSE.end(context)
    await _close(update, context, draft.id, Outcome(draft.outcome), note)
    return ConversationHandler.END


async def _police_unit(update: Update, context: BotContext, texts: Texts, draft: Closing, unit: str) -> int:
    draft.unit = unit
    await reply(update, texts.t("safety.police.ask_receipt", limit=MAX_RECEIPT))
    return POLICE_RECEIPT


async def _police_receipt(update: Update, context: BotContext, texts: Texts, draft: Closing, receipt: str) -> int:
    if draft.unit is None:
        return CLOSE.end(context)
    draft.receipt = receipt
    now = kb.button(texts.t("safety.police.just_now"), bt.ConcernPoliceNow(draft.id))
    await reply(update, texts.t("safety.police.ask_time"), kb.grid([now], 1))
    return POLICE_AT


async def police_at_typed(update: Update, context: BotContext, draft: Closing) -> int:
    texts = await context.texts(update)
    local_now = concern_service.now_local(context.services)
    moment = await read_typed(update, texts, lambda text: parse_report_time(text, now_local=local_now))
    if moment is None:
        return POLICE_AT
    return await _police_save(update, context, texts, draft, moment)


def _this_report(draft: Closing, button: bt.ConcernPoliceNow) -> str | None:
    """The "just now" button of this concern, once its receipt is known."""
    return None if draft.id == button.concern and draft.receipt is not None else STALE


async def police_at_now(update: Update, context: BotContext, draft: Closing, button: bt.ConcernPoliceNow) -> int:
    texts = await context.texts(update)
    return await _police_save(update, context, texts, draft, context.services.now())


async def _police_save(update: Update, context: BotContext, texts: Texts, draft: Closing, moment: datetime) -> int:
    CLOSE.end(context)
    if draft.unit is None or draft.receipt is None:
        return ConversationHandler.END
    actor = await context.actor(update)
    concern_id = draft.id
    try:
        concern, done = await concern_service.report_to_police(
            context.services, actor, concern_id, reported_at=moment, police_unit=draft.unit,
            receipt_no=draft.receipt,
        )  # fmt: skip
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone=GONE)
        return ConversationHandler.END
    if not done:
        await reply(update, texts.t("safety.close.already", id=concern_id, status=_status_line(texts, concern)))
        return ConversationHandler.END
    feedback = kb.button(texts.t("safety.button.feedback"), bt.ConcernFeedback(concern_id))
    recorded = texts.t("safety.police.recorded", id=concern_id, days=POLICE_FEEDBACK_DAYS)
    await reply(update, recorded, kb.grid([feedback], 1))
    return ConversationHandler.END


def build_close(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return CLOSE.conversation(
        entry_points=[CallbackQueryHandler(close_ask_note, pattern=bt.ConcernOutcomeNote.pattern)],
        states={
            NOTE: [CLOSE.on_typed(TYPED, text_up_to(MAX_NOTE), _noted)],
            POLICE_UNIT: [CLOSE.on_typed(TYPED, text_up_to(MAX_POLICE_UNIT), _police_unit)],
            POLICE_RECEIPT: [CLOSE.on_typed(TYPED, text_up_to(MAX_RECEIPT), _police_receipt)],
            POLICE_AT: [
                CLOSE.on_text(TYPED, police_at_typed),
                CLOSE.on_button(bt.ConcernPoliceNow, police_at_now, check=_this_report),
            ],
        },
        timeout_minutes=timeout_minutes,
    )


# --- the police's feedback ----------------------------------------------------------------------------------


async def feedback_start(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    concern_id = bt.ConcernFeedback.of(update).concern
    found = await _on_pressed(update, context, texts, concern_service.police_report_for_feedback, concern_id)
    if found is None:
        return ConversationHandler.END
    await answer(update)
    _, police = found
    if not await FEEDBACK_FLOW.begin(update, context, Feedback(id=concern_id)):
        return ConversationHandler.END
    await reply(
        update,
        texts.t("safety.police.ask_feedback", id=concern_id, unit=police.police_unit, receipt=police.receipt_no,
                limit=MAX_NOTE),
    )  # fmt: skip
    return FEEDBACK


async def _feedback(update: Update, context: BotContext, texts: Texts, draft: Feedback, feedback: str) -> int:
    FEEDBACK_FLOW.end(context)
    actor = await context.actor(update)
    try:
        await concern_service.record_feedback(context.services, actor, draft.id, feedback)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone=GONE)
        return ConversationHandler.END
    await reply(update, texts.t("safety.police.feedback_saved", id=draft.id))
    return ConversationHandler.END


def build_feedback(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return FEEDBACK_FLOW.conversation(
        entry_points=[CallbackQueryHandler(feedback_start, pattern=bt.ConcernFeedback.pattern)],
        states={FEEDBACK: [FEEDBACK_FLOW.on_typed(TYPED, text_up_to(MAX_NOTE), _feedback)]},
        timeout_minutes=timeout_minutes,
    )


@ROUTES.button(bt.ConcernRegister)
async def send_register(update: Update, context: BotContext) -> None:
    """The register of reports (强制报告登记簿) as a workbook: admins, for the concerns they manage."""
    await answer(update)
    texts, actor = await context.caller(update)
    try:
        content, count = await concern_register.workbook(context.services, actor, texts)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(content, filename=texts.t("safety.register.file_name")),
        caption=texts.t("safety.register.caption", count=count),
    )


@ROUTES.command("concerns")
@requires(Access.REPORT_CONCERN)
async def list_open(update: Update, context: BotContext) -> None:
    """/concerns: unclosed concerns (admins: all; others: those they reported or were given)."""
    texts, actor = await context.caller(update)
    found = await concern_service.open_list(context.services, actor)
    register = (
        [kb.button(texts.t("safety.button.register"), bt.ConcernRegister())]
        if may_do(actor, Access.MANAGE_CONCERNS)
        else []
    )
    if not found:
        await reply(update, texts.t("safety.concerns.none"), kb.grid(register, 1) if register else None)
        return
    lines = [texts.t("safety.concerns.header", count=len(found))]
    buttons = []
    for concern in found:
        lines.append(
            texts.t(
                "safety.concerns.line", id=concern.id, name=concern.child_name,
                kind=texts.t(f"safety.kind.{concern.kind.value}"), status=_status_line(texts, concern),
            )
        )  # fmt: skip
        if may_do(actor, Access.MANAGE_CONCERNS) and concern.status is ConcernStatus.OPEN:
            buttons.append(kb.button(texts.t("safety.button.ack_id", id=concern.id), bt.ConcernAck(concern.id)))
        buttons.append(kb.button(texts.t("safety.button.close_id", id=concern.id), bt.ConcernClose(concern.id)))
    await reply(update, "\n".join(lines), kb.grid(buttons[:60], 2, register))


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    return [build_close(timeout_minutes), build_feedback(timeout_minutes)]


handlers = ROUTES.handlers
