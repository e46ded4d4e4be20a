"""/visit: a home visit, a call with a parent or guardian, or a talk at school; then /followups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.care import VisitKind
from bot.domain.models import Child
from bot.domain.roles import Access, may_do
from bot.domain.validation import clean_text
from bot.handlers import care_picker as picker
from bot.handlers.common import (
    BotContext,
    answer,
    conversation,
    edit_or_reply,
    end_flow,
    end_saved,
    read_typed,
    refuse,
    reply,
    show_page,
)
from bot.services import AccessDenied, NotFound
from bot.services import care as care_service
from bot.services.care import AlreadyDone, FollowupDraft, InvalidChange
from bot.texts import Raw, Texts

PICK, KIND, DATE, PARTICIPANTS, NOTES, FOLLOWUP, ACTION, DUE, REVIEW = range(9)
FLOW = "visit"
DRAFT = "visit_draft"
DUE_CHOICES = (3, 7, 14)
T = TypeVar("T")
FOLLOWUPS_PAGE = 8


def _draft(context: BotContext) -> dict[str, Any] | None:
    draft: dict[str, Any] | None = context.draft.get(DRAFT)
    return draft


async def _pressed(
    update: Update, context: BotContext, nonce: str, stage: str, *, valid: bool = True
) -> dict[str, Any] | None:
    """The draft, if the button (with `nonce`) belongs to this visit and to its current step (else a stale alert and
    None)."""
    return await picker.pressed(update, context, DRAFT, nonce, stage=stage, valid=valid)


async def start(update: Update, context: BotContext) -> int:
    draft = {"nonce": picker.new_nonce(), "token": picker.new_token(), "stage": "pick"}
    return await picker.start_care_flow(
        update,
        context,
        flow=FLOW,
        draft_key=DRAFT,
        draft=draft,
        pick=bt.VisitPick,
        prompt_key="care.visit_pick",
        state=PICK,
        chosen=_chosen,
    )


async def typed_name(update: Update, context: BotContext) -> int:
    return await picker.typed_name(
        update, context, draft_key=DRAFT, pick=bt.VisitPick, finder=picker.find_for_care, state=PICK, chosen=_chosen
    )


async def picked(update: Update, context: BotContext) -> int:
    return await picker.picked_for_care(
        update, context, draft_key=DRAFT, pick=bt.VisitPick, stage="pick", state=PICK, chosen=_chosen
    )


async def _chosen(update: Update, context: BotContext, texts: Texts, child: Child) -> int:
    draft = _draft(context)
    assert draft is not None
    draft.update(child_id=child.id, child_name=child.name, birth=child.birth_date.isoformat(), stage="kind")
    return await _ask_kind(update, texts, draft)


async def _ask_kind(update: Update, texts: Texts, draft: dict[str, Any]) -> int:
    buttons = [kb.button(texts.t(f"care.kind.{k.value}"), bt.VisitKind(draft["nonce"], k)) for k in VisitKind]
    await reply(update, texts.t("care.visit_ask_kind", name=draft["child_name"]), kb.grid(buttons, 1))
    return KIND


async def kind_chosen(update: Update, context: BotContext) -> int:
    button = bt.VisitKind.of(update)
    draft = await _pressed(update, context, button.nonce, "kind")
    if draft is None:
        return KIND
    texts = await context.texts(update)
    draft["kind"] = button.kind.value
    kind = texts.raw(f"care.kind.{draft['kind']}")
    await edit_or_reply(update, texts.t("care.visit_kind_chosen", kind=kind, name=draft["child_name"]))
    return await _ask_date(update, texts, draft)


async def _ask_date(update: Update, texts: Texts, draft: dict[str, Any]) -> int:
    draft["stage"] = "date"
    nonce = draft["nonce"]
    buttons = [
        kb.button(texts.t("care.today"), bt.VisitDate(nonce, 0)),
        kb.button(texts.t("care.yesterday"), bt.VisitDate(nonce, 1)),
    ]
    await reply(update, texts.t("care.visit_ask_date"), kb.grid(buttons, 2))
    return DATE


async def _set_date(update: Update, texts: Texts, draft: dict[str, Any], day: date) -> int:
    if day < date.fromisoformat(draft["birth"]):
        await reply(update, texts.t("care.invalid_before_birth"))
        return DATE
    draft["date"] = day.isoformat()
    draft["stage"] = "participants"
    markup = kb.grid([kb.button(texts.t("button.skip"), bt.VisitSkip(draft["nonce"]))], 1)
    await reply(update, texts.t("care.visit_ask_participants"), markup)
    return PARTICIPANTS


async def date_button(update: Update, context: BotContext) -> int:
    button = bt.VisitDate.of(update)
    draft = await _pressed(update, context, button.nonce, "date")
    if draft is None:
        return DATE
    texts = await context.texts(update)
    day = care_service.today(context.services) - timedelta(days=button.days_ago)
    return await _set_date(update, texts, draft, day)


Next = Callable[[Update, Texts, dict[str, Any], T], Awaitable[int]]


async def _typed(update: Update, context: BotContext, state: int, parse: Callable[[str], T], then: Next[T]) -> int:
    """A typed answer to this step: a good one goes on to `then` (which stores it and asks the next question);
    a bad one is told why and the step stays. Without a draft (the child's record was erased mid-flow, which
    scrubs it) the person is told and the flow ends."""
    texts = await context.texts(update)
    draft = _draft(context)
    if draft is None:
        await reply(update, texts.t("card.gone"))
        return end_flow(context, DRAFT)
    value = await read_typed(update, texts, parse)
    return state if value is None else await then(update, texts, draft, value)


async def date_typed(update: Update, context: BotContext) -> int:
    today = care_service.today(context.services)

    def parse(text: str) -> date:
        draft = _draft(context)
        assert draft is not None
        return rules.parse_event_date(text, today=today, birth=date.fromisoformat(draft["birth"]))

    return await _typed(update, context, DATE, parse, _set_date)


def _short(text: str) -> str:
    return clean_text(text, max_length=rules.SHORT_MAX)


def _note(text: str) -> str:
    return clean_text(text, max_length=rules.NOTE_MAX)


async def _ask_notes(update: Update, texts: Texts, draft: dict[str, Any]) -> int:
    draft["stage"] = "notes"
    await reply(update, texts.t("care.visit_ask_notes"))
    return NOTES


async def _participants_given(update: Update, texts: Texts, draft: dict[str, Any], participants: str) -> int:
    draft["participants"] = participants
    return await _ask_notes(update, texts, draft)


async def participants_typed(update: Update, context: BotContext) -> int:
    return await _typed(update, context, PARTICIPANTS, _short, _participants_given)


async def participants_skipped(update: Update, context: BotContext) -> int:
    draft = await _pressed(update, context, bt.VisitSkip.of(update).nonce, "participants")
    if draft is None:
        return PARTICIPANTS
    texts = await context.texts(update)
    return await _participants_given(update, texts, draft, "")


async def _notes_given(update: Update, texts: Texts, draft: dict[str, Any], notes: str) -> int:
    draft["notes"] = notes
    return await _ask_followup(update, texts, draft)


async def _ask_followup(update: Update, texts: Texts, draft: dict[str, Any]) -> int:
    draft["stage"] = "followup"
    nonce = draft["nonce"]
    markup = InlineKeyboardMarkup(
        [
            [kb.button(texts.t("care.followup_add"), bt.VisitFollowup(nonce, "y"))],
            [kb.button(texts.t("care.followup_none"), bt.VisitFollowup(nonce, "n"))],
        ]
    )
    await reply(update, texts.t("care.visit_ask_followup"), markup)
    return FOLLOWUP


async def notes_typed(update: Update, context: BotContext) -> int:
    return await _typed(update, context, NOTES, _note, _notes_given)


async def followup_chosen(update: Update, context: BotContext) -> int:
    button = bt.VisitFollowup.of(update)
    draft = await _pressed(update, context, button.nonce, "followup")
    if draft is None:
        return FOLLOWUP
    texts = await context.texts(update)
    if button.answer == "n":
        draft.pop("action", None)
        draft.pop("due", None)
        return await _review(update, texts, draft)
    draft["stage"] = "action"
    await reply(update, texts.t("care.visit_ask_action"))
    return ACTION


async def _action_given(update: Update, texts: Texts, draft: dict[str, Any], action: str) -> int:
    draft["action"] = action
    draft["stage"] = "due"
    buttons = [kb.button(texts.t("care.due_in", days=d), bt.VisitDue(draft["nonce"], d)) for d in DUE_CHOICES]
    await reply(update, texts.t("care.visit_ask_due"), kb.grid(buttons, 3))
    return DUE


async def action_typed(update: Update, context: BotContext) -> int:
    return await _typed(update, context, ACTION, _short, _action_given)


async def _due_given(update: Update, texts: Texts, draft: dict[str, Any], day: date) -> int:
    draft["due"] = day.isoformat()
    return await _review(update, texts, draft)


async def due_button(update: Update, context: BotContext) -> int:
    button = bt.VisitDue.of(update)
    days = button.days
    draft = await _pressed(update, context, button.nonce, "due", valid=days in DUE_CHOICES)
    if draft is None:
        return DUE
    texts = await context.texts(update)
    return await _due_given(update, texts, draft, care_service.today(context.services) + timedelta(days=days))


async def due_typed(update: Update, context: BotContext) -> int:
    today = care_service.today(context.services)
    return await _typed(update, context, DUE, lambda text: rules.parse_due_date(text, today=today), _due_given)


async def _review(update: Update, texts: Texts, draft: dict[str, Any]) -> int:
    draft["stage"] = "review"
    followup = ""
    if draft.get("action"):
        followup = texts.t("care.visit_review_followup", action=draft["action"], due=draft["due"])
    text = texts.t(
        "care.visit_review",
        kind=texts.t(f"care.kind.{draft['kind']}"),
        name=draft["child_name"],
        date=draft["date"],
        participants=draft.get("participants") or texts.t("care.none"),
        notes=draft["notes"],
        followup=Raw(followup),
    )
    markup = kb.grid([kb.button(texts.t("button.confirm"), bt.VisitSave(draft["nonce"]))], 1)
    await reply(update, text, markup)
    return REVIEW


async def save(update: Update, context: BotContext) -> int:
    """Saves once: the draft is taken first, and the flow token makes a repeated save a no-op."""
    if await _pressed(update, context, bt.VisitSave.of(update).nonce, "review") is None:
        return REVIEW
    texts = await context.texts(update)
    draft = context.draft.pop(DRAFT)
    actor = await context.actor(update)
    followup = FollowupDraft(draft["action"], date.fromisoformat(draft["due"])) if draft.get("action") else None
    try:
        visit_id = await care_service.save_visit(
            context.services,
            actor,
            int(draft["child_id"]),
            kind=VisitKind(draft["kind"]),
            visit_date=date.fromisoformat(draft["date"]),
            participants=draft.get("participants") or "",
            notes=draft["notes"],
            followup=followup,
            flow_token=draft["token"],
        )
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return end_flow(context, DRAFT)
    end_saved(update, context, DRAFT)
    if visit_id is None:
        await reply(update, texts.t("care.already_saved"))
        return ConversationHandler.END
    text = texts.t("care.visit_saved", name=draft["child_name"], kind=texts.t(f"care.kind.{draft['kind']}"))
    if followup is not None:
        text += "\n" + texts.t("care.visit_saved_followup")
    await edit_or_reply(update, text)
    return ConversationHandler.END


async def hint(update: Update, context: BotContext) -> None:
    """Stray input: say what this step needs."""
    await answer(update)
    texts = await context.texts(update)
    message = update.effective_message
    if message is not None and message.text and message.text.startswith("/"):
        await reply(update, texts.t("flow.command_in_flow", flow=texts.t("flow.name.visit")))
        return
    draft = _draft(context) or {}
    stage = draft.get("stage")
    if stage == "pick":
        await reply(update, texts.t("care.hint_pick"))
    elif stage in ("date", "participants", "notes", "action", "due"):
        await reply(update, texts.t("care.hint_visit_text"))
    else:
        await reply(update, texts.t("flow.hint_buttons"))
    # A step answered only by its buttons is asked again, buttons included: they may be gone (the bot was stopped
    # between editing the kind into place and sending the next question) or far up the chat.
    ask_again = {"kind": _ask_kind, "followup": _ask_followup, "review": _review}
    if stage in ask_again and "child_name" in draft:
        await ask_again[stage](update, texts, draft)


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        name=FLOW,
        entry_points=[CommandHandler("visit", start)],
        states={
            PICK: [MessageHandler(text, typed_name), CallbackQueryHandler(picked, pattern=bt.VisitPick.pattern)],
            KIND: [CallbackQueryHandler(kind_chosen, pattern=bt.VisitKind.pattern)],
            DATE: [MessageHandler(text, date_typed), CallbackQueryHandler(date_button, pattern=bt.VisitDate.pattern)],
            PARTICIPANTS: [
                MessageHandler(text, participants_typed),
                CallbackQueryHandler(participants_skipped, pattern=bt.VisitSkip.pattern),
            ],
            NOTES: [MessageHandler(text, notes_typed)],
            FOLLOWUP: [CallbackQueryHandler(followup_chosen, pattern=bt.VisitFollowup.pattern)],
            ACTION: [MessageHandler(text, action_typed)],
            DUE: [MessageHandler(text, due_typed), CallbackQueryHandler(due_button, pattern=bt.VisitDue.pattern)],
            REVIEW: [CallbackQueryHandler(save, pattern=bt.VisitSave.pattern)],
        },
        draft_keys=(DRAFT,),
        timeout_minutes=timeout_minutes,
        hint=hint,
    )


# --- /followups --------------------------------------------------------------------------------------------


async def followups(update: Update, context: BotContext) -> None:
    """/followups, and its page buttons (fu:pg:<n>)."""
    await show_page(update, context, _followups_page, bt.FollowupPage)


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


async def followup_done(update: Update, context: BotContext) -> None:
    """Marks a follow-up done (its owner or an admin; the id is re-checked)."""
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        item = await care_service.complete_followup(context.services, actor, bt.FollowupDone.of(update).followup)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="care.record_gone")
        return
    except AlreadyDone:
        await reply(update, texts.t("care.followup_already_done"))
        return
    await reply(update, texts.t("care.followup_done", action=item.action))
    await _followups_page(update, context, texts, 0)


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("followups", followups),
        CallbackQueryHandler(followups, pattern=bt.FollowupPage.pattern),
        CallbackQueryHandler(followup_done, pattern=bt.FollowupDone.pattern),
    ]
