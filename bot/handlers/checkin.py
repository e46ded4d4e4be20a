"""/checkin: pick a child, then "all fine" (three taps in all) or four ratings, an optional note, save."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.care import Ratings
from bot.domain.models import Child
from bot.domain.validation import InvalidInput, clean_text
from bot.handlers import care_picker as picker
from bot.handlers.common import (
    BotContext,
    answer,
    conversation,
    edit_or_reply,
    end_flow,
    end_saved,
    refuse,
    reply,
)
from bot.services import AccessDenied, NotFound
from bot.services import care as care_service
from bot.services.care import InvalidChange
from bot.texts import Raw, Texts

PICK, CHOOSE, RATE, NOTE, REVIEW = range(5)
FLOW = "checkin"
DRAFT = "checkin_draft"


def _draft(context: BotContext) -> dict[str, Any] | None:
    draft: dict[str, Any] | None = context.draft.get(DRAFT)
    return draft


async def start(update: Update, context: BotContext) -> int:
    """Entry: staff who may log care only; `/checkin name` searches at once."""
    draft = {"nonce": picker.new_nonce(), "token": picker.new_token(), "ratings": {}, "step": 0, "worry": False}
    return await picker.start_care_flow(
        update,
        context,
        flow=FLOW,
        draft_key=DRAFT,
        draft=draft,
        pick=bt.CheckinPick,
        prompt_key="care.checkin_pick",
        state=PICK,
        chosen=_chosen,
    )


async def typed_name(update: Update, context: BotContext) -> int:
    return await picker.typed_name(
        update, context, draft_key=DRAFT, pick=bt.CheckinPick, finder=picker.find_for_care, state=PICK, chosen=_chosen
    )


async def picked(update: Update, context: BotContext) -> int:
    return await picker.picked_for_care(
        update, context, draft_key=DRAFT, pick=bt.CheckinPick, stage=None, state=PICK, chosen=_chosen
    )


async def _chosen(update: Update, context: BotContext, texts: Texts, child: Child) -> int:
    draft = _draft(context)
    assert draft is not None
    draft["child_id"], draft["child_name"], draft["stage"] = child.id, child.name, "choose"
    nonce = draft["nonce"]
    markup = InlineKeyboardMarkup(
        [
            [kb.button(texts.t("care.checkin_all_fine"), bt.CheckinAction("ok", nonce))],
            [kb.button(texts.t("care.checkin_detail"), bt.CheckinAction("d", nonce))],
        ]
    )
    await reply(update, texts.t("care.checkin_choose", name=child.name, class_label=child.class_label), markup)
    return CHOOSE


_STAGE_OF_VERB = {"ok": "choose", "d": "choose", "sk": "note", "w": "review", "s": "review"}


async def action(update: Update, context: BotContext) -> int | None:
    """The check-in's buttons: all fine, rate in detail, skip the note, toggle the worry mark, save.
    A button from an earlier step of this check-in is stale too (an old "all fine" after rating, say)."""
    texts = await context.texts(update)
    button = bt.CheckinAction.of(update)
    verb = button.action
    draft = await picker.pressed(update, context, DRAFT, button.nonce, stage=_STAGE_OF_VERB[verb])
    if draft is None:
        return None
    if verb == "ok":
        return await _save(update, context, texts, Ratings.all_fine(), quick=True)
    if verb == "d":
        draft["step"] = 0
        return await _ask_rating(update, context, texts)
    if verb == "sk":
        return await _review(update, context, texts)
    if verb == "w":
        draft["worry"] = not draft["worry"]
        return await _review(update, context, texts, edit=True)
    ratings = Ratings(**{aspect: draft["ratings"][aspect] for aspect in rules.ASPECTS})
    return await _save(update, context, texts, ratings, quick=False)


async def _ask_rating(update: Update, context: BotContext, texts: Texts) -> int:
    draft = _draft(context)
    assert draft is not None
    draft["stage"] = "rate"
    step = draft["step"]
    aspect = rules.ASPECTS[step]
    buttons = [
        kb.button(texts.t(f"care.rating.{value}"), bt.CheckinRate(draft["nonce"], step, value))
        for value in rules.RATINGS
    ]
    await reply(
        update,
        texts.t(
            "care.checkin_ask_rating",
            step=step + 1,
            steps=len(rules.ASPECTS),
            aspect=texts.t(f"care.aspect.{aspect}"),
            name=draft["child_name"],
        ),
        kb.grid(buttons, 3),
    )
    return RATE


async def rated(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    button = bt.CheckinRate.of(update)
    draft = _draft(context)
    if draft is None or button.nonce != draft["nonce"] or button.step != draft["step"]:
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return RATE
    try:
        value = rules.parse_rating(button.rating)
    except InvalidInput as problem:
        await answer(update, texts.t(problem.reason), alert=True)
        return RATE
    await answer(update)
    aspect = rules.ASPECTS[draft["step"]]
    draft["ratings"][aspect] = value
    await edit_or_reply(
        update,
        texts.t("care.checkin_rated", aspect=texts.t(f"care.aspect.{aspect}"), rating=texts.t(f"care.rating.{value}")),
    )
    if draft["step"] + 1 < len(rules.ASPECTS):
        draft["step"] += 1
        return await _ask_rating(update, context, texts)
    draft["stage"] = "note"
    markup = kb.grid([kb.button(texts.t("button.skip"), bt.CheckinAction("sk", draft["nonce"]))], 1)
    await reply(update, texts.t("care.checkin_ask_note"), markup)
    return NOTE


async def noted(update: Update, context: BotContext) -> int:
    """A typed note or a voice note (kept as its file id)."""
    texts = await context.texts(update)
    draft = _draft(context)
    if draft is None:
        return end_flow(context, DRAFT)
    message = update.message
    assert message is not None
    if message.voice is not None:
        draft["voice"] = message.voice.file_id
    else:
        try:
            draft["note"] = clean_text(message.text or "", max_length=rules.NOTE_MAX)
        except InvalidInput as problem:
            await reply(update, texts.t(problem.reason))
            return NOTE
    return await _review(update, context, texts)


def _summary(texts: Texts, draft: dict[str, Any]) -> str:
    lines = [
        texts.t(
            "care.checkin_line",
            aspect=texts.t(f"care.aspect.{a}"),
            rating=texts.t(f"care.rating.{draft['ratings'][a]}"),
        )
        for a in rules.ASPECTS
    ]
    if draft.get("note"):
        lines.append(texts.t("care.checkin_note", note=draft["note"]))
    if draft.get("voice"):
        lines.append(texts.t("care.checkin_voice"))
    return "\n".join(lines)


async def _review(update: Update, context: BotContext, texts: Texts, *, edit: bool = False) -> int:
    draft = _draft(context)
    assert draft is not None
    draft["stage"] = "review"
    ratings = Ratings(**{a: draft["ratings"][a] for a in rules.ASPECTS})
    worry = rules.is_worry(ratings, note_flagged=draft["worry"])
    text = texts.t(
        "care.checkin_review",
        name=draft["child_name"],
        summary=Raw(_summary(texts, draft)),
    )
    if worry:
        text += "\n\n" + texts.t("care.checkin_flagged")
    nonce = draft["nonce"]
    toggle = "care.checkin_unmark_worry" if draft["worry"] else "care.checkin_mark_worry"
    markup = InlineKeyboardMarkup(
        [
            [kb.button(texts.t("button.confirm"), bt.CheckinAction("s", nonce))],
            [kb.button(texts.t(toggle), bt.CheckinAction("w", nonce))],
        ]
    )
    if edit:
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)
    return REVIEW


async def _save(update: Update, context: BotContext, texts: Texts, ratings: Ratings, *, quick: bool) -> int:
    """Saves once: the draft is taken first, and the flow token makes a repeated save a no-op."""
    draft = context.draft.pop(DRAFT)
    actor = await context.actor(update)
    try:
        saved = await care_service.save_checkin(
            context.services,
            actor,
            int(draft["child_id"]),
            ratings,
            note=draft.get("note"),
            voice_file_id=draft.get("voice"),
            note_flagged=bool(draft.get("worry")),
            quick=quick,
            flow_token=draft["token"],
        )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return end_flow(context, DRAFT)
    end_saved(update, context, DRAFT)
    if saved.checkin_id is None:
        await reply(update, texts.t("care.already_saved"))
        return ConversationHandler.END
    key = "care.checkin_saved_fine" if quick else "care.checkin_saved"
    await edit_or_reply(update, texts.t(key, name=draft["child_name"]))
    if saved.worry:
        markup = InlineKeyboardMarkup(
            [
                [kb.button(texts.t("care.concern_yes"), bt.CheckinConcern(saved.checkin_id, "y"))],
                [kb.button(texts.t("care.concern_no"), bt.CheckinConcern(saved.checkin_id, "n"))],
            ]
        )
        await reply(update, texts.t("care.concern_ask", name=draft["child_name"]), markup)
    return ConversationHandler.END


async def concern_answer(update: Update, context: BotContext) -> None:
    """Yes / not now to "raise a concern?" on a flagged check-in (the author only; ids are re-checked)."""
    await answer(update)
    texts = await context.texts(update)
    actor = await context.actor(update)
    button = bt.CheckinConcern.of(update)
    checkin_id, wanted = button.checkin, button.answer == "y"
    try:
        await care_service.answer_concern(context.services, actor, checkin_id, wanted)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, gone="care.record_gone")
        return
    await edit_or_reply(update, texts.t("care.concern_wanted" if wanted else "care.concern_not_now"))


async def hint(update: Update, context: BotContext) -> None:
    """Stray input: say what this step needs."""
    await answer(update)
    texts = await context.texts(update)
    message = update.effective_message
    if message is not None and message.text and message.text.startswith("/"):
        await reply(update, texts.t("flow.command_in_flow", flow=texts.t("flow.name.checkin")))
        return
    draft = _draft(context) or {}
    if "child_id" not in draft:
        await reply(update, texts.t("care.hint_pick"))
    elif draft.get("stage") == "note":
        await reply(update, texts.t("care.hint_note"))
    else:
        await reply(update, texts.t("flow.hint_buttons"))
    # A rating (or the review) is asked again, buttons included: they may be gone (the bot was stopped between
    # editing the last rating into place and sending the next question) or far up the chat.
    if draft.get("stage") == "rate":
        await _ask_rating(update, context, texts)
    elif draft.get("stage") == "review":
        await _review(update, context, texts)


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    text = filters.TEXT & ~filters.COMMAND
    buttons = CallbackQueryHandler(action, pattern=bt.CheckinAction.pattern)
    return conversation(
        name=FLOW,
        entry_points=[CommandHandler("checkin", start)],
        states={
            PICK: [MessageHandler(text, typed_name), CallbackQueryHandler(picked, pattern=bt.CheckinPick.pattern)],
            CHOOSE: [buttons],
            RATE: [CallbackQueryHandler(rated, pattern=bt.CheckinRate.pattern)],
            NOTE: [MessageHandler(text | filters.VOICE, noted), buttons],
            REVIEW: [buttons],
        },
        draft_keys=(DRAFT,),
        timeout_minutes=timeout_minutes,
        hint=hint,
    )


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [CallbackQueryHandler(concern_answer, pattern=bt.CheckinConcern.pattern)]
