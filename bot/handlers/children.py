"""/child, the contact card and its edit conversation, and /mychildren."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.archive import FIELDS, FieldKind, parse_choice, parse_field, still_missing
from bot.domain.clock import age_on
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may_do, scope_for, tie, visible_fields
from bot.domain.validation import InvalidInput
from bot.handlers import safety_card, support_card, voice_letter
from bot.handlers.cards import child_card, child_values, designation_line, display_value
from bot.handlers.common import BotContext, answer, command_args, edit_or_reply, pressed, read_typed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow
from bot.handlers.routes import Routes
from bot.handlers.timeline import card_rows, care_line
from bot.services import AccessDenied, NotFound, designations, people
from bot.services import care as care_service
from bot.services import registry as registry_service
from bot.texts import Texts

ROUTES = Routes()
PAGE_SIZE = 8
QUERY_KEY = "child_query"
EDIT_VALUE = 0


@dataclass(kw_only=True)
class EditDraft(Draft):
    """A card edit under way: the child and the field (its index in FIELDS) whose new value is asked for."""

    child_id: int
    step: int


# The child's record erased mid-edit scrubs the draft: the flow then says the card is gone.
EDIT = Flow("edit", EditDraft, "edit_draft", gone="card.gone")


@ROUTES.command("child")
async def find(update: Update, context: BotContext) -> None:
    """/child <name>: the children the user may see whose name matches; one match opens the card."""
    texts, actor = await context.caller(update)
    query = command_args(context)
    if not query and not may_do(actor, Access.BROWSE_OWN):
        await reply(update, texts.t("child.ask_query"))
        return
    context.draft[QUERY_KEY] = query
    await _results(update, context, texts, page=0)


@ROUTES.button(bt.ChildPage)
async def page(update: Update, context: BotContext) -> None:
    await answer(update)
    texts = await context.texts(update)
    await _results(update, context, texts, page=bt.ChildPage.of(update).page)


async def _results(update: Update, context: BotContext, texts: Texts, *, page: int) -> None:
    actor = await context.actor(update)
    query = str(context.draft.get(QUERY_KEY, ""))
    found, total = await registry_service.search_children(
        context.services, actor, query, limit=PAGE_SIZE, offset=page * PAGE_SIZE
    )
    if total == 0:
        await reply(update, texts.t("child.none", query=query))
        return
    if total == 1 and page == 0:
        await _show_card(update, context, texts, found[0].id)
        return
    buttons = [kb.button(_result_label(texts, actor, c), bt.ChildView(c.id)) for c in found]
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    markup = kb.grid(buttons, 1, kb.pager(texts, bt.ChildPage, page, pages))
    header = texts.t("child.results", total=total)
    if pages > 1:
        header += "\n" + texts.t("page.indicator", page=page + 1, pages=pages)
    await edit_or_reply(update, header, markup)  # a page button edits the list; /child sends it


def _result_label(texts: Texts, actor: Actor, child: Child) -> str:
    """A search result's button: the name, and the class for those who may read it (a partner may not)."""
    if "class_id" in visible_fields(actor, child.scope):
        return texts.t("child.button", name=child.name, class_label=child.class_label)
    return child.name


@ROUTES.button(bt.ChildView)
async def view(update: Update, context: BotContext) -> None:
    """A child's button: re-check access (ids come from the client), then show the card."""
    await answer(update)
    texts = await context.texts(update)
    await _show_card(update, context, texts, bt.ChildView.of(update).child)


def card_keyboard(
    texts: Texts, child_id: int, *, can_edit: bool, extra: list[list[InlineKeyboardButton]] | None = None
) -> InlineKeyboardMarkup | None:
    row: list[InlineKeyboardButton] = []
    if can_edit:
        row.append(kb.button(texts.t("card.edit_button"), bt.CardEditMenu(child_id)))
    rows = [r for r in [row, *(extra or [])] if r]
    return InlineKeyboardMarkup(rows) if rows else None


async def _show_card(update: Update, context: BotContext, texts: Texts, child_id: int) -> None:
    actor = await context.actor(update)
    try:
        view = await registry_service.view_child(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return
    child = view.child
    card = child_card(
        texts,
        child,
        today=registry_service.local_today(context.services),
        guardians=view.guardians,
        fields=view.fields,
        staff=view.staff,
    )
    extra = card_rows(texts, actor, child)  # timeline, enrolment, boarding
    extra += kb.rows(safety_card.card_buttons(texts, actor, child), 2)  # concern, risk, consent, erase
    card += await safety_card.card_lines(context.services, actor, texts, child)  # risk level, consent
    if "guardian_name" in view.fields:  # 委托照护: for those who read who the carer is
        card += designation_line(texts, await designations.designated_on(context.services, child.id))
    card += await support_card.card_lines(context.services, actor, texts, child)  # an open help plan
    letters_line, letters_rows = await voice_letter.card_part(context.services, texts, actor, child)  # 亲情语音信
    card, extra = card + letters_line, extra + letters_rows
    await reply(update, card, card_keyboard(texts, child.id, can_edit=view.can_edit, extra=extra))


# --- editing a card ---------------------------------------------------------------------------------


@ROUTES.button(bt.CardEditMenu)
async def edit_menu(update: Update, context: BotContext) -> None:
    """The list of fields to change (head teacher of the class, or admin)."""
    texts, actor, button = await pressed(update, context, bt.CardEditMenu)
    child_id = button.child
    try:
        child = await registry_service.child_for_edit(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return
    empty = set(still_missing(child_values(child)))
    buttons = [
        kb.button(_edit_label(texts, f.name, missing=f.name in empty), bt.CardEditField(child_id, i))
        for i, f in enumerate(FIELDS)
    ]
    await reply(update, texts.t("card.edit_choose", name=child.name), kb.grid(buttons, 3))


def _edit_label(texts: Texts, name: str, *, missing: bool) -> str:
    """A field's button in the edit menu; the ones still to be filled in are marked."""
    label = texts.t(f"field.{name}")
    return texts.t("card.edit_missing_mark", label=label) if missing else label


async def edit_start(update: Update, context: BotContext) -> int:
    """Entry of the edit conversation: ask for the new value of one field."""
    texts, actor, button = await pressed(update, context, bt.CardEditField)
    child_id, step = button.child, button.step
    if not 0 <= step < len(FIELDS):
        return ConversationHandler.END
    try:
        child = await registry_service.child_for_edit(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return ConversationHandler.END
    if not await EDIT.begin(update, context, EditDraft(child_id=child_id, step=step)):
        return ConversationHandler.END
    spec = FIELDS[step]
    label = texts.t(f"field.{spec.name}")
    extra = [] if spec.required else [kb.button(texts.t("card.edit_clear"), bt.CardEditClear(child_id, step))]
    if spec.kind in (FieldKind.CHOICE, FieldKind.CLASS):
        if spec.kind is FieldKind.CLASS:
            # Within the child's school: another school's class is a transfer.
            classes = await people.list_classes(context.services, scope_for(actor, Access.REGISTER))
            options = [(str(c.id), c.label) for c in classes if c.school_id == child.school_id]
        else:
            options = [(c, texts.t(f"choice.{spec.name}.{c}")) for c in spec.choices]
        buttons = [kb.button(name, bt.CardEditValue(child_id, step, value)) for value, name in options]
        await reply(update, texts.t("card.edit_ask_choice", label=label), kb.grid(buttons, 2, extra))
    else:
        current = display_value(
            texts,
            spec.name,
            child_values(child)[spec.name],
            class_label=child.class_label,
            today=registry_service.local_today(context.services),
        )
        if spec.kind is FieldKind.ID_NUMBER:  # the one place the number is shown whole
            number = await registry_service.id_number_for_edit(context.services, actor, child_id)
            current = number or current
        await reply(update, texts.t("card.edit_ask", label=label, current=current), kb.grid([], 1, extra))
    return EDIT_VALUE


async def _apply(update: Update, context: BotContext, texts: Texts, draft: EditDraft, value: Any) -> int:
    child_id, spec = draft.child_id, FIELDS[draft.step]
    actor = await context.actor(update)
    try:
        child = await registry_service.edit_field(context.services, actor, child_id, spec.name, value)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return EDIT.end(context)
    except ValueError:
        await reply(update, texts.t("card.edit_required"))
        return EDIT_VALUE
    await reply(update, texts.t("card.edit_saved", name=child.name, label=texts.t(f"field.{spec.name}")))
    EDIT.end(context)
    await _show_card(update, context, texts, child_id)
    return ConversationHandler.END


async def edit_typed(update: Update, context: BotContext, draft: EditDraft) -> int:
    texts = await context.texts(update)
    spec, today = FIELDS[draft.step], registry_service.local_today(context.services)
    value = await read_typed(update, texts, lambda text: parse_field(spec, text, today=today))
    if value is None:
        return EDIT_VALUE
    return await _apply(update, context, texts, draft, value)


def _for_this_field(draft: EditDraft, button: bt.CardEditValue | bt.CardEditClear) -> str | None:
    """A value or clear button of another child or field (an earlier edit's) is stale."""
    return None if (button.child, button.step) == (draft.child_id, draft.step) else STALE


async def edit_choice(update: Update, context: BotContext, draft: EditDraft, button: bt.CardEditValue) -> int:
    texts = await context.texts(update)
    spec = FIELDS[draft.step]
    raw = button.value
    try:
        value: Any = int(raw) if spec.kind is FieldKind.CLASS else parse_choice(spec, raw)
    except (InvalidInput, ValueError):
        await reply(update, texts.t("invalid.use_buttons"))
        return EDIT_VALUE
    return await _apply(update, context, texts, draft, value)


async def edit_clear(update: Update, context: BotContext, draft: EditDraft, button: bt.CardEditClear) -> int:
    texts = await context.texts(update)
    return await _apply(update, context, texts, draft, None)


def build_edit(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return EDIT.conversation(
        entry_points=[CallbackQueryHandler(edit_start, pattern=bt.CardEditField.pattern)],
        states={
            EDIT_VALUE: [
                EDIT.on_text(filters.TEXT & ~filters.COMMAND, edit_typed),
                EDIT.on_button(bt.CardEditValue, edit_choice, check=_for_this_field),
                EDIT.on_button(bt.CardEditClear, edit_clear, check=_for_this_field),
            ]
        },
        timeout_minutes=timeout_minutes,
    )


# --- /mychildren ------------------------------------------------------------------------------------

MY_PAGE_LINES = 40


@ROUTES.pages(bt.MyChildrenPage, command="mychildren")
async def _my_page(update: Update, context: BotContext, texts: Texts, page: int) -> None:
    actor = await context.actor(update)
    today = registry_service.local_today(context.services)
    found, _ = await registry_service.search_children(
        context.services, actor, "", limit=100_000, access=Access.MY_CHILDREN
    )
    found = await safety_card.high_risk_first(context.services, found)
    groups: dict[tuple[str, str], list[tuple[str, int | None]]] = {}
    for child in found:
        kind = tie(actor, child.scope)
        key = (kind, child.class_label if kind == "class" else "")
        line = texts.t(
            "mychildren.line",
            name=child.name,
            age=age_on(child.birth_date, today),
            away=texts.t(f"choice.parents_away.{child.parents_away}"),
        )
        groups.setdefault(key, []).append((line, child.id))
    # Each line remembers its child, so the children actually shown on the page are audited.
    lines: list[tuple[str, int | None]] = []
    for (kind, label), entries in groups.items():
        if kind == "class":
            lines.append((texts.t("mychildren.header", label=label, count=len(entries)), None))
        else:
            lines.append((texts.t(f"mychildren.{kind}"), None))
        lines.extend(entries)
    if not lines:
        await reply(update, texts.t("mychildren.none"))
        return
    pages = (len(lines) + MY_PAGE_LINES - 1) // MY_PAGE_LINES
    page = max(0, min(page, pages - 1))
    shown = lines[page * MY_PAGE_LINES : (page + 1) * MY_PAGE_LINES]
    if may_do(actor, Access.SCHOOL_VIEW):
        # Care at a glance: mentor, last check-in, last visit, overdue; for the children on this page.
        care = await care_service.summaries(context.services, [c for _, c in shown if c is not None])
        shown = [
            (text + "\n" + care_line(context.services, texts, care.get(c)), c) if c is not None else (text, c)
            for text, c in shown
        ]
    await registry_service.record_listed(
        context.services, actor, [child_id for _, child_id in shown if child_id is not None], "mychildren"
    )
    body = "\n".join(text for text, _ in shown)
    if pages > 1:
        body += "\n\n" + texts.t("page.indicator", page=page + 1, pages=pages)
    markup = kb.grid([], 1, kb.pager(texts, bt.MyChildrenPage, page, pages))
    if update.callback_query:
        await edit_or_reply(update, body, markup)
    else:
        await reply(update, body, markup)


def handlers(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    return [build_edit(timeout_minutes), *ROUTES.handlers()]
