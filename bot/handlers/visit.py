"""/visit: a home visit, a call with a parent or guardian, or a talk at school; then /followups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.care import VisitKind
from bot.domain.models import Child
from bot.domain.roles import Access, may_do
from bot.domain.validation import clean_text
from bot.handlers import care_picker as picker
from bot.handlers.common import TYPED, BotContext, answer, edit_or_reply, read_typed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow, Step, new_token
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import care as care_service
from bot.services.care import AlreadyDone, FollowupDraft, InvalidChange
from bot.texts import Raw, Texts

PICK, KIND, DATE, PARTICIPANTS, NOTES, FOLLOWUP, ACTION, DUE, REVIEW = range(9)
ROUTES = Routes()
DUE_CHOICES = (3, 7, 14)
T = TypeVar("T")
FOLLOWUPS_PAGE = 8


@dataclass(kw_only=True)
class Visit(Draft):
    """A visit being written down: the child once picked (with the birth date no visit precedes), then each
    answer in turn (dates as ISO strings); `action` and `due` only with a follow-up."""

    token: str = field(default_factory=new_token)
    child_id: int | None = None
    child_name: str = ""
    birth: str = ""
    kind: str = ""
    date: str = ""
    participants: str = ""
    notes: str = ""
    action: str | None = None
    due: str | None = None


# Without its draft (the child's record was erased mid-flow, which scrubs it) the person is told the child is gone.
FLOW = Flow("visit", Visit, "visit_draft", gone="card.gone")


async def _chosen(update: Update, context: BotContext, texts: Texts, draft: Visit, child: Child) -> int:
    draft.child_id, draft.child_name, draft.birth = child.id, child.name, child.birth_date.isoformat()
    return await _ask_kind(update, texts, draft)


PICKER = picker.ChildPicker(FLOW, pick=bt.VisitPick, prompt_key="care.visit_pick", state=PICK, chosen=_chosen)


async def _ask_kind(update: Update, texts: Texts, draft: Visit) -> int:
    buttons = [kb.button(texts.t(f"care.kind.{k.value}"), bt.VisitKind(draft.nonce, k)) for k in VisitKind]
    await reply(update, texts.t("care.visit_ask_kind", name=draft.child_name), kb.grid(buttons, 1))
    return KIND


async def kind_chosen(update: Update, context: BotContext, draft: Visit, button: bt.VisitKind) -> int:
    texts = await context.texts(update)
    draft.kind = button.kind.value
    kind = texts.raw(f"care.kind.{draft.kind}")
    await edit_or_reply(update, texts.t("care.visit_kind_chosen", kind=kind, name=draft.child_name))
    nonce = draft.nonce
    buttons = [
        kb.button(texts.t("care.today"), bt.VisitDate(nonce, 0)),
        kb.button(texts.t("care.yesterday"), bt.VisitDate(nonce, 1)),
    ]
    await reply(update, texts.t("care.visit_ask_date"), kb.grid(buttons, 2))
    return DATE


async def _set_date(update: Update, texts: Texts, draft: Visit, day: date) -> int:
    if day < date.fromisoformat(draft.birth):
        await reply(update, texts.t("care.invalid_before_birth"))
        return DATE
    draft.date = day.isoformat()
    markup = kb.grid([kb.button(texts.t("button.skip"), bt.VisitSkip(draft.nonce))], 1)
    await reply(update, texts.t("care.visit_ask_participants"), markup)
    return PARTICIPANTS


async def date_button(update: Update, context: BotContext, draft: Visit, button: bt.VisitDate) -> int:
    texts = await context.texts(update)
    day = care_service.today(context.services) - timedelta(days=button.days_ago)
    return await _set_date(update, texts, draft, day)


Next = Callable[[Update, Texts, Visit, T], Awaitable[int]]


def _typed(state: int, parse: Callable[[BotContext, Visit, str], T], then: Next[T]) -> Step[Visit]:
    """A typed answer to the step `state`: a good one goes on to `then` (which stores it and asks the next
    question); a bad one is told why and the step stays."""

    async def step(update: Update, context: BotContext, draft: Visit) -> int:
        texts = await context.texts(update)
        value = await read_typed(update, texts, lambda text: parse(context, draft, text))
        return state if value is None else await then(update, texts, draft, value)

    return step


def _event_date(context: BotContext, draft: Visit, text: str) -> date:
    today = care_service.today(context.services)
    return rules.parse_event_date(text, today=today, birth=date.fromisoformat(draft.birth))


def _due_date(context: BotContext, draft: Visit, text: str) -> date:
    return rules.parse_due_date(text, today=care_service.today(context.services))


def _short(context: BotContext, draft: Visit, text: str) -> str:
    return clean_text(text, max_length=rules.SHORT_MAX)


def _note(context: BotContext, draft: Visit, text: str) -> str:
    return clean_text(text, max_length=rules.NOTE_MAX)


async def _participants_given(update: Update, texts: Texts, draft: Visit, participants: str) -> int:
    draft.participants = participants
    await reply(update, texts.t("care.visit_ask_notes"))
    return NOTES


async def participants_skipped(update: Update, context: BotContext, draft: Visit, button: bt.VisitSkip) -> int:
    texts = await context.texts(update)
    return await _participants_given(update, texts, draft, "")


async def _notes_given(update: Update, texts: Texts, draft: Visit, notes: str) -> int:
    draft.notes = notes
    return await _ask_followup(update, texts, draft)


async def _ask_followup(update: Update, texts: Texts, draft: Visit) -> int:
    nonce = draft.nonce
    markup = InlineKeyboardMarkup(
        [
            [kb.button(texts.t("care.followup_add"), bt.VisitFollowup(nonce, "y"))],
            [kb.button(texts.t("care.followup_none"), bt.VisitFollowup(nonce, "n"))],
        ]
    )
    await reply(update, texts.t("care.visit_ask_followup"), markup)
    return FOLLOWUP


async def followup_chosen(update: Update, context: BotContext, draft: Visit, button: bt.VisitFollowup) -> int:
    texts = await context.texts(update)
    if button.answer == "n":
        draft.action = draft.due = None
        return await _review(update, texts, draft)
    await reply(update, texts.t("care.visit_ask_action"))
    return ACTION


async def _action_given(update: Update, texts: Texts, draft: Visit, action: str) -> int:
    draft.action = action
    buttons = [kb.button(texts.t("care.due_in", days=d), bt.VisitDue(draft.nonce, d)) for d in DUE_CHOICES]
    await reply(update, texts.t("care.visit_ask_due"), kb.grid(buttons, 3))
    return DUE


async def _due_given(update: Update, texts: Texts, draft: Visit, day: date) -> int:
    draft.due = day.isoformat()
    return await _review(update, texts, draft)


def _offered_due(draft: Visit, button: bt.VisitDue) -> str | None:
    return None if button.days in DUE_CHOICES else STALE


async def due_button(update: Update, context: BotContext, draft: Visit, button: bt.VisitDue) -> int:
    texts = await context.texts(update)
    return await _due_given(update, texts, draft, care_service.today(context.services) + timedelta(days=button.days))


async def _review(update: Update, texts: Texts, draft: Visit) -> int:
    followup = ""
    if draft.action:
        followup = texts.t("care.visit_review_followup", action=draft.action, due=draft.due)
    text = texts.t(
        "care.visit_review",
        kind=texts.t(f"care.kind.{draft.kind}"),
        name=draft.child_name,
        date=draft.date,
        participants=draft.participants or texts.t("care.none"),
        notes=draft.notes,
        followup=Raw(followup),
    )
    markup = kb.grid([kb.button(texts.t("button.confirm"), bt.VisitSave(draft.nonce))], 1)
    await reply(update, text, markup)
    return REVIEW


async def save(update: Update, context: BotContext, draft: Visit, button: bt.VisitSave) -> int:
    """Saves once: the draft is taken first, and the flow token makes a repeated save a no-op."""
    texts = await context.texts(update)
    FLOW.take(context)
    assert draft.child_id is not None
    actor = await context.actor(update)
    followup = FollowupDraft(draft.action, date.fromisoformat(draft.due)) if draft.action and draft.due else None
    try:
        visit_id = await care_service.save_visit(
            context.services,
            actor,
            draft.child_id,
            kind=VisitKind(draft.kind),
            visit_date=date.fromisoformat(draft.date),
            participants=draft.participants,
            notes=draft.notes,
            followup=followup,
            flow_token=draft.token,
        )
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    if not await FLOW.saved_once(update, context, new=visit_id is not None):
        return ConversationHandler.END
    text = texts.t("care.visit_saved", name=draft.child_name, kind=texts.t(f"care.kind.{draft.kind}"))
    if followup is not None:
        text += "\n" + texts.t("care.visit_saved_followup")
    await edit_or_reply(update, text)
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    typed = "care.hint_visit_text"
    return FLOW.conversation(
        entry_points=[PICKER.command("visit", Visit)],
        states={
            PICK: PICKER.handlers(),
            KIND: [FLOW.on_button(bt.VisitKind, kind_chosen)],
            DATE: [
                FLOW.on_text(TYPED, _typed(DATE, _event_date, _set_date)),
                FLOW.on_button(bt.VisitDate, date_button),
            ],
            PARTICIPANTS: [
                FLOW.on_text(TYPED, _typed(PARTICIPANTS, _short, _participants_given)),
                FLOW.on_button(bt.VisitSkip, participants_skipped),
            ],
            NOTES: [FLOW.on_text(TYPED, _typed(NOTES, _note, _notes_given))],
            FOLLOWUP: [FLOW.on_button(bt.VisitFollowup, followup_chosen)],
            ACTION: [FLOW.on_text(TYPED, _typed(ACTION, _short, _action_given))],
            DUE: [
                FLOW.on_text(TYPED, _typed(DUE, _due_date, _due_given)),
                FLOW.on_button(bt.VisitDue, due_button, check=_offered_due),
            ],
            REVIEW: [FLOW.on_button(bt.VisitSave, save)],
        },
        timeout_minutes=timeout_minutes,
        hint={
            PICK: FLOW.hint_saying("care.hint_pick"),
            KIND: FLOW.hint_saying("flow.hint_buttons", _ask_kind),
            DATE: FLOW.hint_saying(typed),
            PARTICIPANTS: FLOW.hint_saying(typed),
            NOTES: FLOW.hint_saying(typed),
            FOLLOWUP: FLOW.hint_saying("flow.hint_buttons", _ask_followup),
            ACTION: FLOW.hint_saying(typed),
            DUE: FLOW.hint_saying(typed),
            REVIEW: FLOW.hint_saying("flow.hint_buttons", _review),
        },
    )


# --- /followups --------------------------------------------------------------------------------------------


@ROUTES.pages(bt.FollowupPage, command="followups")
async def _followups_page(update: Update, context: BotContext, texts: Texts, page: int) -> None:
    actor = await context.actor(update)
    if not may_do(actor, Access.LOG_CARE):
        await reply(update, texts.t("access.denied"))
        return
    items, total = await care_service.my_followups(
        context.services, actor, limit=FOLLOWUPS_PAGE, offset=page * FOLLOWUPS_PAGE
    )
    if total == 0:
        await edit_or_reply(update, texts.t("care.followups_none"))
        return
    today = care_service.today(context.services)
    lines = [texts.t("care.followups_header", total=total)]
    buttons = []
    for number, item in enumerate(items, start=page * FOLLOWUPS_PAGE + 1):
        mark = texts.t("care.followup_overdue_mark") if item.due_date < today else ""
        lines.append(
            f"{number}. "
            + texts.t(
                "care.followup_line", mark=mark, due=item.due_date.isoformat(), name=item.child_name, action=item.action
            )
        )
        buttons.append(kb.button(texts.t("care.followup_done_button", number=number), bt.FollowupDone(item.id)))
    pages = (total + FOLLOWUPS_PAGE - 1) // FOLLOWUPS_PAGE
    if pages > 1:
        lines.append(texts.t("page.indicator", page=page + 1, pages=pages))
    markup = kb.grid(buttons, 2, kb.pager(texts, bt.FollowupPage, page, pages))
    await edit_or_reply(update, "\n".join(lines), markup)


@ROUTES.button(bt.FollowupDone)
async def followup_done(update: Update, context: BotContext) -> None:
    """Marks a follow-up done (its owner or an admin; the id is re-checked)."""
    await answer(update)
    texts, actor = await context.caller(update)
    try:
        item = await care_service.complete_followup(context.services, actor, bt.FollowupDone.of(update).followup)
    except (AccessDenied, NotFound, AlreadyDone) as problem:
        await refuse(update, texts, problem, gone="care.record_gone")
        return
    await reply(update, texts.t("care.followup_done", action=item.action))
    await _followups_page(update, context, texts, 0)


handlers = ROUTES.handlers
