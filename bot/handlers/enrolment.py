"""Enrolment status from the card: history shown, then transferred / graduated / dropped out / re-enrolled,
with a date and a reason. Events are appended, never overwritten."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.care import Enrolment
from bot.domain.validation import clean_text
from bot.handlers.common import TYPED, BotContext, answer, edit_or_reply, fetch_one, read_typed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow, new_token
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import care as care_service
from bot.services.care import InvalidChange
from bot.texts import Raw, Texts

DATE, REASON, REVIEW = range(20, 23)


ROUTES = Routes()


@ROUTES.button(bt.EnrolView)
async def view(update: Update, context: BotContext) -> None:
    """en:v:<child>: the current status, the history, and the changes allowed now."""
    fetched = await fetch_one(update, context, care_service.enrolment, bt.EnrolView.of(update).child)
    if fetched is None:
        return
    texts, (child, history) = fetched
    current = care_service.current_status(history)
    lines = []
    for event in history:
        reason = texts.t("care.enrol_reason", reason=event.reason) if event.reason else ""
        lines.append(
            texts.t(
                "care.enrol_line",
                date=event.effective_date.isoformat(),
                status=texts.raw(f"care.enrol_status.{event.status}"),
                reason=Raw(reason),
            )
        )
    buttons = [
        kb.button(texts.t(f"care.enrol_to.{s.value}"), bt.EnrolStart(child.id, s))
        for s in rules.enrolment_choices(current)
    ]
    text = texts.t(
        "care.enrol_view",
        name=child.name,
        status=texts.raw(f"care.enrol_status.{current.value}"),
        history=Raw("\n".join(lines)),
    )
    await reply(update, text, kb.grid(buttons, 3))


@dataclass(kw_only=True)
class EnrolDraft(Draft):
    """A change of enrolment status under way: the child and the status chosen on the card, the earliest date it
    may take (the last event's, or the birth date), then the date and the reason given."""

    token: str = field(default_factory=new_token)
    child_id: int
    child_name: str
    status: str
    birth: str
    last: str
    date: str | None = None
    reason: str | None = None


# The child's record erased mid-flow scrubs the draft: the flow then says the card is gone.
FLOW = Flow("enrol", EnrolDraft, "enrol_draft", gone="card.gone")


async def start(update: Update, context: BotContext) -> int:
    """en:s:<child>:<status>: begin a change (re-checked against the current status)."""
    await answer(update)
    texts, actor = await context.caller(update)
    pressed = bt.EnrolStart.of(update)
    child_id, status = pressed.child, pressed.status
    try:
        child, history = await care_service.enrolment(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return ConversationHandler.END
    if status not in rules.enrolment_choices(care_service.current_status(history)):
        await reply(update, texts.t("care.enrol_not_allowed"))
        return ConversationHandler.END
    last = history[-1].effective_date.isoformat() if history else child.birth_date.isoformat()
    draft = EnrolDraft(
        child_id=child.id, child_name=child.name, status=status.value, birth=child.birth_date.isoformat(), last=last
    )
    if not await FLOW.begin(update, context, draft):
        return ConversationHandler.END
    status_text = texts.raw(f"care.enrol_status.{status.value}")
    markup = kb.grid([kb.button(texts.t("care.today"), bt.EnrolAction("dt", draft.nonce))], 1)
    await reply(update, texts.t("care.enrol_ask_date", name=child.name, status=status_text), markup)
    return DATE


async def _set_date(update: Update, texts: Texts, draft: EnrolDraft, day: date) -> int:
    if day < date.fromisoformat(draft.last):
        await reply(update, texts.t("care.enrol_before_last"))
        return DATE
    draft.date = day.isoformat()
    markup = kb.grid([kb.button(texts.t("button.skip"), bt.EnrolAction("sk", draft.nonce))], 1)
    await reply(update, texts.t("care.enrol_ask_reason"), markup)
    return REASON


async def date_typed(update: Update, context: BotContext, draft: EnrolDraft) -> int:
    texts = await context.texts(update)
    today, birth = care_service.today(context.services), date.fromisoformat(draft.birth)
    day = await read_typed(update, texts, lambda text: rules.parse_event_date(text, today=today, birth=birth))
    return DATE if day is None else await _set_date(update, texts, draft, day)


async def today_pressed(update: Update, context: BotContext, draft: EnrolDraft, button: bt.EnrolAction) -> int:
    texts = await context.texts(update)
    return await _set_date(update, texts, draft, care_service.today(context.services))


async def reason_typed(update: Update, context: BotContext, draft: EnrolDraft) -> int:
    texts = await context.texts(update)
    reason = await read_typed(update, texts, lambda text: clean_text(text, max_length=rules.SHORT_MAX))
    if reason is None:
        return REASON
    draft.reason = reason
    return await _review(update, texts, draft)


async def reason_skipped(update: Update, context: BotContext, draft: EnrolDraft, button: bt.EnrolAction) -> int:
    draft.reason = None
    return await _review(update, await context.texts(update), draft)


async def _review(update: Update, texts: Texts, draft: EnrolDraft) -> int:
    reason = texts.t("care.enrol_reason", reason=draft.reason) if draft.reason else ""
    text = texts.t(
        "care.enrol_review",
        name=draft.child_name,
        date=draft.date,
        status=texts.raw(f"care.enrol_status.{draft.status}"),
        reason=Raw(reason),
    )
    markup = InlineKeyboardMarkup([[kb.button(texts.t("button.confirm"), bt.EnrolAction("ok", draft.nonce))]])
    await reply(update, text, markup)
    return REVIEW


async def save(update: Update, context: BotContext, draft: EnrolDraft, button: bt.EnrolAction) -> int:
    texts = await context.texts(update)
    FLOW.take(context)  # taken first: a second press cannot save it again
    if draft.date is None:  # a review is reached only with a date; a draft without one cannot be saved
        return await FLOW.cleared(update, context)
    actor = await context.actor(update)
    try:
        event_id = await care_service.record_enrolment(
            context.services,
            actor,
            draft.child_id,
            Enrolment(draft.status),
            effective=date.fromisoformat(draft.date),
            reason=draft.reason,
            flow_token=draft.token,
        )
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return FLOW.end(context)
    if not await FLOW.saved_once(update, context, new=event_id is not None):
        return ConversationHandler.END
    status = texts.raw(f"care.enrol_status.{draft.status}")
    await edit_or_reply(update, texts.t("care.enrol_saved", name=draft.child_name, status=status))
    return ConversationHandler.END


def _verb(verb: str) -> Callable[[EnrolDraft, bt.EnrolAction], str | None]:
    """A step takes only its own button: "today" after the date was given is stale."""
    return lambda draft, button: None if button.action == verb else STALE


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return FLOW.conversation(
        entry_points=[CallbackQueryHandler(start, pattern=bt.EnrolStart.pattern)],
        states={
            DATE: [FLOW.on_text(TYPED, date_typed), FLOW.on_button(bt.EnrolAction, today_pressed, check=_verb("dt"))],
            REASON: [
                FLOW.on_text(TYPED, reason_typed),
                FLOW.on_button(bt.EnrolAction, reason_skipped, check=_verb("sk")),
            ],
            REVIEW: [FLOW.on_button(bt.EnrolAction, save, check=_verb("ok"))],
        },
        timeout_minutes=timeout_minutes,
        hint_key="care.hint_any",
    )


handlers = ROUTES.handlers
