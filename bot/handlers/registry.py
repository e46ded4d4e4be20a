"""/register: the essentials first (a valid archive, saved at once if the teacher likes), then the rest of the
archive section by section, each optional question skippable alone or with the rest of its section; the whole
card is reviewed before anything is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.archive import (
    CONTACT,
    CONTACT_CHOICES,
    CONTACT_PHONES,
    ESSENTIALS,
    FIELDS_BY_NAME,
    REGISTER_ORDER,
    ArchiveField,
    FieldKind,
    has_contact,
    missing_required,
    parse_choice,
    parse_field,
    still_missing,
)
from bot.domain.roles import Access, may_do, scope_for
from bot.domain.validation import InvalidInput
from bot.handlers.cards import render_card
from bot.handlers.common import BotContext, edit_or_reply, reply
from bot.handlers.flow import STALE, Draft, Flow, new_token
from bot.services import AccessDenied, people
from bot.services import registry as registry_service
from bot.texts import Raw, Texts

ASKING, REVIEW, DUPLICATE = range(3)
OPTIONAL = REGISTER_ORDER[len(ESSENTIALS) :]


@dataclass(kw_only=True)
class Registration(Draft):
    """The card being filled in: `step` is the question asked (an index into REGISTER_ORDER); `editing` when it
    was chosen from the review (the review comes back after it); `more` once the teacher chose to go on past the
    essentials; `contact_field` the phone chosen at the contact question."""

    token: str = field(default_factory=new_token)
    step: int = 0
    values: dict[str, Any] = field(default_factory=dict)
    editing: bool = False
    more: bool = False
    contact_field: str | None = None
    duplicate_ok: bool = False


FLOW = Flow("register", Registration, "register_draft")


def _empty(values: dict[str, Any], name: str) -> bool:
    return not has_contact(values) if name == CONTACT else values.get(name) in (None, "")


async def _class_choices(update: Update, context: BotContext) -> list[tuple[int, str]]:
    actor = await context.actor(update)
    classes = await people.list_classes(context.services, scope_for(actor, Access.REGISTER))
    return [(c.id, c.label) for c in classes]


async def start(update: Update, context: BotContext) -> int:
    """Entry: only head teachers (and admins) register; the draft starts empty."""
    texts, actor = await context.caller(update)
    if not may_do(actor, Access.REGISTER):
        await reply(update, texts.t("access.denied"))
        return ConversationHandler.END
    if not await _class_choices(update, context):
        await reply(update, texts.t("register.no_class"))
        return ConversationHandler.END
    draft = Registration()
    if not await FLOW.begin(update, context, draft):
        return ConversationHandler.END
    await reply(update, texts.t("register.start", steps=len(ESSENTIALS)))
    state = await _ask(update, context, texts, draft)
    FLOW.put(context, draft)
    return state


def _progress(texts: Texts, name: str) -> str:
    """(3/7) among the essentials; the section and (2/5) within it for the rest of the archive."""
    if name in ESSENTIALS:
        return texts.t("register.progress", step=ESSENTIALS.index(name) + 1, steps=len(ESSENTIALS))
    section = FIELDS_BY_NAME[name].section
    same = [n for n in OPTIONAL if FIELDS_BY_NAME[n].section is section]
    return texts.t(
        "register.progress_more",
        section=texts.t(f"card.section_{section.value}"),
        step=same.index(name) + 1,
        steps=len(same),
    )


async def _ask(update: Update, context: BotContext, texts: Texts, draft: Registration) -> int:
    """Asks the current question; a class field with one possible class fills itself in."""
    step = draft.step
    name = REGISTER_ORDER[step]
    nonce = draft.nonce
    progress = _progress(texts, name)
    if name == CONTACT and not draft.contact_field:
        whose = [kb.button(texts.t(f"choice.contact.{c}"), bt.RegisterPick(nonce, step, c)) for c in CONTACT_CHOICES]
        star = texts.t("register.star")
        await reply(update, texts.t("register.ask_contact", progress=progress, star=star), kb.grid(whose, 1))
        return ASKING
    spec = FIELDS_BY_NAME[draft.contact_field] if name == CONTACT and draft.contact_field else FIELDS_BY_NAME[name]
    required = name in ESSENTIALS
    values = {"progress": progress, "label": texts.t(f"field.{spec.name}")}
    values["star"] = texts.t("register.star") if required else ""
    buttons: list[InlineKeyboardButton] = []
    if spec.kind is FieldKind.CLASS:
        choices = await _class_choices(update, context)
        if len(choices) == 1:
            return await _store(update, context, texts, draft, spec, choices[0][0])
        buttons = [kb.button(label, bt.RegisterPick(nonce, step, str(class_id))) for class_id, label in choices]
        question = texts.t("register.ask_choice", **values)
    elif spec.kind is FieldKind.CHOICE:
        buttons = [kb.button(texts.t(f"choice.{spec.name}.{c}"), bt.RegisterPick(nonce, step, c)) for c in spec.choices]
        question = texts.t("register.ask_choice", **values)
    elif spec.kind in (FieldKind.DATE, FieldKind.BIRTH_DATE):
        question = texts.t("register.ask_date", **values)
    elif spec.kind is FieldKind.PHONE:
        question = texts.t("register.ask_phone", **values)
    elif spec.kind is FieldKind.ID_NUMBER:
        question = texts.t("register.ask_id_number", **values)
    else:
        question = texts.t("register.ask_text", **values)
    if not spec.family_visible:
        question += "\n" + texts.t("register.staff_only_hint")
    extra: list[InlineKeyboardButton] = []
    if not required:
        extra.append(kb.button(texts.t("button.skip"), bt.RegisterSkip(nonce, step)))
        if not draft.editing:
            extra.append(kb.button(texts.t("register.skip_section"), bt.RegisterSkipSection(nonce, step)))
    await reply(update, question, kb.grid(buttons, 2, extra) if buttons or extra else None)
    return ASKING


async def _store(
    update: Update, context: BotContext, texts: Texts, draft: Registration, spec: ArchiveField, value: object
) -> int:
    """Keeps one value in the draft, then asks the next question (or returns to the review)."""
    if spec.kind is FieldKind.ID_NUMBER:  # only the masked and sealed forms are kept (the draft is persisted)
        draft.values.update(registry_service.protected_id_values(context.services, str(value) if value else None))
        return await _next(update, context, texts, draft)
    draft.values[spec.name] = value
    return await _next(update, context, texts, draft)


async def _next(
    update: Update, context: BotContext, texts: Texts, draft: Registration, *, after: int | None = None
) -> int:
    """The next question still unanswered: among the essentials, or, once the teacher chose to go on, among the
    rest of the archive; the review when there is none (and straight after an edit from the review)."""
    draft.contact_field = None
    if draft.editing:
        draft.editing = False
        return await _review(update, context, texts, draft)
    limit = len(REGISTER_ORDER) if draft.more else len(ESSENTIALS)
    start_at = draft.step + 1 if after is None else after
    for step in range(start_at, limit):
        if _empty(draft.values, REGISTER_ORDER[step]):
            draft.step = step
            return await _ask(update, context, texts, draft)
    return await _review(update, context, texts, draft)


def _needs_buttons(draft: Registration) -> bool:
    name = REGISTER_ORDER[draft.step]
    if name == CONTACT:
        return not draft.contact_field
    return FIELDS_BY_NAME[name].kind in (FieldKind.CHOICE, FieldKind.CLASS)


async def typed(update: Update, context: BotContext, draft: Registration) -> int:
    """A typed answer: validated for the current question; on error, say what is expected and ask again."""
    texts = await context.texts(update)
    assert update.message is not None and update.message.text is not None
    if _needs_buttons(draft):
        await reply(update, texts.t("invalid.use_buttons"))
        return await _ask(update, context, texts, draft)  # its buttons may be gone (see hint) or far up
    name = REGISTER_ORDER[draft.step]
    spec = FIELDS_BY_NAME[draft.contact_field if name == CONTACT and draft.contact_field else name]
    try:
        value = parse_field(spec, update.message.text, today=registry_service.local_today(context.services))
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason))
        return ASKING
    return await _store(update, context, texts, draft, spec, value)


def _this_question(
    draft: Registration, button: bt.RegisterPick | bt.RegisterSkip | bt.RegisterSkipSection
) -> str | None:
    """A button of another question (or the contact's choice once it was made) is stale."""
    if button.step != draft.step:
        return STALE
    return STALE if isinstance(button, bt.RegisterPick) and draft.contact_field else None


def _optional_question(draft: Registration, button: bt.RegisterSkip | bt.RegisterSkipSection) -> str | None:
    """A skip button must be for the question at hand, and that one optional (a forged skip of a required one)."""
    return _this_question(draft, button) or ("register.required" if REGISTER_ORDER[draft.step] in ESSENTIALS else None)


async def picked(update: Update, context: BotContext, draft: Registration, button: bt.RegisterPick) -> int:
    """A choice button for the current question."""
    texts = await context.texts(update)
    name = REGISTER_ORDER[draft.step]
    raw = button.value
    if name == CONTACT:
        if raw not in CONTACT_CHOICES:
            await reply(update, texts.t("invalid.use_buttons"))
            return ASKING
        draft.contact_field = CONTACT_PHONES[raw]
        shown = texts.t("card.line", label=texts.t("register.contact"), value=texts.t(f"choice.contact.{raw}"))
        await edit_or_reply(update, shown)
        return await _ask(update, context, texts, draft)
    spec = FIELDS_BY_NAME[name]
    if spec.kind is FieldKind.CLASS:
        allowed = dict(await _class_choices(update, context))
        if not raw.isdigit() or int(raw) not in allowed:
            await reply(update, texts.t("access.denied"))
            return ASKING
        value: object = int(raw)
        label = allowed[int(raw)]
    else:
        try:
            value = parse_choice(spec, raw)
        except InvalidInput as problem:
            await reply(update, texts.t(problem.reason))
            return ASKING
        label = texts.t(f"choice.{spec.name}.{raw}")
    await edit_or_reply(update, texts.t("card.line", label=texts.t(f"field.{spec.name}"), value=label))
    return await _store(update, context, texts, draft, spec, value)


async def skipped(update: Update, context: BotContext, draft: Registration, button: bt.RegisterSkip) -> int:
    """Skip an optional question (a required one cannot be skipped)."""
    texts = await context.texts(update)
    return await _store(update, context, texts, draft, FIELDS_BY_NAME[REGISTER_ORDER[draft.step]], None)


async def section_skipped(
    update: Update, context: BotContext, draft: Registration, button: bt.RegisterSkipSection
) -> int:
    """Skip this question and the rest of its section at once: go on with the next section."""
    texts = await context.texts(update)
    name = REGISTER_ORDER[draft.step]
    draft.values[name] = None
    section = FIELDS_BY_NAME[name].section
    later = range(draft.step + 1, len(REGISTER_ORDER))
    after = next((i for i in later if FIELDS_BY_NAME[REGISTER_ORDER[i]].section is not section), len(REGISTER_ORDER))
    return await _next(update, context, texts, draft, after=after)


async def asking_hint(update: Update, context: BotContext, texts: Texts, draft: Registration | None) -> None:
    """Anything unexpected at a question: say what it needs (buttons or text), and ask it again."""
    needs_buttons = draft is None or _needs_buttons(draft)
    await reply(update, texts.t("flow.hint_buttons" if needs_buttons else "flow.hint_text"))
    if draft is not None:
        await _ask(update, context, texts, draft)


async def _review(update: Update, context: BotContext, texts: Texts, draft: Registration) -> int:
    """The whole card as it would be saved, what is still missing, and what the family will see."""
    draft.more = False
    values = draft.values
    class_label = ""
    if values.get("class_id"):
        school_class = await people.get_class(context.services, int(values["class_id"]))
        class_label = school_class.label if school_class else ""
    card = render_card(
        texts,
        values,
        class_label=class_label,
        today=registry_service.local_today(context.services),
        missing=True,
        mark_staff_only=True,
    )
    nonce = draft.nonce
    rows = [[kb.button(texts.t("button.confirm"), bt.RegisterSave(nonce))]]
    if any(_empty(values, name) for name in OPTIONAL):
        rows.append([kb.button(texts.t("register.more"), bt.RegisterMore(nonce))])
    rows.append([kb.button(texts.t("button.edit"), bt.RegisterEdit(nonce))])
    text = texts.t("register.review", card=Raw(card)) + "\n\n" + texts.t("register.family_sees")
    await reply(update, text, InlineKeyboardMarkup(rows))
    return REVIEW


async def more(update: Update, context: BotContext, draft: Registration, button: bt.RegisterMore) -> int:
    """From the review: go on with the rest of the archive, section by section (answered fields are passed)."""
    texts = await context.texts(update)
    await edit_or_reply(update, texts.t("register.going_on"))
    draft.more = True
    draft.editing = False
    return await _next(update, context, texts, draft, after=len(ESSENTIALS))


async def edit_menu(update: Update, context: BotContext, draft: Registration, button: bt.RegisterEdit) -> int:
    """From the review: choose a field to change."""
    texts = await context.texts(update)
    nonce = draft.nonce
    steps = [i for i, name in enumerate(REGISTER_ORDER) if name != CONTACT]
    steps.sort(key=lambda i: list(FIELDS_BY_NAME).index(REGISTER_ORDER[i]))  # card order
    buttons = [kb.button(texts.t(f"field.{REGISTER_ORDER[i]}"), bt.RegisterEditField(nonce, i)) for i in steps]
    await edit_or_reply(update, texts.t("register.choose_field_to_edit"), kb.grid(buttons, 3))
    return REVIEW


async def edit_field(update: Update, context: BotContext, draft: Registration, button: bt.RegisterEditField) -> int:
    """From the review: ask one field again, then come back to the review."""
    texts = await context.texts(update)
    step = button.step
    if not 0 <= step < len(REGISTER_ORDER) or REGISTER_ORDER[step] == CONTACT:
        return REVIEW
    draft.step = step
    draft.editing = True
    draft.contact_field = None
    return await _ask(update, context, texts, draft)


def _label(texts: Texts, name: str) -> str:
    return texts.t("register.contact") if name == CONTACT else texts.t(f"field.{name}")


async def save(update: Update, context: BotContext, draft: Registration, button: bt.RegisterSave) -> int:
    """Confirm: check for a duplicate, then save once (the draft is taken before writing)."""
    texts = await context.texts(update)
    missing = missing_required(draft.values)
    if missing:
        names = texts.t("list.separator").join(_label(texts, name) for name in missing)
        await reply(update, texts.t("register.missing", fields=names))
        draft.step = REGISTER_ORDER.index(missing[0])
        draft.editing = False
        draft.more = False
        return await _ask(update, context, texts, draft)
    if not draft.duplicate_ok:
        duplicates = await registry_service.duplicates_of(context.services, draft.values, flow_token=draft.token)
        if duplicates:
            school_class = await people.get_class(context.services, int(draft.values["class_id"]))
            markup = InlineKeyboardMarkup(
                [
                    [kb.button(texts.t("register.duplicate_yes"), bt.RegisterDuplicate("y", draft.nonce))],
                    [kb.button(texts.t("register.duplicate_no"), bt.RegisterDuplicate("n", draft.nonce))],
                ]
            )
            await reply(
                update,
                texts.t(
                    "register.duplicate",
                    class_label=school_class.label if school_class else "",
                    name=draft.values["name"],
                    ids=", ".join(str(i) for i in duplicates),
                ),
                markup,
            )
            return DUPLICATE
    return await _commit(update, context, texts, draft)


async def _commit(update: Update, context: BotContext, texts: Texts, draft: Registration) -> int:
    FLOW.take(context)
    actor = await context.actor(update)
    values = draft.values
    try:
        child_id = await registry_service.register_child(context.services, actor, values, flow_token=draft.token)
    except AccessDenied:
        await reply(update, texts.t("access.denied"))
        return FLOW.end(context)
    text = texts.t("register.saved", name=values["name"], id=child_id)
    left = still_missing(values)
    if left:
        text += "\n" + texts.t("register.saved_missing", count=len(left), name=values["name"])
    await edit_or_reply(update, text)
    return FLOW.saved(update, context)


async def duplicate_answer(
    update: Update, context: BotContext, draft: Registration, button: bt.RegisterDuplicate
) -> int:
    texts = await context.texts(update)
    if button.answer == "n":
        await edit_or_reply(update, texts.t("cancel.done"))
        return FLOW.end(context)
    draft.duplicate_ok = True
    return await _commit(update, context, texts, draft)


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    """A step without its draft (erasing a child scrubs every draft that names them, a form for a child of the same
    name, say) tells the person the form ended, instead of failing on every answer."""
    text = filters.TEXT & ~filters.COMMAND
    return FLOW.conversation(
        entry_points=[CommandHandler("register", start)],
        states={
            ASKING: [
                FLOW.on_text(text, typed),
                FLOW.on_button(bt.RegisterPick, picked, check=_this_question),
                FLOW.on_button(bt.RegisterSkip, skipped, check=_optional_question),
                FLOW.on_button(bt.RegisterSkipSection, section_skipped, check=_optional_question),
            ],
            REVIEW: [
                FLOW.on_button(bt.RegisterSave, save),
                FLOW.on_button(bt.RegisterMore, more),
                FLOW.on_button(bt.RegisterEdit, edit_menu),
                FLOW.on_button(bt.RegisterEditField, edit_field),
            ],
            DUPLICATE: [FLOW.on_button(bt.RegisterDuplicate, duplicate_answer)],
        },
        timeout_minutes=timeout_minutes,
        hint={
            ASKING: FLOW.hint(asking_hint),
            REVIEW: FLOW.hint_saying("flow.hint_buttons"),
            DUPLICATE: FLOW.hint_saying("flow.hint_buttons"),
        },
    )
