"""Keeping children in school: /absent (today's absentees of a class by buttons), /dropouts (the suspected-dropout
ledger, each case's attempts to bring the child back) and /monthly (the month's report as a workbook)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import attendance as rules
from bot.domain.attendance import Method, Outcome, Reason
from bot.domain.roles import Access
from bot.handlers.common import (
    BotContext,
    answer,
    answer_stale,
    command_args,
    edit_or_reply,
    fetch_one,
    pressed,
    refuse,
    reply,
)
from bot.handlers.flow import Draft, Flow, new_nonce, new_token, text_up_to
from bot.handlers.routes import Routes, requires
from bot.services import AccessDenied, NotFound
from bot.services import attendance as service
from bot.services.care import AlreadyDone, InvalidChange
from bot.texts import Texts
from bot.views import attendance as view

ROUTES = Routes()
SHEET = "absent_sheet"  # the day's marks being made: {nonce, class, day, children: [[id, name]], marks}
METHOD, RESULT, OUTCOME = range(3)
RESULT_LENGTH = 200


# --- /absent -------------------------------------------------------------------------------------------


@ROUTES.command("absent")
@requires(Access.MARK_ABSENCE, denied="attendance.denied")
async def absent_command(update: Update, context: BotContext) -> None:
    """/absent: the class's list at once (a head teacher of one class), else the classes to choose from."""
    texts, actor = await context.caller(update)
    classes = await service.classes_to_mark(context.services, actor)
    if not classes:
        await reply(update, texts.t("attendance.no_class"))
    elif len(classes) == 1:
        await _open_sheet(update, context, texts, classes[0].id)
    else:
        buttons = [kb.button(c.label, bt.AbsentClass(c.id)) for c in classes]
        await reply(update, texts.t("attendance.choose_class"), kb.grid(buttons, 3))


@ROUTES.button(bt.AbsentClass)
async def pick_class(update: Update, context: BotContext) -> None:
    """at:c:<class>: the chosen class's list (the service re-checks the class)."""
    await answer(update)
    texts = await context.texts(update)
    await _open_sheet(update, context, texts, bt.AbsentClass.of(update).klass)


async def _open_sheet(update: Update, context: BotContext, texts: Texts, class_id: int) -> None:
    actor = await context.actor(update)
    try:
        day_list = await service.day_list(context.services, actor, class_id)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, denied="attendance.denied")
        return
    if not day_list.children:
        await edit_or_reply(update, texts.t("attendance.empty_class"))
        return
    context.draft[SHEET] = {
        "nonce": new_nonce(),
        "class": class_id,
        "class_label": day_list.klass.label,
        "day": day_list.day.isoformat(),
        "children": [[c.id, c.name] for c in day_list.children],
        "marks": {str(child): reason.value for child, reason in day_list.marks.items()},
    }
    await _show_sheet(update, texts, context.draft[SHEET])


def _sheet_markup(texts: Texts, sheet: dict[str, Any]) -> InlineKeyboardMarkup:
    marks: dict[str, str] = sheet["marks"]
    buttons = [
        kb.button(
            texts.t(f"attendance.mark.{marks.get(str(child), 'present')}", name=name),
            bt.AbsentToggle(sheet["nonce"], child),
        )
        for child, name in sheet["children"]
    ]
    done = [kb.button(texts.t("attendance.button.done"), bt.AbsentDone(sheet["nonce"]))]
    return kb.grid(buttons, 2, done)


async def _show_sheet(update: Update, texts: Texts, sheet: dict[str, Any]) -> None:
    text = texts.t("attendance.sheet", class_label=sheet["class_label"], day=sheet["day"])
    text += "\n" + texts.t("attendance.sheet_count", count=len(sheet["marks"]))
    await edit_or_reply(update, text, _sheet_markup(texts, sheet))


def _sheet_of(context: BotContext, nonce: str) -> dict[str, Any] | None:
    sheet: dict[str, Any] | None = context.draft.get(SHEET)
    return sheet if sheet is not None and sheet.get("nonce") == nonce else None


@ROUTES.button(bt.AbsentToggle)
async def toggle(update: Update, context: BotContext) -> None:
    """at:t:<nonce>:<child>: one more tap on a child: absent, sick, on leave, present again."""
    button = bt.AbsentToggle.of(update)
    sheet = _sheet_of(context, button.nonce)
    if sheet is None or button.child not in {child for child, _ in sheet["children"]}:
        await answer_stale(update, context)
        return
    await answer(update)
    current = sheet["marks"].get(str(button.child))
    following = rules.NEXT_MARK[Reason(current) if current else None]
    if following is None:
        sheet["marks"].pop(str(button.child), None)
    else:
        sheet["marks"][str(button.child)] = following.value
    await _show_sheet(update, await context.texts(update), sheet)


@ROUTES.button(bt.AbsentDone)
async def done(update: Update, context: BotContext) -> None:
    """at:d:<nonce>: stores the day's marks, then says whose guardians to call and who is now a suspected
    dropout."""
    sheet = _sheet_of(context, bt.AbsentDone.of(update).nonce)
    if sheet is None:
        await answer_stale(update, context)
        return
    await answer(update)
    texts, actor = await context.caller(update)
    marks = {int(child): Reason(reason) for child, reason in sheet["marks"].items()}
    try:
        saved = await service.save_day(context.services, actor, sheet["class"], date.fromisoformat(sheet["day"]), marks)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        context.draft.pop(SHEET, None)
        await refuse(update, texts, problem, denied="attendance.denied")
        return
    context.draft.pop(SHEET, None)
    day = saved.day.isoformat()
    if not saved.absent:
        await edit_or_reply(update, texts.t("attendance.saved_none", day=day))
        return
    lines = [texts.t("attendance.saved", day=day, count=len(saved.absent))]
    lines += [
        texts.t("attendance.saved_line", name=child.name, reason=texts.t(f"attendance.reason.{reason.value}"))
        for child, reason in saved.absent
    ]
    if saved.call_today:
        lines.append(
            texts.t("attendance.saved_call", names=texts.t("list.separator").join(c.name for c in saved.call_today))
        )
    if saved.suspected:
        names = texts.t("list.separator").join(c.name for c in saved.suspected)
        lines.append(texts.t("attendance.saved_suspected", names=names))
    await edit_or_reply(update, "\n".join(lines))


# --- /dropouts and a case ------------------------------------------------------------------------------


@ROUTES.command("dropouts")
async def dropouts_command(update: Update, context: BotContext) -> None:
    """/dropouts: the open cases, a button each."""
    texts, actor = await context.caller(update)
    try:
        cases = await service.open_cases(context.services, actor)
    except AccessDenied:
        await reply(update, texts.t("attendance.cases_denied"))
        return
    if not cases:
        await reply(update, texts.t("attendance.cases_none"))
        return
    lines = [texts.t("attendance.cases_header", count=len(cases))]
    buttons = []
    for number, case in enumerate(cases, start=1):
        lines.append(texts.t("attendance.case_line", number=number, name=case.child_name,
                             class_label=case.class_label, opened=case.opened_on.isoformat()))  # fmt: skip
        buttons.append(kb.button(texts.t("attendance.case_button", number=number, name=case.child_name),
                                 bt.CaseView(case.id)))  # fmt: skip
    await reply(update, "\n".join(lines), kb.grid(buttons, 2))


@ROUTES.button(bt.CaseView)
async def view_case(update: Update, context: BotContext) -> None:
    """at:k:<case>: the case and its attempts; an open case offers to record one."""
    fetched = await fetch_one(
        update, context, service.case, bt.CaseView.of(update).case, denied="attendance.cases_denied"
    )
    if fetched is None:
        return
    texts, (case, attempts) = fetched
    status = texts.t(f"attendance.status.{case.status}")
    lines = [texts.t("attendance.case", name=case.child_name, class_label=case.class_label,
                     opened=case.opened_on.isoformat(), status=status)]  # fmt: skip
    lines += [
        texts.t(
            "attendance.attempt_line",
            day=a.attempt_date.isoformat(),
            who=a.by_name,
            method=texts.t(f"attendance.method.{a.method}"),
            result=a.result,
            outcome=texts.t(f"attendance.outcome.{a.outcome}"),
        )
        for a in attempts
    ] or [texts.t("attendance.case_no_attempts")]
    markup = None
    if case.status == "open":
        markup = kb.grid([kb.button(texts.t("attendance.button.attempt"), bt.CaseAttempt(case.id))], 1)
    await reply(update, "\n".join(lines), markup)


@dataclass(kw_only=True)
class Attempt(Draft):
    """An attempt to bring a child back being recorded: the case, how the child was reached and what came of it."""

    token: str = field(default_factory=new_token)
    case: int
    name: str
    method: str | None = None
    result: str | None = None


FLOW = Flow("return_attempt", Attempt, "return_attempt", gone="card.gone")


async def start_attempt(update: Update, context: BotContext) -> int | None:
    """at:a:<case>: how was the child contacted?"""
    texts, actor, button = await pressed(update, context, bt.CaseAttempt)
    case_id = button.case
    try:
        case = await service.open_case_for_attempt(context.services, actor, case_id)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, denied="attendance.cases_denied")
        return None
    draft = Attempt(case=case_id, name=case.child_name)
    if not await FLOW.begin(update, context, draft):
        return None
    buttons = [kb.button(texts.t(f"attendance.method.{m.value}"), bt.AttemptMethod(draft.nonce, m)) for m in Method]
    await reply(update, texts.t("attendance.ask_method", name=case.child_name), kb.grid(buttons, 1))
    return METHOD


async def pick_method(update: Update, context: BotContext, draft: Attempt, button: bt.AttemptMethod) -> int:
    draft.method = button.method.value
    texts = await context.texts(update)
    await edit_or_reply(update, texts.t("attendance.ask_result"))
    return RESULT


async def typed_result(update: Update, context: BotContext, texts: Texts, draft: Attempt, result: str) -> int:
    draft.result = result
    buttons = [kb.button(texts.t(f"attendance.outcome.{o.value}"), bt.AttemptOutcome(draft.nonce, o))
               for o in Outcome]  # fmt: skip
    await reply(update, texts.t("attendance.ask_outcome"), kb.grid(buttons, 1))
    return OUTCOME


async def pick_outcome(update: Update, context: BotContext, draft: Attempt, button: bt.AttemptOutcome) -> int:
    texts, actor = await context.caller(update)
    assert draft.method is not None and draft.result is not None
    try:
        case = await service.record_attempt(
            context.services, actor, draft.case, method=Method(draft.method), result=draft.result,
            outcome=button.outcome, flow_token=draft.token,
        )  # fmt: skip
    except AlreadyDone as problem:
        await refuse(update, texts, problem)
        return FLOW.saved(update, context)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, denied="attendance.cases_denied")
        return FLOW.end(context)
    status = texts.t(f"attendance.status.{case.status}")
    await edit_or_reply(update, texts.t("attendance.attempt_saved", name=case.child_name, status=status))
    return FLOW.saved(update, context)


# --- /monthly ------------------------------------------------------------------------------------------


def _month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _parse_month(text: str, today: date) -> tuple[int, int] | None:
    parts = text.strip().replace("/", "-").split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    if not (2000 <= year and 1 <= month <= 12) or (year, month) > (today.year, today.month):
        return None
    return year, month


@ROUTES.command("monthly")
@requires(Access.RETURN_CASES, denied="attendance.cases_denied")
async def monthly_command(update: Update, context: BotContext) -> None:
    """/monthly [YYYY-MM]: the report of the month typed, else a choice of last month and this one."""
    texts = await context.texts(update)
    today = service.today(context.services)
    typed = command_args(context)
    if typed:
        month = _parse_month(typed, today)
        if month is None:
            await reply(update, texts.t("attendance.bad_month"))
            return
        await _send_report(update, context, texts, *month)
        return
    labels = [_month_label(*rules.previous_month(today)), _month_label(today.year, today.month)]
    buttons = [kb.button(label, bt.MonthlyReport(label)) for label in labels]
    await reply(update, texts.t("attendance.choose_month"), kb.grid(buttons, 2))


@ROUTES.button(bt.MonthlyReport)
async def monthly_button(update: Update, context: BotContext) -> None:
    """at:r:<YYYY-MM>: that month's report (also the reminder's button)."""
    await answer(update)
    texts = await context.texts(update)
    month = _parse_month(bt.MonthlyReport.of(update).month, service.today(context.services))
    if month is None:
        await reply(update, texts.t("attendance.bad_month"))
        return
    await _send_report(update, context, texts, *month)


async def _send_report(update: Update, context: BotContext, texts: Texts, year: int, month: int) -> None:
    actor = await context.actor(update)
    try:
        report = await service.monthly_report(context.services, actor, year, month)
    except AccessDenied:
        await reply(update, texts.t("attendance.cases_denied"))
        return
    label = _month_label(year, month)
    content = await asyncio.to_thread(view.workbook, texts, report, label)
    chat = update.effective_chat
    assert chat is not None
    figures = report.figures
    await chat.send_document(
        InputFile(content, filename=texts.t("attendance.file_name", month=label)),
        caption=texts.t("attendance.monthly_caption", month=label, suspected=figures.suspected,
                        attempts=figures.attempts, returned=figures.returned, dropped=figures.dropped_out),
    )  # fmt: skip


# --- wiring --------------------------------------------------------------------------------------------


def build(timeout: int) -> ConversationHandler[BotContext]:
    return FLOW.conversation(
        entry_points=[CallbackQueryHandler(start_attempt, pattern=bt.CaseAttempt.pattern)],
        states={
            METHOD: [FLOW.on_button(bt.AttemptMethod, pick_method)],
            RESULT: [FLOW.on_typed(filters.TEXT & ~filters.COMMAND, text_up_to(RESULT_LENGTH), typed_result)],
            OUTCOME: [FLOW.on_button(bt.AttemptOutcome, pick_outcome)],
        },
        timeout_minutes=timeout,
        hint_key="attendance.hint",
    )


handlers = ROUTES.handlers
