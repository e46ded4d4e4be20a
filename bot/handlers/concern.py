"""/concern: any staff member reports a safety concern in under a minute; admins acknowledge, assign, close."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, may_do, reaches_every_child
from bot.domain.safety import (
    MAX_DESCRIPTION,
    OFFERED_KINDS,
    POLICE_KINDS,
    ConcernKind,
)
from bot.domain.validation import clean_text, parse_date
from bot.handlers import concern_outcomes
from bot.handlers.common import (
    BotContext,
    answer,
    begin_flow,
    command_args,
    conversation,
    end_flow,
    end_saved,
    enter_flow,
    read_typed,
    refuse,
    reply,
)
from bot.services import AccessDenied, NotFound
from bot.services import alerts as alerts_service
from bot.services import care as care_service
from bot.services import children as children_service
from bot.services import concerns as concern_service
from bot.services import registry as registry_service
from bot.texts import Texts

FLOW = "concern"
DRAFT = "concern_draft"
PICK, KIND, WHAT, WHEN = range(4)
PICK_LIMIT = 8
EARLIEST_DAYS = 366


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


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    """The conversations (wired before every plain handler): reporting here, closing and the police's feedback in
    concern_outcomes."""
    return [build(timeout_minutes), *concern_outcomes.conversations(timeout_minutes)]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return concern_outcomes.handlers()
