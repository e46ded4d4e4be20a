"""/counsel: counsellors record sessions (date, topic, notes, follow-up) and read them; nobody else can."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, may_do
from bot.domain.validation import clean_text, parse_date
from bot.handlers.common import (
    BotContext,
    answer,
    begin_flow,
    clip_html,
    command_args,
    conversation,
    end_flow,
    end_saved,
    read_typed,
    refuse,
    reply,
)
from bot.services import AccessDenied, NotFound
from bot.services import counselling as counsel_service
from bot.services import registry as registry_service
from bot.texts import Texts

FLOW = "counsel"
DRAFT = "counsel_draft"
DATE, TOPIC, NOTES, FOLLOWUP, SHARE = range(5)
SHOWN_SESSIONS = 10
ONLY = "safety.counsel.only"


async def find(update: Update, context: BotContext) -> None:
    """/counsel <name>: the child's counselling records (counsellors only)."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    query = command_args(context)
    try:
        found, total = await counsel_service.search(context.services, actor, query, limit=10)
    except AccessDenied:
        await reply(update, texts.t("safety.counsel.only"))
        return
    if not query:
        await reply(update, texts.t("safety.counsel.ask_query"))
        return
    if total == 0:
        await reply(update, texts.t("safety.concern.none_found", query=query))
        return
    if total == 1:
        await _show(update, context, texts, found[0].id)
        return
    buttons = [
        kb.button(texts.t("child.button", name=c.name, class_label=c.class_label), bt.CounselView(c.id)) for c in found
    ]
    await reply(update, texts.t("safety.concern.pick"), kb.grid(buttons, 1))


async def view(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    child_id = bt.CounselView.of(update).child
    if not may_do(actor, Access.COUNSEL):
        try:
            await counsel_service.sessions(context.services, actor, child_id)
        except (AccessDenied, NotFound):
            pass
        await answer(update, texts.t("safety.counsel.only"), alert=True)
        return
    await answer(update)
    await _show(update, context, texts, child_id)


async def _show(update: Update, context: BotContext, texts: Texts, child_id: int) -> None:
    actor = await context.actor(update)
    try:
        child, sessions = await counsel_service.sessions(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=ONLY)
        return
    lines = [texts.t("safety.counsel.header", name=child.name, count=len(sessions))]
    for session in sessions[:SHOWN_SESSIONS]:
        lines.append("")
        lines.append(texts.t("safety.counsel.session", date=session.session_date, topic=session.topic,
                             notes=session.notes))  # fmt: skip
        if session.followup:
            lines.append(texts.t("safety.counsel.followup", followup=session.followup))
        if session.shared:
            lines.append(texts.t("safety.counsel.shared_mark"))
    body = clip_html("\n".join(lines), 4000)
    await reply(update, body, kb.grid([kb.button(texts.t("safety.counsel.new_button"), bt.CounselNew(child.id))], 1))


async def new_session(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    child_id = bt.CounselNew.of(update).child
    try:
        child = await counsel_service.child_for_session(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=ONLY, alert=True)
        return ConversationHandler.END
    await answer(update)
    if not await begin_flow(update, context, FLOW):
        return ConversationHandler.END
    context.draft[DRAFT] = {"child_id": child_id}
    today_button = kb.button(texts.t("safety.when.today"), bt.CounselToday())
    await reply(update, texts.t("safety.counsel.ask_date", name=child.name), kb.grid([today_button], 1))
    return DATE


Step = Callable[[Update, BotContext], Coroutine[Any, Any, int]]


def _with_draft(step: Step) -> Step:
    """A step that needs the draft: if the child's record was erased mid-flow (its draft scrubbed), say so and end
    the flow instead of failing on every answer."""

    async def guarded(update: Update, context: BotContext) -> int:
        if DRAFT in context.draft:
            return await step(update, context)
        await answer(update)
        texts = await context.texts(update)
        await reply(update, texts.t("card.gone"))
        return end_flow(context, DRAFT)

    return guarded


async def date_today(update: Update, context: BotContext) -> int:
    await answer(update)
    return await _set_date(update, context, registry_service.local_today(context.services).isoformat())


async def date_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    today = registry_service.local_today(context.services)
    earliest = today - timedelta(days=366)
    when = await read_typed(update, texts, lambda text: parse_date(text, today=today, earliest=earliest))
    return DATE if when is None else await _set_date(update, context, when.isoformat())


async def _set_date(update: Update, context: BotContext, value: str) -> int:
    texts = await context.texts(update)
    context.draft[DRAFT]["date"] = value
    await reply(update, texts.t("safety.counsel.ask_topic"))
    return TOPIC


async def _text_step(update: Update, context: BotContext, key: str, limit: int) -> str | None:
    """A typed text answer stored in the draft under `key`; a bad one is told why and gives None."""
    texts = await context.texts(update)
    value = await read_typed(update, texts, lambda text: clean_text(text, max_length=limit))
    if value is not None:
        context.draft[DRAFT][key] = value
    return value


async def topic_typed(update: Update, context: BotContext) -> int:
    if await _text_step(update, context, "topic", counsel_service.MAX_TOPIC) is None:
        return TOPIC
    texts = await context.texts(update)
    await reply(update, texts.t("safety.counsel.ask_notes"))
    return NOTES


async def notes_typed(update: Update, context: BotContext) -> int:
    if await _text_step(update, context, "notes", counsel_service.MAX_NOTES) is None:
        return NOTES
    texts = await context.texts(update)
    await reply(
        update,
        texts.t("safety.counsel.ask_followup"),
        kb.grid([kb.button(texts.t("safety.skip"), bt.CounselSkip())], 1),
    )
    return FOLLOWUP


async def followup_typed(update: Update, context: BotContext) -> int:
    if await _text_step(update, context, "followup", counsel_service.MAX_FOLLOWUP) is None:
        return FOLLOWUP
    return await _ask_share(update, context)


async def followup_skip(update: Update, context: BotContext) -> int:
    await answer(update)
    context.draft[DRAFT]["followup"] = None
    return await _ask_share(update, context)


async def _ask_share(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    buttons = [
        kb.button(texts.t("safety.counsel.share_yes"), bt.CounselShare(1)),
        kb.button(texts.t("safety.counsel.share_no"), bt.CounselShare(0)),
    ]
    await reply(update, texts.t("safety.counsel.ask_share"), kb.grid(buttons, 1))
    return SHARE


async def share_chosen(update: Update, context: BotContext) -> int:
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    shared = bt.CounselShare.of(update).shared == 1
    draft = context.draft.get(DRAFT) or {}
    if not {"child_id", "date", "topic", "notes"} <= draft.keys():
        await reply(update, texts.t("flow.stale_button"))
        return end_flow(context, DRAFT)
    try:
        await counsel_service.record_session(
            context.services, actor, int(draft["child_id"]),
            session_date=date.fromisoformat(draft["date"]),
            topic=draft["topic"], notes=draft["notes"], followup=draft.get("followup"),
            shared=shared,
        )  # fmt: skip
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=ONLY)
        return end_flow(context, DRAFT)
    end_saved(update, context, DRAFT)
    await reply(update, texts.t("safety.counsel.saved"))
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        name=FLOW,
        entry_points=[CallbackQueryHandler(new_session, pattern=bt.CounselNew.pattern)],
        states={
            DATE: [
                CallbackQueryHandler(_with_draft(date_today), pattern=bt.CounselToday.pattern),
                MessageHandler(text, _with_draft(date_typed)),
            ],
            TOPIC: [MessageHandler(text, _with_draft(topic_typed))],
            NOTES: [MessageHandler(text, _with_draft(notes_typed))],
            FOLLOWUP: [
                CallbackQueryHandler(_with_draft(followup_skip), pattern=bt.CounselSkip.pattern),
                MessageHandler(text, _with_draft(followup_typed)),
            ],
            SHARE: [CallbackQueryHandler(share_chosen, pattern=bt.CounselShare.pattern)],
        },
        draft_keys=(DRAFT,),
        timeout_minutes=timeout_minutes,
    )


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    """The conversations (wired before every plain handler)."""
    return [build(timeout_minutes)]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("counsel", find),
        CallbackQueryHandler(view, pattern=bt.CounselView.pattern),
    ]
