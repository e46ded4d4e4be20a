"""/register: the essentials first (a valid archive, saved at once if the teacher likes), then the rest of the
archive section by section, each optional question skippable alone or with the rest of its section; the whole
card is reviewed before anything is saved."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

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
from bot.handlers.common import (
    BotContext,
    answer,
    begin_flow,
    conversation,
    edit_or_reply,
    end_flow,
    end_saved,
    reply,
)
from bot.services import AccessDenied, people
from bot.services import registry as registry_service
from bot.texts import Raw, Texts

ASKING, REVIEW, DUPLICATE = range(3)
FLOW = "register"
DRAFT = "register_draft"
OPTIONAL = REGISTER_ORDER[len(ESSENTIALS) :]


def _draft(context: BotContext) -> dict[str, Any]:
    draft: dict[str, Any] = context.draft[DRAFT]
    return draft


def _empty(values: dict[str, Any], name: str) -> bool:
    return not has_contact(values) if name == CONTACT else values.get(name) in (None, "")


async def _class_choices(update: Update, context: BotContext) -> list[tuple[int, str]]:
    actor = await context.actor(update)
    classes = await people.list_classes(context.services, scope_for(actor, Access.REGISTER).classes())
    return [(c.id, c.label) for c in classes]


async def start(update: Update, context: BotContext) -> int:
    """Entry: only head teachers (and admins) register; the draft starts empty."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not may_do(actor, Access.REGISTER):
        await reply(update, texts.t("access.denied"))
        return ConversationHandler.END
    if not await _class_choices(update, context):
        await reply(update, texts.t("register.no_class"))
        return ConversationHandler.END
    if not await begin_flow(update, context, FLOW):
        return ConversationHandler.END
    context.draft[DRAFT] = {
        "nonce": secrets.token_hex(3), "token": secrets.token_hex(8), "step": 0, "values": {}, "editing": False,
        "more": False,
    }  # fmt: skip
    await reply(update, texts.t("register.start", steps=len(ESSENTIALS)))
    return await _ask(update, context, texts)


def _progress(texts: Texts, draft: dict[str, Any], name: str) -> str:
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


async def _ask(update: Update, context: BotContext, texts: Texts) -> int:
    """Asks the current question; a class field with one possible class fills itself in."""
    draft = _draft(context)
    draft["reviewing"] = False
    step = draft["step"]
    name = REGISTER_ORDER[step]
    nonce = draft["nonce"]
    progress = _progress(texts, draft, name)
    if name == CONTACT and not draft.get("contact_field"):
        whose = [kb.button(texts.t(f"choice.contact.{c}"), bt.RegisterPick(nonce, step, c)) for c in CONTACT_CHOICES]
        star = texts.t("register.star")
        await reply(update, texts.t("register.ask_contact", progress=progress, star=star), kb.grid(whose, 1))
        return ASKING
    spec = FIELDS_BY_NAME[draft["contact_field"]] if name == CONTACT else FIELDS_BY_NAME[name]
    required = name in ESSENTIALS
    values = {"progress": progress, "label": texts.t(f"field.{spec.name}")}
    values["star"] = texts.t("register.star") if required else ""
    buttons: list[InlineKeyboardButton] = []
    if spec.kind is FieldKind.CLASS:
        choices = await _class_choices(update, context)
        if len(choices) == 1:
            return await _store(update, context, texts, spec, choices[0][0])
        buttons = [kb.button(label, bt.RegisterPick(nonce, step, str(class_id))) for class_id, label in choices]
        question = texts.t("register.ask_choice", **values)
    elif spec.kind is FieldKind.CHOICE:
        buttons = [kb.button(texts.t(f"choice.{spec.name}.{c}"), bt.RegisterPick(nonce, step, c)) for c in spec.choices]
        question = texts.t("register.ask_choice", **values)
    elif spec.kind in (FieldKind.DATE, FieldKind.BIRTH_DATE):
        question = texts.t("register.ask_date", **values)
    elif spec.kind is FieldKind.PHONE:
        question = texts.t("register.ask_phone", **values)
    else:
        question = texts.t("register.ask_text", **values)
    if not spec.family_visible:
        question += "\n" + texts.t("register.staff_only_hint")
    extra: list[InlineKeyboardButton] = []
    if not required:
        extra.append(kb.button(texts.t("button.skip"), bt.RegisterSkip(nonce, step)))
        if not draft["editing"]:
            extra.append(kb.button(texts.t("register.skip_section"), bt.RegisterSkipSection(nonce, step)))
    await reply(update, question, kb.grid(buttons, 2, extra) if buttons or extra else None)
    return ASKING


async def _store(update: Update, context: BotContext, texts: Texts, spec: ArchiveField, value: object) -> int:
    """Keeps one value in the draft, then asks the next question (or returns to the review)."""
    draft = _draft(context)
    draft["values"][spec.name] = value
    return await _next(update, context, texts)


async def _next(update: Update, context: BotContext, texts: Texts, *, after: int | None = None) -> int:
    """The next question still unanswered: among the essentials, or, once the teacher chose to go on, among the
    rest of the archive; the review when there is none (and straight after an edit from the review)."""
    draft = _draft(context)
    draft.pop("contact_field", None)
    if draft["editing"]:
        draft["editing"] = False
        return await _review(update, context, texts)
    limit = len(REGISTER_ORDER) if draft.get("more") else len(ESSENTIALS)
    start_at = draft["step"] + 1 if after is None else after
    for step in range(start_at, limit):
        if _empty(draft["values"], REGISTER_ORDER[step]):
            draft["step"] = step
            return await _ask(update, context, texts)
    return await _review(update, context, texts)


def _current(context: BotContext, nonce: str, step: int) -> str | None:
    """The question a button (of form run `nonce`, question `step`) belongs to, or None when the button is from
    another form or another step."""
    draft = context.draft.get(DRAFT)
    if not draft or nonce != draft["nonce"] or step != draft["step"]:
        return None
    return None if draft.get("reviewing") else REGISTER_ORDER[draft["step"]]


def _needs_buttons(draft: dict[str, Any]) -> bool:
    name = REGISTER_ORDER[draft["step"]]
    if name == CONTACT:
        return not draft.get("contact_field")
    return FIELDS_BY_NAME[name].kind in (FieldKind.CHOICE, FieldKind.CLASS)


async def typed(update: Update, context: BotContext) -> int:
    """A typed answer: validated for the current question; on error, say what is expected and ask again."""
    texts = await context.texts(update)
    draft = _draft(context)
    assert update.message is not None and update.message.text is not None
    if _needs_buttons(draft):
        await reply(update, texts.t("invalid.use_buttons"))
        return await _ask(update, context, texts)  # its buttons may be gone (see hint) or far up
    name = REGISTER_ORDER[draft["step"]]
    spec = FIELDS_BY_NAME[draft["contact_field"] if name == CONTACT else name]
    try:
        value = parse_field(spec, update.message.text, today=registry_service.local_today(context.services))
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason))
        return ASKING
    return await _store(update, context, texts, spec, value)


async def picked(update: Update, context: BotContext) -> int:
    """A choice button for the current question."""
    texts = await context.texts(update)
    button = bt.RegisterPick.of(update)
    name = _current(context, button.nonce, button.step)
    if name is None or (name == CONTACT and _draft(context).get("contact_field")):
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return ASKING
    await answer(update)
    raw = button.value
    if name == CONTACT:
        if raw not in CONTACT_CHOICES:
            await reply(update, texts.t("invalid.use_buttons"))
            return ASKING
        _draft(context)["contact_field"] = CONTACT_PHONES[raw]
        shown = texts.t("card.line", label=texts.t("register.contact"), value=texts.t(f"choice.contact.{raw}"))
        await edit_or_reply(update, shown)
        return await _ask(update, context, texts)
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
    return await _store(update, context, texts, spec, value)


async def _optional_pressed(
    update: Update, context: BotContext, texts: Texts, button: bt.RegisterSkip | bt.RegisterSkipSection
) -> str | None:
    """The optional question a skip button is for (answered), or None (stale, or a required one: an alert)."""
    name = _current(context, button.nonce, button.step)
    if name is None:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return None
    if name in ESSENTIALS:
        await answer(update, texts.t("register.required"), alert=True)
        return None
    await answer(update)
    return name


async def skipped(update: Update, context: BotContext) -> int:
    """Skip an optional question (a required one cannot be skipped)."""
    texts = await context.texts(update)
    name = await _optional_pressed(update, context, texts, bt.RegisterSkip.of(update))
    if name is None:
        return ASKING
    return await _store(update, context, texts, FIELDS_BY_NAME[name], None)


async def section_skipped(update: Update, context: BotContext) -> int:
    """Skip this question and the rest of its section at once: go on with the next section."""
    texts = await context.texts(update)
    name = await _optional_pressed(update, context, texts, bt.RegisterSkipSection.of(update))
    if name is None:
        return ASKING
    draft = _draft(context)
    draft["values"][name] = None
    section = FIELDS_BY_NAME[name].section
    later = range(draft["step"] + 1, len(REGISTER_ORDER))
    after = next((i for i in later if FIELDS_BY_NAME[REGISTER_ORDER[i]].section is not section), len(REGISTER_ORDER))
    return await _next(update, context, texts, after=after)


async def hint(update: Update, context: BotContext) -> None:
    """Anything unexpected mid-form: say what the current step needs (buttons or text)."""
    await answer(update)
    texts = await context.texts(update)
    draft = context.draft.get(DRAFT)
    message = update.effective_message
    if message is not None and message.text and message.text.startswith("/"):
        await reply(update, texts.t("flow.command_in_flow", flow=texts.t("flow.name.register")))
        return
    needs_buttons = True
    if draft and not draft.get("reviewing"):
        needs_buttons = _needs_buttons(draft)
    await reply(update, texts.t("flow.hint_buttons" if needs_buttons else "flow.hint_text"))
    # Ask again, buttons included: the question's buttons may be gone (the bot was stopped between
    # editing the last answer into place and sending the next question) or far up the chat.
    if draft and not draft.get("reviewing"):
        await _ask(update, context, texts)


async def _review(update: Update, context: BotContext, texts: Texts) -> int:
    """The whole card as it would be saved, what is still missing, and what the family will see."""
    draft = _draft(context)
    draft["reviewing"] = True
    draft["more"] = False
    values = draft["values"]
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
    nonce = draft["nonce"]
    rows = [[kb.button(texts.t("button.confirm"), bt.RegisterSave(nonce))]]
    if any(_empty(values, name) for name in OPTIONAL):
        rows.append([kb.button(texts.t("register.more"), bt.RegisterMore(nonce))])
    rows.append([kb.button(texts.t("button.edit"), bt.RegisterEdit(nonce))])
    text = texts.t("register.review", card=Raw(card)) + "\n\n" + texts.t("register.family_sees")
    await reply(update, text, InlineKeyboardMarkup(rows))
    return REVIEW


def _nonce_ok(context: BotContext, nonce: str) -> bool:
    draft = context.draft.get(DRAFT)
    return bool(draft and nonce == draft["nonce"])


async def more(update: Update, context: BotContext) -> int:
    """From the review: go on with the rest of the archive, section by section (answered fields are passed)."""
    texts = await context.texts(update)
    draft = context.draft.get(DRAFT)
    if not _nonce_ok(context, bt.RegisterMore.of(update).nonce) or not (draft and draft.get("reviewing")):
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return REVIEW
    await answer(update)
    await edit_or_reply(update, texts.t("register.going_on"))
    draft["more"] = True
    draft["editing"] = False
    return await _next(update, context, texts, after=len(ESSENTIALS))


async def edit_menu(update: Update, context: BotContext) -> int:
    """From the review: choose a field to change."""
    texts = await context.texts(update)
    if not _nonce_ok(context, bt.RegisterEdit.of(update).nonce):
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return REVIEW
    await answer(update)
    nonce = _draft(context)["nonce"]
    steps = [i for i, name in enumerate(REGISTER_ORDER) if name != CONTACT]
    steps.sort(key=lambda i: list(FIELDS_BY_NAME).index(REGISTER_ORDER[i]))  # card order
    buttons = [kb.button(texts.t(f"field.{REGISTER_ORDER[i]}"), bt.RegisterEditField(nonce, i)) for i in steps]
    await edit_or_reply(update, texts.t("register.choose_field_to_edit"), kb.grid(buttons, 3))
    return REVIEW


async def edit_field(update: Update, context: BotContext) -> int:
    """From the review: ask one field again, then come back to the review."""
    texts = await context.texts(update)
    button = bt.RegisterEditField.of(update)
    if not _nonce_ok(context, button.nonce):
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return REVIEW
    await answer(update)
    step = button.step
    if not 0 <= step < len(REGISTER_ORDER) or REGISTER_ORDER[step] == CONTACT:
        return REVIEW
    draft = _draft(context)
    draft["step"] = step
    draft["editing"] = True
    draft.pop("contact_field", None)
    return await _ask(update, context, texts)


def _label(texts: Texts, name: str) -> str:
    return texts.t("register.contact") if name == CONTACT else texts.t(f"field.{name}")


async def save(update: Update, context: BotContext) -> int:
    """Confirm: check for a duplicate, then save once (the draft is taken before writing)."""
    texts = await context.texts(update)
    if not _nonce_ok(context, bt.RegisterSave.of(update).nonce):
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return REVIEW
    await answer(update)
    draft = _draft(context)
    missing = missing_required(draft["values"])
    if missing:
        names = texts.t("list.separator").join(_label(texts, name) for name in missing)
        await reply(update, texts.t("register.missing", fields=names))
        draft["step"] = REGISTER_ORDER.index(missing[0])
        draft["editing"] = False
        draft["more"] = False
        return await _ask(update, context, texts)
    if not draft.get("duplicate_ok"):
        duplicates = await registry_service.duplicates_of(
            context.services, draft["values"], flow_token=draft.get("token")
        )
        if duplicates:
            school_class = await people.get_class(context.services, int(draft["values"]["class_id"]))
            markup = InlineKeyboardMarkup(
                [
                    [kb.button(texts.t("register.duplicate_yes"), bt.RegisterDuplicate("y", draft["nonce"]))],
                    [kb.button(texts.t("register.duplicate_no"), bt.RegisterDuplicate("n", draft["nonce"]))],
                ]
            )
            await reply(
                update,
                texts.t(
                    "register.duplicate",
                    class_label=school_class.label if school_class else "",
                    name=draft["values"]["name"],
                    ids=", ".join(str(i) for i in duplicates),
                ),
                markup,
            )
            return DUPLICATE
    return await _commit(update, context, texts)


async def _commit(update: Update, context: BotContext, texts: Texts) -> int:
    draft = context.draft.pop(DRAFT)
    actor = await context.actor(update)
    values = draft["values"]
    try:
        child_id = await registry_service.register_child(context.services, actor, values, flow_token=draft.get("token"))
    except AccessDenied:
        await reply(update, texts.t("access.denied"))
        return end_flow(context, DRAFT)
    text = texts.t("register.saved", name=values["name"], id=child_id)
    left = still_missing(values)
    if left:
        text += "\n" + texts.t("register.saved_missing", count=len(left), name=values["name"])
    await edit_or_reply(update, text)
    return end_saved(update, context, DRAFT)


async def duplicate_answer(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    button = bt.RegisterDuplicate.of(update)
    draft = context.draft.get(DRAFT)
    if not draft or button.nonce != draft["nonce"]:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return DUPLICATE
    await answer(update)
    if button.answer == "n":
        await edit_or_reply(update, texts.t("cancel.done"))
        return end_flow(context, DRAFT)
    draft["duplicate_ok"] = True
    return await _commit(update, context, texts)


Step = Callable[[Update, BotContext], Coroutine[Any, Any, int]]


def _with_draft(step: Step) -> Step:
    """A form step needs its draft. Erasing a child scrubs every draft that names them (a form for a child of the
    same name, say): the person is told the form ended, instead of failing on every answer."""

    async def guarded(update: Update, context: BotContext) -> int:
        if DRAFT in context.draft:
            return await step(update, context)
        await answer(update)
        texts = await context.texts(update)
        await reply(update, texts.t("flow.cleared", flow=texts.t("flow.name.register")))
        return end_flow(context, DRAFT)

    return guarded


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        name=FLOW,
        entry_points=[CommandHandler("register", start)],
        states={
            ASKING: [
                MessageHandler(text, _with_draft(typed)),
                CallbackQueryHandler(_with_draft(picked), pattern=bt.RegisterPick.pattern),
                CallbackQueryHandler(_with_draft(skipped), pattern=bt.RegisterSkip.pattern),
                CallbackQueryHandler(_with_draft(section_skipped), pattern=bt.RegisterSkipSection.pattern),
            ],
            REVIEW: [
                CallbackQueryHandler(_with_draft(save), pattern=bt.RegisterSave.pattern),
                CallbackQueryHandler(_with_draft(more), pattern=bt.RegisterMore.pattern),
                CallbackQueryHandler(_with_draft(edit_menu), pattern=bt.RegisterEdit.pattern),
                CallbackQueryHandler(_with_draft(edit_field), pattern=bt.RegisterEditField.pattern),
            ],
            DUPLICATE: [CallbackQueryHandler(_with_draft(duplicate_answer), pattern=bt.RegisterDuplicate.pattern)],
        },
        draft_keys=(DRAFT,),
        timeout_minutes=timeout_minutes,
        hint=hint,
    )
