"""/register: the archive form, one field at a time, reviewed as a whole card before anything is saved."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import keyboards as kb
from bot.domain.archive import FIELDS, ArchiveField, FieldKind, parse_choice, parse_field
from bot.domain.validation import InvalidInput
from bot.handlers.cards import render_card
from bot.handlers.common import (
    BotContext,
    answer,
    begin_flow,
    conversation,
    edit_or_reply,
    end_flow,
    reply,
)
from bot.services import AccessDenied
from bot.services import registry as registry_service
from bot.storage import people
from bot.texts import Raw, Texts

ASKING, REVIEW, DUPLICATE = range(3)
FLOW = "register"
DRAFT = "register_draft"


def _draft(context: BotContext) -> dict[str, Any]:
    draft: dict[str, Any] = context.draft[DRAFT]
    return draft


async def _class_choices(update: Update, context: BotContext) -> list[tuple[int, str]]:
    actor = await context.actor(update)
    scope = None if actor.admin else actor.head_classes
    classes = await people.list_classes(context.services.db, scope)
    return [(c.id, c.label) for c in classes]


async def start(update: Update, context: BotContext) -> int:
    """Entry: only head teachers (and admins) register; the draft starts empty."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not (actor.admin or actor.head_classes):
        await reply(update, texts.t("access.denied"))
        return ConversationHandler.END
    if not await _class_choices(update, context):
        await reply(update, texts.t("register.no_class"))
        return ConversationHandler.END
    if not await begin_flow(update, context, FLOW):
        return ConversationHandler.END
    context.draft[DRAFT] = {
        "nonce": secrets.token_hex(3), "token": secrets.token_hex(8), "step": 0, "values": {}, "editing": False,
    }  # fmt: skip
    await reply(update, texts.t("register.start", steps=len(FIELDS)))
    return await _ask(update, context, texts)


async def _ask(update: Update, context: BotContext, texts: Texts) -> int:
    """Asks the current field; a class field with one possible class fills itself in."""
    draft = _draft(context)
    draft["reviewing"] = False
    step = draft["step"]
    spec = FIELDS[step]
    nonce = draft["nonce"]
    star = texts.t("register.star") if spec.required else ""
    label = texts.t(f"field.{spec.name}")
    progress = {"step": step + 1, "steps": len(FIELDS), "label": label, "star": star}
    buttons = []
    if spec.kind is FieldKind.CLASS:
        choices = await _class_choices(update, context)
        if len(choices) == 1:
            return await _store(update, context, texts, spec, choices[0][0])
        buttons = [kb.button(name, "reg", "p", nonce, step, class_id) for class_id, name in choices]
        question = texts.t("register.ask_choice", **progress)
    elif spec.kind is FieldKind.CHOICE:
        buttons = [kb.button(texts.t(f"choice.{spec.name}.{c}"), "reg", "p", nonce, step, c) for c in spec.choices]
        question = texts.t("register.ask_choice", **progress)
    elif spec.kind in (FieldKind.DATE, FieldKind.BIRTH_DATE):
        question = texts.t("register.ask_date", **progress)
    elif spec.kind is FieldKind.PHONE:
        question = texts.t("register.ask_phone", **progress)
    else:
        question = texts.t("register.ask_text", **progress)
    extra = [kb.button(texts.t("button.skip"), "reg", "s", nonce, step)] if not spec.required else []
    await reply(update, question, kb.grid(buttons, 2, extra) if buttons or extra else None)
    return ASKING


async def _store(update: Update, context: BotContext, texts: Texts, spec: ArchiveField, value: object) -> int:
    """Keeps one value in the draft, then asks the next field (or returns to the review)."""
    draft = _draft(context)
    draft["values"][spec.name] = value
    if draft["editing"] or draft["step"] + 1 >= len(FIELDS):
        draft["editing"] = False
        return await _review(update, context, texts)
    draft["step"] += 1
    return await _ask(update, context, texts)


def _current(context: BotContext, match: re.Match[str]) -> ArchiveField | None:
    """The field a button belongs to, or None when the button is from another form or another step."""
    draft = context.draft.get(DRAFT)
    if not draft or match.group(1) != draft["nonce"] or int(match.group(2)) != draft["step"]:
        return None
    spec: ArchiveField = FIELDS[draft["step"]]
    return spec


async def typed(update: Update, context: BotContext) -> int:
    """A typed answer: validated for the current field; on error, say what is expected and ask again."""
    texts = await context.texts(update)
    spec = FIELDS[_draft(context)["step"]]
    assert update.message is not None and update.message.text is not None
    try:
        value = parse_field(spec, update.message.text, today=registry_service.local_today(context.services))
    except InvalidInput as problem:
        await reply(update, texts.t(problem.reason))
        if spec.kind in (FieldKind.CHOICE, FieldKind.CLASS):
            return await _ask(update, context, texts)  # its buttons may be gone (see hint) or far up
        return ASKING
    return await _store(update, context, texts, spec, value)


async def picked(update: Update, context: BotContext) -> int:
    """A choice button for the current field."""
    texts = await context.texts(update)
    assert context.matches
    match = context.matches[0]
    spec = _current(context, match)
    if spec is None:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return ASKING
    await answer(update)
    raw = match.group(3)
    if spec.kind is FieldKind.CLASS:
        allowed = {class_id for class_id, _ in await _class_choices(update, context)}
        if not raw.isdigit() or int(raw) not in allowed:
            await reply(update, texts.t("access.denied"))
            return ASKING
        value: object = int(raw)
    else:
        try:
            value = parse_choice(spec, raw)
        except InvalidInput as problem:
            await reply(update, texts.t(problem.reason))
            return ASKING
    await edit_or_reply(
        update, texts.t("card.line", label=texts.t(f"field.{spec.name}"), value=_label(texts, spec, raw))
    )
    return await _store(update, context, texts, spec, value)


def _label(texts: Texts, spec: ArchiveField, raw: str) -> str:
    if spec.kind is FieldKind.CHOICE:
        return texts.t(f"choice.{spec.name}.{raw}")
    return raw


async def skipped(update: Update, context: BotContext) -> int:
    """Skip an optional field (a required one cannot be skipped)."""
    texts = await context.texts(update)
    assert context.matches
    spec = _current(context, context.matches[0])
    if spec is None:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return ASKING
    if spec.required:
        await answer(update, texts.t("register.required"), alert=True)
        return ASKING
    await answer(update)
    return await _store(update, context, texts, spec, None)


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
        needs_buttons = FIELDS[draft["step"]].kind in (FieldKind.CHOICE, FieldKind.CLASS)
    await reply(update, texts.t("flow.hint_buttons" if needs_buttons else "flow.hint_text"))
    # Ask again, buttons included: the question's buttons may be gone (the bot was stopped between
    # editing the last answer into place and sending the next question) or far up the chat.
    if draft and not draft.get("reviewing"):
        await _ask(update, context, texts)


async def _review(update: Update, context: BotContext, texts: Texts) -> int:
    draft = _draft(context)
    draft["reviewing"] = True
    values = draft["values"]
    class_label = ""
    if values.get("class_id"):
        school_class = await people.get_class(context.services.db, int(values["class_id"]))
        class_label = school_class.label if school_class else ""
    card = render_card(texts, values, class_label=class_label, today=registry_service.local_today(context.services))
    nonce = draft["nonce"]
    markup = InlineKeyboardMarkup(
        [
            [kb.button(texts.t("button.confirm"), "reg", "ok", nonce)],
            [kb.button(texts.t("button.edit"), "reg", "ed", nonce)],
        ]
    )
    await reply(update, texts.t("register.review", card=Raw(card)), markup)
    return REVIEW


def _nonce_ok(context: BotContext) -> bool:
    draft = context.draft.get(DRAFT)
    return bool(draft and context.matches and context.matches[0].group(1) == draft["nonce"])


async def edit_menu(update: Update, context: BotContext) -> int:
    """From the review: choose a field to change."""
    texts = await context.texts(update)
    if not _nonce_ok(context):
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return REVIEW
    await answer(update)
    nonce = _draft(context)["nonce"]
    buttons = [kb.button(texts.t(f"field.{f.name}"), "reg", "ef", nonce, i) for i, f in enumerate(FIELDS)]
    await edit_or_reply(update, texts.t("register.choose_field_to_edit"), kb.grid(buttons, 3))
    return REVIEW


async def edit_field(update: Update, context: BotContext) -> int:
    """From the review: ask one field again, then come back to the review."""
    texts = await context.texts(update)
    if not _nonce_ok(context):
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return REVIEW
    await answer(update)
    assert context.matches
    step = int(context.matches[0].group(2))
    if not 0 <= step < len(FIELDS):
        return REVIEW
    draft = _draft(context)
    draft["step"] = step
    draft["editing"] = True
    return await _ask(update, context, texts)


async def save(update: Update, context: BotContext) -> int:
    """Confirm: check for a duplicate, then save once (the draft is taken before writing)."""
    texts = await context.texts(update)
    if not _nonce_ok(context):
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return REVIEW
    await answer(update)
    draft = _draft(context)
    missing = [f for f in FIELDS if f.required and draft["values"].get(f.name) in (None, "")]
    if missing:
        names = texts.t("list.separator").join(texts.t(f"field.{f.name}") for f in missing)
        await reply(update, texts.t("register.missing", fields=names))
        draft["step"] = FIELDS.index(missing[0])
        draft["editing"] = False
        return await _ask(update, context, texts)
    if not draft.get("duplicate_ok"):
        duplicates = await registry_service.duplicates_of(
            context.services, draft["values"], flow_token=draft.get("token")
        )
        if duplicates:
            school_class = await people.get_class(context.services.db, int(draft["values"]["class_id"]))
            markup = InlineKeyboardMarkup(
                [
                    [kb.button(texts.t("register.duplicate_yes"), "reg", "dy", draft["nonce"])],
                    [kb.button(texts.t("register.duplicate_no"), "reg", "dn", draft["nonce"])],
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
    try:
        child_id = await registry_service.register_child(
            context.services, actor, draft["values"], flow_token=draft.get("token")
        )
    except AccessDenied:
        await reply(update, texts.t("access.denied"))
        return end_flow(context, DRAFT)
    await edit_or_reply(update, texts.t("register.saved", name=draft["values"]["name"], id=child_id))
    return end_flow(context, DRAFT)


async def duplicate_answer(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert context.matches
    match = context.matches[0]
    draft = context.draft.get(DRAFT)
    if not draft or match.group(2) != draft["nonce"]:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return DUPLICATE
    await answer(update)
    if match.group(1) == "n":
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
                CallbackQueryHandler(_with_draft(picked), pattern=kb.REGISTER_PICK),
                CallbackQueryHandler(_with_draft(skipped), pattern=kb.REGISTER_SKIP),
            ],
            REVIEW: [
                CallbackQueryHandler(_with_draft(save), pattern=kb.REGISTER_SAVE),
                CallbackQueryHandler(_with_draft(edit_menu), pattern=kb.REGISTER_EDIT),
                CallbackQueryHandler(_with_draft(edit_field), pattern=kb.REGISTER_EDIT_FIELD),
            ],
            DUPLICATE: [CallbackQueryHandler(_with_draft(duplicate_answer), pattern=kb.REGISTER_DUPLICATE)],
        },
        draft_keys=(DRAFT,),
        timeout_minutes=timeout_minutes,
        hint=hint,
    )
