"""/import: send the template, receive a filled .xlsx, show a per-row report, write only after "confirm"."""

from __future__ import annotations

from telegram import Document, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.stats import may_import
from bot.handlers.common import BotContext, answer, begin_flow, conversation, end_flow, reply
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import stats as stats_service
from bot.services.excel import ImportProblem, ImportReport
from bot.texts import Texts
from bot.views import WorkbookWords

ROUTES = Routes()
WAITING_FILE = 0
FLOW = "import"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_BUDGET = 3600  # characters of row lines in the report message (Telegram allows 4096 in all)


async def start(update: Update, context: BotContext) -> int:
    """Sends the template and waits for the filled workbook."""
    texts, actor = await context.caller(update)
    if not may_import(actor):
        await reply(update, texts.t("import.denied"))
        return ConversationHandler.END
    if not await begin_flow(update, context, FLOW):
        return ConversationHandler.END
    try:
        content = await stats_service.import_template(context.services, actor, WorkbookWords(texts.locale))
    except AccessDenied:
        await reply(update, texts.t("import.denied"))
        return end_flow(context)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(content, filename=texts.t("import.template_name")),
        caption=texts.t("import.template_caption"),
    )
    limit = context.services.config.imports.max_file_mb
    await reply(update, texts.t("import.send_file", mb=f"{limit:g}"))
    return WAITING_FILE


def _is_xlsx(document: Document) -> bool:
    name = (document.file_name or "").lower()
    return name.endswith(".xlsx") or (not name and document.mime_type == XLSX_MIME)


async def received(update: Update, context: BotContext) -> int:
    """A document: check type and size before downloading, then check every row; stage the good ones."""
    texts = await context.texts(update)
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if not _is_xlsx(document):
        await reply(update, texts.t("import.wrong_format"))
        return WAITING_FILE
    limit_mb = context.services.config.imports.max_file_mb
    limit = int(limit_mb * 1024 * 1024)
    if document.file_size is not None and document.file_size > limit:
        await reply(update, texts.t("import.too_big", mb=f"{limit_mb:g}"))
        return WAITING_FILE
    try:
        telegram_file = await document.get_file()
        content = bytes(await telegram_file.download_as_bytearray())
    except TelegramError:
        await reply(update, texts.t("import.download_failed"))
        return WAITING_FILE
    if len(content) > limit:
        await reply(update, texts.t("import.too_big", mb=f"{limit_mb:g}"))
        return WAITING_FILE
    actor = await context.actor(update)
    await reply(update, texts.t("import.checking"))
    try:
        batch_id, report = await stats_service.check_import(
            context.services, actor, content, document.file_name or "", WorkbookWords(texts.locale)
        )
    except ImportProblem as problem:
        await reply(update, texts.t(problem.reason, max_rows=10_000))
        return WAITING_FILE
    except AccessDenied:
        await reply(update, texts.t("import.denied"))
        return end_flow(context)
    text = render_report(texts, report)
    if batch_id is None:
        await reply(update, text + "\n\n" + texts.t("import.nothing_to_add"))
        return WAITING_FILE
    markup = kb.grid(
        [
            kb.button(texts.t("import.confirm_button", count=len(report.good)), bt.ImportConfirm("ok", batch_id)),
            kb.button(texts.t("button.cancel"), bt.ImportConfirm("no", batch_id)),
        ],
        1,
    )
    await reply(update, text + "\n\n" + texts.t("import.confirm_question"), markup)
    return end_flow(context)


def _reason(texts: Texts, reason: str, column: str) -> str:
    text = texts.t(reason)
    return texts.t("import.reason_column", reason=text, column=column) if column else text


def render_report(texts: Texts, report: ImportReport) -> str:
    """Counts first, then the rows to add and the rows skipped with their reasons, within one message."""
    lines = [texts.t("import.report", good=len(report.good), skipped=len(report.skipped))]
    budget = REPORT_BUDGET
    sections = [
        ("import.report_skipped", [
            texts.t("import.skipped_line", sheet=s.sheet, row=s.row, name=s.name or "—",
                    reason=_reason(texts, s.reason, s.column))
            for s in report.skipped
        ]),
        ("import.report_good", [
            texts.t("import.good_line", sheet=g.sheet, row=g.row, name=str(g.values.get("name", "")))
            for g in report.good
        ]),
    ]  # fmt: skip
    for header, entries in sections:
        if not entries:
            continue
        lines.append("")
        lines.append(texts.t(header))
        shown = 0
        for entry in entries:
            if budget - len(entry) < 0:
                break
            lines.append(entry)
            budget -= len(entry) + 1
            shown += 1
        if shown < len(entries):
            lines.append(texts.t("import.more_rows", count=len(entries) - shown))
    return "\n".join(lines)


@ROUTES.button(bt.ImportConfirm)
async def confirm(update: Update, context: BotContext) -> None:
    """Writes the staged rows in one transaction; a second tap finds the batch closed and says so."""
    texts = await context.texts(update)
    button = bt.ImportConfirm.of(update)
    action, batch_id = button.action, button.batch
    actor = await context.actor(update)
    try:
        if action == "no":
            closed = await stats_service.cancel_import(context.services, actor, batch_id)
            await answer(update)
            await _drop_buttons(update)
            await reply(update, texts.t("import.cancelled" if closed else "import.already_done"))
            return
        added, left_out = await stats_service.confirm_import(context.services, actor, batch_id)
    except NotFound:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return
    except stats_service.ImportGone:
        await answer(update, texts.t("import.already_done"), alert=True)
        return
    except AccessDenied:
        await answer(update)
        await reply(update, texts.t("import.denied"))
        return
    await answer(update)
    await _drop_buttons(update)
    text = texts.t("import.done", count=added)
    if left_out:
        shown = [texts.t("import.left_out_line", sheet=s, row=r, name=n) for s, r, n in left_out[:30]]
        text += "\n\n" + texts.t("import.left_out", count=len(left_out)) + "\n" + "\n".join(shown)
    await reply(update, text)


async def _drop_buttons(update: Update) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_reply_markup(None)
        except TelegramError:
            return  # the report is too old to edit: the new message says what happened


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return conversation(
        name=FLOW,
        entry_points=[CommandHandler("import", start)],
        states={WAITING_FILE: [MessageHandler(filters.Document.ALL, received)]},
        draft_keys=(),
        timeout_minutes=timeout_minutes,
        hint_key="import.hint",
    )


handlers = ROUTES.handlers
