"""/checkin: pick a child, then "all fine" (three taps in all) or four ratings, an optional note, save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.care import Ratings
from bot.domain.models import Child
from bot.domain.validation import InvalidInput, clean_text
from bot.handlers import care_picker as picker
from bot.handlers.common import TYPED, BotContext, edit_or_reply, pressed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow, new_token
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import care as care_service
from bot.services.care import InvalidChange
from bot.texts import Raw, Texts

PICK, CHOOSE, RATE, NOTE, REVIEW = range(5)


ROUTES = Routes()


@dataclass(kw_only=True)
class Checkin(Draft):
    """A check-in under way: the child once picked, the ratings given so far (`step` is the aspect asked), the
    note (typed, or a voice note's file id) and the author's worry mark."""

    token: str = field(default_factory=new_token)
    child_id: int | None = None
    child_name: str = ""
    ratings: dict[str, int] = field(default_factory=dict)
    step: int = 0
    worry: bool = False
    note: str | None = None
    voice: str | None = None


FLOW = Flow("checkin", Checkin, "checkin_draft")


async def _chosen(update: Update, context: BotContext, texts: Texts, draft: Checkin, child: Child) -> int:
    draft.child_id, draft.child_name = child.id, child.name
    nonce = draft.nonce
    markup = InlineKeyboardMarkup(
        [
            [kb.button(texts.t("care.checkin_all_fine"), bt.CheckinAction("ok", nonce))],
            [kb.button(texts.t("care.checkin_detail"), bt.CheckinAction("d", nonce))],
        ]
    )
    await reply(update, texts.t("care.checkin_choose", name=child.name, class_label=child.class_label), markup)
    return CHOOSE


PICKER = picker.ChildPicker(FLOW, pick=bt.CheckinPick, prompt_key="care.checkin_pick", state=PICK, chosen=_chosen)


def _verbs(*verbs: str) -> Callable[[Checkin, bt.CheckinAction], str | None]:
    """The check-in's buttons a step takes: one of an earlier step (an old "all fine" after rating) is stale."""
    return lambda draft, button: None if button.action in verbs else STALE


async def action(update: Update, context: BotContext, draft: Checkin, button: bt.CheckinAction) -> int:
    """The check-in's buttons: all fine, rate in detail, skip the note, toggle the worry mark, save."""
    texts = await context.texts(update)
    verb = button.action
    if verb == "ok":
        return await _save(update, context, texts, Ratings.all_fine(), quick=True)
    if verb == "d":
        draft.step = 0
        return await _ask_rating(update, texts, draft)
    if verb == "sk":
        return await _review(update, texts, draft)
    if verb == "w":
        draft.worry = not draft.worry
        return await _review(update, texts, draft, edit=True)
    return await _save(update, context, texts, _ratings(draft), quick=False)


def _ratings(draft: Checkin) -> Ratings:
    return Ratings(**{aspect: draft.ratings[aspect] for aspect in rules.ASPECTS})


async def _ask_rating(update: Update, texts: Texts, draft: Checkin) -> int:
    step = draft.step
    aspect = rules.ASPECTS[step]
    buttons = [
        kb.button(texts.t(f"care.rating.{value}"), bt.CheckinRate(draft.nonce, step, value)) for value in rules.RATINGS
    ]
    await reply(
        update,
        texts.t(
            "care.checkin_ask_rating",
            step=step + 1,
            steps=len(rules.ASPECTS),
            aspect=texts.t(f"care.aspect.{aspect}"),
            name=draft.child_name,
        ),
        kb.grid(buttons, 3),
    )
    return RATE


def _this_rating(draft: Checkin, button: bt.CheckinRate) -> str | None:
    """A rating button must be for the aspect asked, with a rating there is."""
    if button.step != draft.step:
        return STALE
    try:
        rules.parse_rating(button.rating)
    except InvalidInput as problem:
        return problem.reason
    return None


async def rated(update: Update, context: BotContext, draft: Checkin, button: bt.CheckinRate) -> int:
    texts = await context.texts(update)
    value = rules.parse_rating(button.rating)
    aspect = rules.ASPECTS[draft.step]
    draft.ratings[aspect] = value
    await edit_or_reply(
        update,
        texts.t("care.checkin_rated", aspect=texts.t(f"care.aspect.{aspect}"), rating=texts.t(f"care.rating.{value}")),
    )
    if draft.step + 1 < len(rules.ASPECTS):
        draft.step += 1
        return await _ask_rating(update, texts, draft)
    markup = kb.grid([kb.button(texts.t("button.skip"), bt.CheckinAction("sk", draft.nonce))], 1)
    await reply(update, texts.t("care.checkin_ask_note"), markup)
    return NOTE


async def noted(update: Update, context: BotContext, draft: Checkin) -> int:
    """A typed note or a voice note (kept as its file id)."""
    texts = await context.texts(update)
    message = update.message
    assert message is not None
    if message.voice is not None:
        draft.voice = message.voice.file_id
    else:
        try:
            draft.note = clean_text(message.text or "", max_length=rules.NOTE_MAX)
        except InvalidInput as problem:
            await reply(update, texts.t(problem.reason))
            return NOTE
    return await _review(update, texts, draft)


def _summary(texts: Texts, draft: Checkin) -> str:
    lines = [
        texts.t(
            "care.checkin_line",
            aspect=texts.t(f"care.aspect.{a}"),
            rating=texts.t(f"care.rating.{draft.ratings[a]}"),
        )
        for a in rules.ASPECTS
    ]
    if draft.note:
        lines.append(texts.t("care.checkin_note", note=draft.note))
    if draft.voice:
        lines.append(texts.t("care.checkin_voice"))
    return "\n".join(lines)


async def _review(update: Update, texts: Texts, draft: Checkin, *, edit: bool = False) -> int:
    worry = rules.is_worry(_ratings(draft), note_flagged=draft.worry)
    text = texts.t("care.checkin_review", name=draft.child_name, summary=Raw(_summary(texts, draft)))
    if worry:
        text += "\n\n" + texts.t("care.checkin_flagged")
    nonce = draft.nonce
    toggle = "care.checkin_unmark_worry" if draft.worry else "care.checkin_mark_worry"
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
    draft = FLOW.take(context)
    assert draft is not None and draft.child_id is not None
    actor = await context.actor(update)
    try:
        saved = await care_service.save_checkin(
            context.services,
            actor,
            draft.child_id,
            ratings,
            note=draft.note,
            voice_file_id=draft.voice,
            note_flagged=draft.worry,
            quick=quick,
            flow_token=draft.token,
        )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    if not await FLOW.saved_once(update, context, new=saved.checkin_id is not None):
        return ConversationHandler.END
    key = "care.checkin_saved_fine" if quick else "care.checkin_saved"
    await edit_or_reply(update, texts.t(key, name=draft.child_name))
    if saved.worry and saved.checkin_id is not None:
        markup = InlineKeyboardMarkup(
            [
                [kb.button(texts.t("care.concern_yes"), bt.CheckinConcern(saved.checkin_id, "y"))],
                [kb.button(texts.t("care.concern_no"), bt.CheckinConcern(saved.checkin_id, "n"))],
            ]
        )
        await reply(update, texts.t("care.concern_ask", name=draft.child_name), markup)
    return ConversationHandler.END


@ROUTES.button(bt.CheckinConcern)
async def concern_answer(update: Update, context: BotContext) -> None:
    """Yes / not now to "raise a concern?" on a flagged check-in (the author only; ids are re-checked)."""
    texts, actor, button = await pressed(update, context, bt.CheckinConcern)
    checkin_id, wanted = button.checkin, button.answer == "y"
    try:
        await care_service.answer_concern(context.services, actor, checkin_id, wanted)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, gone="care.record_gone")
        return
    await edit_or_reply(update, texts.t("care.concern_wanted" if wanted else "care.concern_not_now"))


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return FLOW.conversation(
        entry_points=[PICKER.command("checkin", Checkin)],
        states={
            PICK: PICKER.handlers(),
            CHOOSE: [FLOW.on_button(bt.CheckinAction, action, check=_verbs("ok", "d"))],
            RATE: [FLOW.on_button(bt.CheckinRate, rated, check=_this_rating)],
            NOTE: [
                FLOW.on_text(TYPED | filters.VOICE, noted),
                FLOW.on_button(bt.CheckinAction, action, check=_verbs("sk")),
            ],
            REVIEW: [FLOW.on_button(bt.CheckinAction, action, check=_verbs("w", "s"))],
        },
        timeout_minutes=timeout_minutes,
        hint={
            PICK: FLOW.hint_saying("care.hint_pick"),
            CHOOSE: FLOW.hint_saying("flow.hint_buttons"),
            RATE: FLOW.hint_saying("flow.hint_buttons", _ask_rating),
            NOTE: FLOW.hint_saying("care.hint_note"),
            REVIEW: FLOW.hint_saying("flow.hint_buttons", _review),
        },
    )


handlers = ROUTES.handlers
