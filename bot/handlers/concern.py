"""/concern: any staff member reports a safety concern in under a minute; admins acknowledge, assign, close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, may_do, reaches_every_child
from bot.domain.safety import MAX_DESCRIPTION, OFFERED_KINDS, POLICE_KINDS, ConcernKind
from bot.domain.validation import clean_text, parse_date
from bot.handlers import concern_outcomes
from bot.handlers.common import TYPED, BotContext, answer, command_args, read_typed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow
from bot.services import AccessDenied, NotFound
from bot.services import alerts as alerts_service
from bot.services import care as care_service
from bot.services import children as children_service
from bot.services import concerns as concern_service
from bot.services import registry as registry_service
from bot.texts import Texts

PICK, KIND, WHAT, WHEN = range(4)
PICK_LIMIT = 8
EARLIEST_DAYS = 366


@dataclass(kw_only=True)
class Report(Draft):
    """A concern being reported: the child once chosen (and the flagged check-in it came from), its kind, what
    happened."""

    child_id: int | None = None
    checkin_id: int | None = None
    kind: str | None = None
    what: str | None = None


FLOW = Flow("concern", Report, "concern_draft", gone="card.gone")


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
    texts, actor = await context.caller(update)
    draft = Report()
    if not await FLOW.begin(update, context, draft, allowed=may_do(actor, Access.REPORT_CONCERN)):
        return ConversationHandler.END
    query = command_args(context)
    if query:
        return await _search(update, context, texts, draft, query)
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
    draft = Report()
    if not await FLOW.begin(update, context, draft):
        return ConversationHandler.END
    return await _chosen(update, context, texts, draft, bt.ConcernFromCard.of(update).child)


async def from_checkin(update: Update, context: BotContext, draft: Report, button: bt.ConcernFromCheckin) -> int:
    """A flagged check-in's button: its child, and the check-in remembered on the concern."""
    texts = await context.texts(update)
    child_id = await children_service.child_of_checkin(context.services, button.checkin)
    if child_id is None:
        await reply(update, texts.t("card.gone"))
        return PICK
    draft.checkin_id = button.checkin
    return await _chosen(update, context, texts, draft, child_id)


async def _search(update: Update, context: BotContext, texts: Texts, draft: Report, query: str) -> int:
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
        return await _chosen(update, context, texts, draft, found[0][0])
    buttons = [kb.button(texts.t("child.button", name=n, class_label=c), bt.ConcernPick(i)) for i, n, c in found]
    more = texts.t("safety.concern.more", total=total) if total > len(found) else ""
    await reply(update, texts.t("safety.concern.pick") + more, kb.grid(buttons, 1))
    return PICK


async def typed_name(update: Update, context: BotContext, draft: Report) -> int:
    texts = await context.texts(update)
    assert update.message is not None and update.message.text is not None
    return await _search(update, context, texts, draft, update.message.text.strip()[:50])


async def picked(update: Update, context: BotContext, draft: Report, button: bt.ConcernPick) -> int:
    texts = await context.texts(update)
    return await _chosen(update, context, texts, draft, button.child)


async def _chosen(update: Update, context: BotContext, texts: Texts, draft: Report, child_id: int) -> int:
    actor = await context.actor(update)
    try:
        await concern_service.check_may_report(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    name = await children_service.child_name(context.services, child_id)
    draft.child_id = child_id
    FLOW.put(context, draft)
    buttons = [kb.button(texts.t(f"safety.kind.{k.value}"), bt.ConcernKind(k)) for k in OFFERED_KINDS]
    await reply(update, texts.t("safety.concern.ask_kind", name=name or ""), kb.grid(buttons, 1))
    return KIND


def _child_chosen(draft: Report, button: bt.ConcernKind) -> str | None:
    return None if draft.child_id is not None else STALE


async def kind_chosen(update: Update, context: BotContext, draft: Report, button: bt.ConcernKind) -> int:
    texts = await context.texts(update)
    draft.kind = button.kind.value
    await reply(update, texts.t("safety.concern.ask_what", limit=MAX_DESCRIPTION))
    return WHAT


async def what_typed(update: Update, context: BotContext, draft: Report) -> int:
    if draft.child_id is None:
        return await FLOW.cleared(update, context)
    texts = await context.texts(update)
    what = await read_typed(update, texts, lambda text: clean_text(text, max_length=MAX_DESCRIPTION))
    if what is None:
        return WHAT
    draft.what = what
    buttons = [
        kb.button(texts.t("safety.when.today"), bt.ConcernWhen(0)),
        kb.button(texts.t("safety.when.yesterday"), bt.ConcernWhen(1)),
    ]
    await reply(update, texts.t("safety.concern.ask_when"), kb.grid(buttons, 2))
    return WHEN


def _today(context: BotContext) -> date:
    return registry_service.local_today(context.services)


async def when_button(update: Update, context: BotContext, draft: Report, button: bt.ConcernWhen) -> int:
    return await _save(update, context, draft, _today(context) - timedelta(days=button.days_ago))


async def when_typed(update: Update, context: BotContext, draft: Report) -> int:
    texts = await context.texts(update)
    today = _today(context)
    earliest = today - timedelta(days=EARLIEST_DAYS)
    when = await read_typed(update, texts, lambda text: parse_date(text, today=today, earliest=earliest))
    return WHEN if when is None else await _save(update, context, draft, when)


async def _save(update: Update, context: BotContext, draft: Report, when: date) -> int:
    texts, actor = await context.caller(update)
    if draft.child_id is None or draft.kind is None or draft.what is None:
        await reply(update, texts.t("flow.stale_button"))
        return FLOW.end(context)
    kind = ConcernKind(draft.kind)
    try:
        concern_id, alerts = await concern_service.report(
            context.services, actor, draft.child_id, kind=kind, description=draft.what, occurred_on=when,
            checkin_id=draft.checkin_id,
        )  # fmt: skip
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    FLOW.saved(update, context)
    await alerts_service.queue(context.services, alerts)
    sent = texts.t("safety.concern.sent", id=concern_id, admins=len(alerts))
    if kind in POLICE_KINDS:  # the 2020 rules: report to the police at once
        sent += "\n\n" + texts.t("safety.concern.police_duty")
    await reply(update, sent)
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return FLOW.conversation(
        hint={
            PICK: FLOW.hint_saying("flow.hint_text"),
            KIND: FLOW.hint_saying("flow.hint_buttons"),
            WHAT: FLOW.hint_saying("flow.hint_text"),
            WHEN: FLOW.hint_saying("safety.concern.ask_when"),
        },
        entry_points=[
            CommandHandler("concern", start),
            CallbackQueryHandler(from_card, pattern=bt.ConcernFromCard.pattern),
        ],
        states={
            PICK: [
                FLOW.on_text(TYPED, typed_name),
                FLOW.on_button(bt.ConcernPick, picked),
                FLOW.on_button(bt.ConcernFromCheckin, from_checkin),
            ],
            KIND: [FLOW.on_button(bt.ConcernKind, kind_chosen, check=_child_chosen)],
            WHAT: [FLOW.on_text(TYPED, what_typed)],
            WHEN: [FLOW.on_button(bt.ConcernWhen, when_button), FLOW.on_text(TYPED, when_typed)],
        },
        timeout_minutes=timeout_minutes,
    )


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    """The conversations (wired before every plain handler): reporting here, closing and the police's feedback in
    concern_outcomes."""
    return [build(timeout_minutes), *concern_outcomes.conversations(timeout_minutes)]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return concern_outcomes.handlers()
