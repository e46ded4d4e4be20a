"""/concern: any staff member reports a safety concern in under a minute; admins acknowledge, assign, close."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, Actor, may_do, reaches_every_child
from bot.domain.safety import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_POLICE_UNIT,
    MAX_RECEIPT,
    OFFERED_KINDS,
    POLICE_FEEDBACK_DAYS,
    POLICE_KINDS,
    ConcernKind,
    ConcernStatus,
    Outcome,
    parse_report_time,
)
from bot.domain.validation import clean_text, parse_date
from bot.handlers.common import (
    BotContext,
    answer,
    begin_flow,
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
from bot.services import AccessDenied, NotFound, Services, records
from bot.services import alerts as alerts_service
from bot.services import care as care_service
from bot.services import children as children_service
from bot.services import concerns as concern_service
from bot.services import registry as registry_service
from bot.services.concerns import Alert
from bot.texts import Texts
from bot.views import concern_register

FLOW = "concern"
DRAFT = "concern_draft"
PICK, KIND, WHAT, WHEN = range(4)
CLOSE_FLOW = "concern_close"
CLOSE_DRAFT = "concern_close_draft"
NOTE, POLICE_UNIT, POLICE_RECEIPT, POLICE_AT = 10, 11, 12, 13
FEEDBACK_FLOW = "concern_feedback"
FEEDBACK_DRAFT = "concern_feedback_draft"
FEEDBACK = 20
PICK_LIMIT = 8
EARLIEST_DAYS = 366
GONE = "safety.concern.gone"
T = TypeVar("T")
ConcernCall = Callable[[Services, Actor, int], Awaitable[T]]


async def _flagged_buttons(update: Update, context: BotContext, texts: Texts) -> list[Any]:
    """Check-ins flagged as worries (care records) the reporter may act on: one tap opens a concern."""
    actor = await context.actor(update)
    since = context.services.now() - timedelta(days=14)
    flagged = await care_service.flagged_checkins(context.services, actor, since=since, limit=5)
    buttons = []
    for checkin in flagged:
        child_name = await children_service.child_name(context.services, checkin.child_id)
        if child_name is None:
            continue
        buttons.append(
            kb.button(texts.t("safety.concern.from_checkin", name=child_name), bt.ConcernFromCheckin(checkin.id))
        )
    return buttons


async def start(update: Update, context: BotContext) -> int:
    """/concern [name]: who is it about? (a name, or a flagged check-in)."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not await enter_flow(update, context, FLOW, allowed=may_do(actor, Access.REPORT_CONCERN)):
        return ConversationHandler.END
    context.draft[DRAFT] = {}
    query = command_args(context)
    if query:
        return await _search(update, context, texts, query)
    buttons = await _flagged_buttons(update, context, texts)
    text = texts.t("safety.concern.ask_child")
    if buttons:
        text += "\n\n" + texts.t("safety.concern.flagged_hint")
    await reply(update, text, kb.grid(buttons, 1) if buttons else None)
    return PICK


async def from_card(update: Update, context: BotContext) -> int:
    """The card's "report a concern" button: the child is known."""
    await answer(update)
    texts = await context.texts(update)
    if not await begin_flow(update, context, FLOW):
        return ConversationHandler.END
    context.draft[DRAFT] = {}
    return await _chosen(update, context, texts, bt.ConcernFromCard.of(update).child)


async def from_checkin(update: Update, context: BotContext) -> int:
    """A flagged check-in's button: its child, and the check-in remembered on the concern."""
    await answer(update)
    texts = await context.texts(update)
    checkin_id = bt.ConcernFromCheckin.of(update).checkin
    child_id = await children_service.child_of_checkin(context.services, checkin_id)
    if child_id is None:
        await reply(update, texts.t("card.gone"))
        return PICK
    context.draft.setdefault(DRAFT, {})["checkin_id"] = checkin_id
    return await _chosen(update, context, texts, child_id)


async def _search(update: Update, context: BotContext, texts: Texts, query: str) -> int:
    actor = await context.actor(update)
    if reaches_every_child(actor, Access.REPORT_CONCERN):
        found, total = await children_service.search_all(
            context.services, actor, Access.REPORT_CONCERN, query, limit=PICK_LIMIT
        )
    else:
        children, total = await registry_service.search_children(context.services, actor, query, limit=PICK_LIMIT)
        found = [(c.id, c.name, c.class_label) for c in children]
    if total == 0:
        await reply(update, texts.t("safety.concern.none_found", query=query))
        return PICK
    order = {cid: i for i, cid in enumerate(await concern_service.ranked(context.services, [f[0] for f in found]))}
    found.sort(key=lambda f: order[f[0]])  # high-risk children first
    if total == 1:
        return await _chosen(update, context, texts, found[0][0])
    buttons = [kb.button(texts.t("child.button", name=n, class_label=c), bt.ConcernPick(i)) for i, n, c in found]
    more = texts.t("safety.concern.more", total=total) if total > len(found) else ""
    await reply(update, texts.t("safety.concern.pick") + more, kb.grid(buttons, 1))
    return PICK


async def typed_name(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert update.message is not None and update.message.text is not None
    return await _search(update, context, texts, update.message.text.strip()[:50])


async def picked(update: Update, context: BotContext) -> int:
    await answer(update)
    texts = await context.texts(update)
    return await _chosen(update, context, texts, bt.ConcernPick.of(update).child)


async def _chosen(update: Update, context: BotContext, texts: Texts, child_id: int) -> int:
    actor = await context.actor(update)
    try:
        await concern_service.check_may_report(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return end_flow(context, DRAFT)
    name = await children_service.child_name(context.services, child_id)
    context.draft.setdefault(DRAFT, {})["child_id"] = child_id
    buttons = [kb.button(texts.t(f"safety.kind.{k.value}"), bt.ConcernKind(k)) for k in OFFERED_KINDS]
    await reply(update, texts.t("safety.concern.ask_kind", name=name or ""), kb.grid(buttons, 1))
    return KIND


async def kind_chosen(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    kind = bt.ConcernKind.of(update).kind
    draft = context.draft.get(DRAFT) or {}
    if "child_id" not in draft:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return KIND
    await answer(update)
    draft["kind"] = kind.value
    context.draft[DRAFT] = draft
    await reply(update, texts.t("safety.concern.ask_what", limit=MAX_DESCRIPTION))
    return WHAT


async def what_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    if "child_id" not in (context.draft.get(DRAFT) or {}):  # the child's record was erased mid-flow
        await reply(update, texts.t("card.gone"))
        return end_flow(context, DRAFT)
    what = await read_typed(update, texts, lambda text: clean_text(text, max_length=MAX_DESCRIPTION))
    if what is None:
        return WHAT
    context.draft[DRAFT]["what"] = what
    buttons = [
        kb.button(texts.t("safety.when.today"), bt.ConcernWhen(0)),
        kb.button(texts.t("safety.when.yesterday"), bt.ConcernWhen(1)),
    ]
    await reply(update, texts.t("safety.concern.ask_when"), kb.grid(buttons, 2))
    return WHEN


def _today(context: BotContext) -> date:
    return registry_service.local_today(context.services)


async def when_button(update: Update, context: BotContext) -> int:
    await answer(update)
    return await _save(update, context, _today(context) - timedelta(days=bt.ConcernWhen.of(update).days_ago))


async def when_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    today = _today(context)
    earliest = today - timedelta(days=EARLIEST_DAYS)
    when = await read_typed(update, texts, lambda text: parse_date(text, today=today, earliest=earliest))
    return WHEN if when is None else await _save(update, context, when)


async def _save(update: Update, context: BotContext, when: date) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    draft = context.draft.get(DRAFT) or {}
    if not {"child_id", "kind", "what"} <= draft.keys():
        await reply(update, texts.t("flow.stale_button"))
        return end_flow(context, DRAFT)
    try:
        concern_id, alerts = await concern_service.report(
            context.services, actor, int(draft["child_id"]), kind=ConcernKind(draft["kind"]),
            description=str(draft["what"]), occurred_on=when, checkin_id=draft.get("checkin_id"),
        )  # fmt: skip
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return end_flow(context, DRAFT)
    end_saved(update, context, DRAFT)
    await alerts_service.queue(context.services, alerts)
    sent = texts.t("safety.concern.sent", id=concern_id, admins=len(alerts))
    if ConcernKind(draft["kind"]) in POLICE_KINDS:  # the 2020 rules: report to the police at once
        sent += "\n\n" + texts.t("safety.concern.police_duty")
    await reply(update, sent)
    return ConversationHandler.END


async def _hint(update: Update, context: BotContext) -> None:
    """Stray input (stickers, photos, commands): say what the current step needs, and stay in it."""
    await answer(update)
    texts = await context.texts(update)
    message = update.effective_message
    draft = context.draft.get(DRAFT) or {}
    if message is not None and message.text and message.text.startswith("/"):
        await reply(update, texts.t("flow.command_in_flow", flow=texts.t(f"flow.name.{FLOW}")))
    elif "child_id" in draft and "kind" not in draft:
        await reply(update, texts.t("flow.hint_buttons"))
    elif "what" in draft:
        await reply(update, texts.t("safety.concern.ask_when"))
    else:
        await reply(update, texts.t("flow.hint_text"))


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return conversation(
        name=FLOW,
        hint=_hint,
        entry_points=[
            CommandHandler("concern", start),
            CallbackQueryHandler(from_card, pattern=bt.ConcernFromCard.pattern),
        ],
        states={
            PICK: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, typed_name),
                CallbackQueryHandler(picked, pattern=bt.ConcernPick.pattern),
                CallbackQueryHandler(from_checkin, pattern=bt.ConcernFromCheckin.pattern),
            ],
            KIND: [CallbackQueryHandler(kind_chosen, pattern=bt.ConcernKind.pattern)],
            WHAT: [MessageHandler(filters.TEXT & ~filters.COMMAND, what_typed)],
            WHEN: [
                CallbackQueryHandler(when_button, pattern=bt.ConcernWhen.pattern),
                MessageHandler(filters.TEXT & ~filters.COMMAND, when_typed),
            ],
        },
        draft_keys=(DRAFT,),
        timeout_minutes=timeout_minutes,
    )


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


async def close_menu(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    concern = await _open_to_close(update, context, texts, bt.ConcernClose.of(update).concern)
    if concern is None:
        return
    buttons = [kb.button(texts.t(f"safety.outcome.{o.value}"), bt.concern_outcome(concern.id, o)) for o in Outcome]
    await reply(update, texts.t("safety.close.ask", id=concern.id), kb.grid(buttons, 1))


async def _close(update: Update, context: BotContext, concern_id: int, outcome: Outcome, note: str | None) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        concern, done = await concern_service.close(context.services, actor, concern_id, outcome, note)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone=GONE)
        return
    key = "safety.close.done" if done else "safety.close.already"
    await reply(update, texts.t(key, id=concern_id, status=_status_line(texts, concern)))


async def close_direct(update: Update, context: BotContext) -> None:
    """Outcomes without a note close at once."""
    await answer(update)
    button = bt.ConcernOutcome.of(update)
    await _close(update, context, button.concern, button.outcome, None)


async def close_ask_note(update: Update, context: BotContext) -> int:
    """Police, civil affairs, referral: ask for the reference or the body referred to."""
    texts = await context.texts(update)
    button = bt.ConcernOutcomeNote.of(update)
    outcome = button.outcome
    concern = await _open_to_close(update, context, texts, button.concern)
    if concern is None or not await begin_flow(update, context, CLOSE_FLOW):
        return ConversationHandler.END
    context.draft[CLOSE_DRAFT] = {"id": concern.id, "outcome": outcome.value}
    if outcome is Outcome.POLICE:  # the report to the police: its unit, its receipt's number, its time
        await reply(update, texts.t("safety.police.ask_unit", id=concern.id, limit=MAX_POLICE_UNIT))
        return POLICE_UNIT
    await reply(update, texts.t(f"safety.close.ask_note.{outcome.value}", limit=MAX_NOTE))
    return NOTE


async def close_note(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = context.draft.get(CLOSE_DRAFT)
    if not draft:
        return end_flow(context, CLOSE_DRAFT)
    note = await read_typed(update, texts, lambda text: clean_text(text, max_length=MAX_NOTE))
    if note is None:
        return NOTE
    end_flow(context, CLOSE_DRAFT)
    await _close(update, context, int(draft["id"]), Outcome(draft["outcome"]), note)
    return ConversationHandler.END


async def police_unit(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = context.draft.get(CLOSE_DRAFT)
    if not draft:
        return end_flow(context, CLOSE_DRAFT)
    unit = await read_typed(update, texts, lambda text: clean_text(text, max_length=MAX_POLICE_UNIT))
    if unit is None:
        return POLICE_UNIT
    draft["unit"] = unit
    await reply(update, texts.t("safety.police.ask_receipt", limit=MAX_RECEIPT))
    return POLICE_RECEIPT


async def police_receipt(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = context.draft.get(CLOSE_DRAFT)
    if not draft or "unit" not in draft:
        return end_flow(context, CLOSE_DRAFT)
    receipt = await read_typed(update, texts, lambda text: clean_text(text, max_length=MAX_RECEIPT))
    if receipt is None:
        return POLICE_RECEIPT
    draft["receipt"] = receipt
    now = kb.button(texts.t("safety.police.just_now"), bt.ConcernPoliceNow(int(draft["id"])))
    await reply(update, texts.t("safety.police.ask_time"), kb.grid([now], 1))
    return POLICE_AT


async def police_at_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    local_now = concern_service.now_local(context.services)
    moment = await read_typed(update, texts, lambda text: parse_report_time(text, now_local=local_now))
    if moment is None:
        return POLICE_AT
    return await _police_save(update, context, texts, moment)


async def police_at_now(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = context.draft.get(CLOSE_DRAFT) or {}
    if draft.get("id") != bt.ConcernPoliceNow.of(update).concern or "receipt" not in draft:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return POLICE_AT
    await answer(update)
    return await _police_save(update, context, texts, context.services.now())


async def _police_save(update: Update, context: BotContext, texts: Texts, moment: Any) -> int:
    draft = context.draft.get(CLOSE_DRAFT)
    if not draft or not {"id", "unit", "receipt"} <= draft.keys():
        return end_flow(context, CLOSE_DRAFT)
    end_flow(context, CLOSE_DRAFT)
    actor = await context.actor(update)
    concern_id = int(draft["id"])
    try:
        concern, done = await concern_service.report_to_police(
            context.services, actor, concern_id, reported_at=moment, police_unit=str(draft["unit"]),
            receipt_no=str(draft["receipt"]),
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
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        name=CLOSE_FLOW,
        entry_points=[CallbackQueryHandler(close_ask_note, pattern=bt.ConcernOutcomeNote.pattern)],
        states={
            NOTE: [MessageHandler(text, close_note)],
            POLICE_UNIT: [MessageHandler(text, police_unit)],
            POLICE_RECEIPT: [MessageHandler(text, police_receipt)],
            POLICE_AT: [
                MessageHandler(text, police_at_typed),
                CallbackQueryHandler(police_at_now, pattern=bt.ConcernPoliceNow.pattern),
            ],
        },
        draft_keys=(CLOSE_DRAFT,),
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
    if not await begin_flow(update, context, FEEDBACK_FLOW):
        return ConversationHandler.END
    context.draft[FEEDBACK_DRAFT] = {"id": concern_id}
    await reply(
        update,
        texts.t("safety.police.ask_feedback", id=concern_id, unit=police.police_unit, receipt=police.receipt_no,
                limit=MAX_NOTE),
    )  # fmt: skip
    return FEEDBACK


async def feedback_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = context.draft.get(FEEDBACK_DRAFT)
    if not draft:
        return end_flow(context, FEEDBACK_DRAFT)
    feedback = await read_typed(update, texts, lambda text: clean_text(text, max_length=MAX_NOTE))
    if feedback is None:
        return FEEDBACK
    end_flow(context, FEEDBACK_DRAFT)
    actor = await context.actor(update)
    try:
        await concern_service.record_feedback(context.services, actor, int(draft["id"]), feedback)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone=GONE)
        return ConversationHandler.END
    await reply(update, texts.t("safety.police.feedback_saved", id=draft["id"]))
    return ConversationHandler.END


def build_feedback(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return conversation(
        name=FEEDBACK_FLOW,
        entry_points=[CallbackQueryHandler(feedback_start, pattern=bt.ConcernFeedback.pattern)],
        states={FEEDBACK: [MessageHandler(filters.TEXT & ~filters.COMMAND, feedback_typed)]},
        draft_keys=(FEEDBACK_DRAFT,),
        timeout_minutes=timeout_minutes,
    )


async def send_register(update: Update, context: BotContext) -> None:
    """The register of reports (强制报告登记簿) as a workbook: admins, for the concerns they manage."""
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
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


async def list_open(update: Update, context: BotContext) -> None:
    """/concerns: unclosed concerns (admins: all; others: those they reported or were given)."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not may_do(actor, Access.REPORT_CONCERN):
        await reply(update, texts.t("access.denied"))
        return
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
    """The conversations (wired before every plain handler)."""
    return [build(timeout_minutes), build_close(timeout_minutes), build_feedback(timeout_minutes)]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("concerns", list_open),
        CallbackQueryHandler(acknowledge, pattern=bt.ConcernAck.pattern),
        CallbackQueryHandler(assign_menu, pattern=bt.ConcernAssign.pattern),
        CallbackQueryHandler(assign_to, pattern=bt.ConcernAssignTo.pattern),
        CallbackQueryHandler(close_menu, pattern=bt.ConcernClose.pattern),
        CallbackQueryHandler(close_direct, pattern=bt.ConcernOutcome.pattern),
        CallbackQueryHandler(send_register, pattern=bt.ConcernRegister.pattern),
    ]
