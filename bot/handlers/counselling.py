"""/counsel: counsellors record sessions (date, topic, notes, follow-up) and read them; nobody else can."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, may_do
from bot.domain.validation import parse_date
from bot.handlers.common import TYPED, BotContext, answer, clip_html, command_args, read_typed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow, text_up_to
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import counselling as counsel_service
from bot.services import registry as registry_service
from bot.texts import Texts

DATE, TOPIC, NOTES, FOLLOWUP, SHARE = range(5)
ROUTES = Routes()
SHOWN_SESSIONS = 10
ONLY = "safety.counsel.only"


@ROUTES.command("counsel")
async def find(update: Update, context: BotContext) -> None:
    """/counsel <name>: the child's counselling records (counsellors only)."""
    texts, actor = await context.caller(update)
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


@ROUTES.button(bt.CounselView)
async def view(update: Update, context: BotContext) -> None:
    texts, actor = await context.caller(update)
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


@dataclass(kw_only=True)
class CounselDraft(Draft):
    """A session being recorded: the child, then the date, topic, notes and follow-up as they are given."""

    child_id: int
    date: str | None = None
    topic: str | None = None
    notes: str | None = None
    followup: str | None = None


# The child's record erased mid-flow scrubs the draft: the flow then says the card is gone.
FLOW = Flow("counsel", CounselDraft, "counsel_draft", gone="card.gone")


async def new_session(update: Update, context: BotContext) -> int:
    texts, actor = await context.caller(update)
    child_id = bt.CounselNew.of(update).child
    try:
        child = await counsel_service.child_for_session(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=ONLY, alert=True)
        return ConversationHandler.END
    await answer(update)
    if not await FLOW.begin(update, context, CounselDraft(child_id=child_id)):
        return ConversationHandler.END
    today_button = kb.button(texts.t("safety.when.today"), bt.CounselToday())
    await reply(update, texts.t("safety.counsel.ask_date", name=child.name), kb.grid([today_button], 1))
    return DATE


async def date_today(update: Update, context: BotContext, draft: CounselDraft, button: bt.CounselToday) -> int:
    return await _set_date(update, context, draft, registry_service.local_today(context.services))


async def date_typed(update: Update, context: BotContext, draft: CounselDraft) -> int:
    texts = await context.texts(update)
    today = registry_service.local_today(context.services)
    earliest = today - timedelta(days=366)
    when = await read_typed(update, texts, lambda text: parse_date(text, today=today, earliest=earliest))
    return DATE if when is None else await _set_date(update, context, draft, when)


async def _set_date(update: Update, context: BotContext, draft: CounselDraft, day: date) -> int:
    texts = await context.texts(update)
    draft.date = day.isoformat()
    await reply(update, texts.t("safety.counsel.ask_topic"))
    return TOPIC


async def topic_typed(update: Update, context: BotContext, texts: Texts, draft: CounselDraft, topic: str) -> int:
    draft.topic = topic
    await reply(update, texts.t("safety.counsel.ask_notes"))
    return NOTES


async def notes_typed(update: Update, context: BotContext, texts: Texts, draft: CounselDraft, notes: str) -> int:
    draft.notes = notes
    await reply(
        update,
        texts.t("safety.counsel.ask_followup"),
        kb.grid([kb.button(texts.t("safety.skip"), bt.CounselSkip())], 1),
    )
    return FOLLOWUP


async def followup_typed(update: Update, context: BotContext, texts: Texts, draft: CounselDraft, followup: str) -> int:
    draft.followup = followup
    return await _ask_share(update, context)


async def followup_skip(update: Update, context: BotContext, draft: CounselDraft, button: bt.CounselSkip) -> int:
    draft.followup = None
    return await _ask_share(update, context)


async def _ask_share(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    buttons = [
        kb.button(texts.t("safety.counsel.share_yes"), bt.CounselShare(1)),
        kb.button(texts.t("safety.counsel.share_no"), bt.CounselShare(0)),
    ]
    await reply(update, texts.t("safety.counsel.ask_share"), kb.grid(buttons, 1))
    return SHARE


async def share_chosen(update: Update, context: BotContext, draft: CounselDraft, button: bt.CounselShare) -> int:
    texts, actor = await context.caller(update)
    FLOW.take(context)  # taken first: a second press cannot save it again
    if draft.date is None or draft.topic is None or draft.notes is None:
        await reply(update, texts.t(STALE))
        return FLOW.end(context)
    try:
        await counsel_service.record_session(
            context.services, actor, draft.child_id,
            session_date=date.fromisoformat(draft.date),
            topic=draft.topic, notes=draft.notes, followup=draft.followup,
            shared=button.shared == 1,
        )  # fmt: skip
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=ONLY)
        return FLOW.end(context)
    FLOW.saved(update, context)
    await reply(update, texts.t("safety.counsel.saved"))
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return FLOW.conversation(
        entry_points=[CallbackQueryHandler(new_session, pattern=bt.CounselNew.pattern)],
        states={
            DATE: [FLOW.on_button(bt.CounselToday, date_today), FLOW.on_text(TYPED, date_typed)],
            TOPIC: [FLOW.on_typed(TYPED, text_up_to(counsel_service.MAX_TOPIC), topic_typed)],
            NOTES: [FLOW.on_typed(TYPED, text_up_to(counsel_service.MAX_NOTES), notes_typed)],
            FOLLOWUP: [
                FLOW.on_button(bt.CounselSkip, followup_skip),
                FLOW.on_typed(TYPED, text_up_to(counsel_service.MAX_FOLLOWUP), followup_typed),
            ],
            SHARE: [FLOW.on_button(bt.CounselShare, share_chosen)],
        },
        timeout_minutes=timeout_minutes,
    )


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    """The conversations (wired before every plain handler)."""
    return [build(timeout_minutes)]


handlers = ROUTES.handlers
