"""/roster: the civil-affairs roster (花名册) and summary (汇总表) of the children one reports on, as a workbook."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.domain.roles import Access
from bot.handlers.common import BotContext, refuse
from bot.handlers.routes import Routes, requires
from bot.services import AccessDenied
from bot.views import civil_roster as roster_view

ROUTES = Routes()


@ROUTES.command("roster")
@requires(Access.REPORTS)
async def roster_command(update: Update, context: BotContext) -> None:
    texts, actor = await context.caller(update)
    try:
        file_name, content, count = await roster_view.workbook(context.services, actor, texts)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(InputFile(content, filename=file_name), caption=texts.t("civil.caption", count=count))


handlers = ROUTES.handlers
