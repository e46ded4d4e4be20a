"""Voice letters (亲情语音信): the card's 「亲情语音信」 button shows a child's letters and the parents' answers still
waiting for the child; a teacher records a new letter (the child speaks into the teacher's phone); a parent
answers by the letter's button with a voice message, a photo or words; at family time the teacher plays each
waiting answer to the child.

Callback data (bot/buttons/letters.py; ids come from the client: the service re-checks the policy or the binding):
  vl:m:<child>    the child's letters          vl:n:<child>    record a new one
  vl:a:<letter>   a parent answers             vl:p:<answer>   play an answer to the child
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.messages import Attachment
from bot.domain.models import Child
from bot.domain.roles import Actor
from bot.handlers.common import BotContext, answer, fetch_one, refuse, reply
from bot.handlers.flow import Draft, Flow
from bot.handlers.parent_messages import MEDIA, read_message
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound, Services
from bot.services import voice_letters as service
from bot.texts import Texts

ROUTES = Routes()


@dataclass(kw_only=True)
class Recording(Draft):
    """The child whose letter is being recorded."""

    child_id: int


@dataclass(kw_only=True)
class Answering(Draft):
    """The letter a parent answers."""

    letter_id: int


# A draft gone: the child's record was erased meanwhile (its draft named the child), or the letter went with it.
RECORD = Flow("voice_letter", Recording, "voice_letter", gone="card.gone")
ANSWER = Flow("letter_answer", Answering, "letter_answer", gone="letter.gone")
RECORDING, TYPING = 0, 1


async def card_part(
    services: Services, texts: Texts, actor: Actor, child: Child
) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """The card's line about the child's letters and its button, for those who may send them."""
    found = await service.counts(services, actor, child)
    if found is None:
        return "", []
    letters, waiting = found
    line = "\n" + texts.t("letter.card_line", letters=letters, waiting=waiting) if letters else ""
    return line, [[kb.button(texts.t("letter.card_button"), bt.LetterMenu(child.id))]]


@ROUTES.button(bt.LetterMenu)
async def menu(update: Update, context: BotContext) -> None:
    fetched = await fetch_one(
        update, context, service.overview, bt.LetterMenu.of(update).child, denied="access.child_denied"
    )
    if fetched is None:
        return
    texts, found = fetched
    tz = context.services.config.school.timezone
    lines = [texts.t("letter.menu_head", child=found.child.name, waiting=found.waiting)]
    buttons = [kb.button(texts.t("letter.new_button"), bt.LetterNew(found.child.id))]
    for letter, answers in found.letters:
        when = letter.created_at.astimezone(tz).strftime("%Y-%m-%d")
        lines.append(texts.t("letter.menu_letter", date=when, seconds=letter.seconds, families=letter.families))
        for one in answers:
            kind = one.media_kind or "text"
            state = texts.t("letter.heard" if one.heard_at else "letter.waiting")
            lines.append(
                texts.t(f"letter.menu_answer_{kind}", name=one.parent_name, seconds=one.media_seconds or 0,
                        text=one.text[:80], state=state)
            )  # fmt: skip
            if one.heard_at is None:
                label = texts.t("letter.play_button", name=one.parent_name)
                buttons.append(kb.button(label, bt.LetterPlay(one.id)))
    if not found.letters:
        lines.append(texts.t("letter.none"))
    await reply(update, "\n".join(lines), kb.grid(buttons, 1))


@ROUTES.button(bt.LetterPlay)
async def play(update: Update, context: BotContext) -> None:
    """An answer played to the child at family time: sent again by its file_id (or its words), then no longer
    waiting."""
    fetched = await fetch_one(update, context, service.play, bt.LetterPlay.of(update).answer, gone="letter.gone")
    if fetched is None:
        return
    texts, found = fetched
    chat = update.effective_chat
    if chat is None:
        return
    caption = texts.t("letter.play_caption", name=found.parent_name, text=found.text)
    if found.media_kind == "voice" and found.media_file:
        await chat.send_voice(found.media_file, caption=caption, parse_mode=ParseMode.HTML)
    elif found.media_kind == "photo" and found.media_file:
        await chat.send_photo(found.media_file, caption=caption, parse_mode=ParseMode.HTML)
    else:
        await reply(update, caption)


# --- recording a letter -----------------------------------------------------------------------------------------


async def record_start(update: Update, context: BotContext) -> int:
    child_id = bt.LetterNew.of(update).child
    fetched = await fetch_one(update, context, service.child_for_letter, child_id, denied="access.child_denied")
    if fetched is None:
        return ConversationHandler.END
    texts, child = fetched
    return await RECORD.open(
        update, context, Recording(child_id=child.id), texts.t("letter.ask_voice", child=child.name), RECORDING
    )


async def recorded(update: Update, context: BotContext, draft: Recording) -> int:
    texts = await context.texts(update)
    message = update.message
    assert message is not None and message.voice is not None
    duration = message.voice.duration
    seconds = int(duration.total_seconds()) if isinstance(duration, timedelta) else int(duration)
    if seconds > service.MAX_SECONDS:
        await reply(update, texts.t("letter.too_long", minutes=service.MAX_SECONDS // 60))
        return RECORDING
    actor = await context.actor(update)
    try:
        families = await service.send(context.services, actor, draft.child_id, message.voice.file_id, seconds)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied", gone="card.gone")
        return RECORD.end(context)
    await reply(update, texts.t("letter.sent", families=families) if families else texts.t("letter.nobody"))
    return RECORD.end(context)


# --- a parent answers ------------------------------------------------------------------------------------------


async def answer_start(update: Update, context: BotContext) -> int:
    await answer(update)
    assert update.effective_user is not None
    texts = await context.texts(update)
    letter_id = bt.LetterAnswer.of(update).letter
    try:
        await service.letter_for_parent(context.services, update.effective_user.id, letter_id)
    except NotFound:
        await reply(update, texts.t("letter.gone"))
        return ConversationHandler.END
    return await ANSWER.open(update, context, Answering(letter_id=letter_id), texts.t("letter.ask_answer"), TYPING)


async def answer_sent(
    update: Update, context: BotContext, texts: Texts, draft: Answering, sent: tuple[str, Attachment | None]
) -> int:
    """The parent's voice message, photo or words for the child."""
    assert update.effective_user is not None
    words, attachment = sent
    try:
        await service.answer(context.services, update.effective_user.id, draft.letter_id, words, attachment)
    except NotFound:
        await reply(update, texts.t("letter.gone"))
        return ANSWER.end(context)
    await reply(update, texts.t("letter.answered"))
    return ANSWER.end(context)


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    record = RECORD.conversation(
        entry_points=[CallbackQueryHandler(record_start, pattern=bt.LetterNew.pattern)],
        states={RECORDING: [RECORD.on_text(filters.VOICE, recorded)]},
        timeout_minutes=timeout_minutes,
        hint_key="letter.record_hint",
    )
    answer_flow = ANSWER.conversation(
        entry_points=[CallbackQueryHandler(answer_start, pattern=bt.LetterAnswer.pattern)],
        states={TYPING: [ANSWER.on_read((filters.TEXT & ~filters.COMMAND) | MEDIA, read_message, answer_sent)]},
        timeout_minutes=timeout_minutes,
        hint_key="letter.answer_hint",
    )
    return [record, answer_flow]


handlers = ROUTES.handlers
