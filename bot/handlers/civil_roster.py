"""/roster: the civil-affairs roster (花名册) and summary (汇总表) of the children one reports on, as a workbook."""

from __future__ import annotations

from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.roles import Access, may_do
from bot.handlers.common import BotContext, refuse, reply
from bot.services import AccessDenied
from bot.views import civil_roster as roster_view


async def roster_command(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not may_do(actor, Access.REPORTS):
        await reply(update, texts.t("access.denied"))
        return
    try:
        file_name, content, count = await roster_view.workbook(context.services, actor, texts)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(InputFile(content, filename=file_name), caption=texts.t("civil.caption", count=count))


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [CommandHandler("roster", roster_command)]
