"""/research <topic>: an admin gets a de-identified dataset of their school's children for a stated research
topic (what it holds and why it names nobody: bot/domain/research.py and the README)."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.domain.roles import Access
from bot.domain.validation import InvalidInput
from bot.handlers.common import BotContext, command_args, refuse, reply
from bot.handlers.routes import Routes, requires
from bot.services import AccessDenied
from bot.services import research as service
from bot.views import research as view

ROUTES = Routes()


@ROUTES.command("research")
@requires(Access.RESEARCH_EXPORT)
async def research(update: Update, context: BotContext) -> None:
    texts, actor = await context.caller(update)
    topic = command_args(context)
    if not topic:
        await reply(update, texts.t("research.ask_topic"))
        return
    if len(topic) > service.TOPIC_LIMIT:
        await reply(update, texts.t("research.topic_too_long", limit=service.TOPIC_LIMIT))
        return
    try:
        name, content, data = await view.workbook(context.services, actor, topic, texts)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason))
        return
    assert update.effective_chat is not None
    await context.bot.send_document(update.effective_chat.id, InputFile(content, filename=name))
    await reply(update, texts.t("research.sent", children=len(data.rows), left_out=data.left_out))


handlers = ROUTES.handlers
