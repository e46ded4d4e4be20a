"""Parents and the school write to each other: /contact (a parent writes to the head teacher; staff see who has
not been in contact), Telegram replies to the weekly update (and to a child's voice letter: its answer), the head
teacher's answers routed back, and /settings
(language, pause the weekly update, stop all messages).

Callback data (declared in bot/buttons/; ids come from the client: every handler re-checks the binding or the
role):
  gw:w                                 a parent starts a message to the head teacher (weekly update button)
  gw:a:<message>                       a head teacher answers a parent's message
  gs:m  gs:<lang|pause|resume|stop|start>[:<zh_CN|en>]   a parent's message settings
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot import views
from bot.domain.roles import Access, may_do
from bot.domain.validation import InvalidInput, clean_text
from bot.handlers import start
from bot.handlers.common import BotContext, answer, edit_or_reply, pressed, reply
from bot.handlers.flow import Draft, Flow
from bot.handlers.routes import Routes
from bot.services import NotFound, people, sent_messages, voice_letters
from bot.services import green_messages as messaging
from bot.services import message_kinds as message_kinds_service
from bot.texts import Texts

ROUTES = Routes()
TYPING = 10
MESSAGE_LIMIT = 1000
CAPTION_LIMIT = 600  # Telegram allows 1024 characters of caption, and the answer also quotes the question
MEDIA = filters.VOICE | filters.PHOTO


@dataclass(kw_only=True)
class Writing(Draft):
    """A parent's message to the head teacher: nothing to keep until it is sent."""


@dataclass(kw_only=True)
class Answering(Draft):
    """The parent's message a head teacher answers."""

    message_id: int


WRITE = Flow("green_write", Writing, "green_write")
ANSWER = Flow("green_answer", Answering, "green_answer", gone="green.answer.gone")


async def own_words(update: Update, texts: Texts, text: str, limit: int) -> str | None:
    """A message in a person's own words; empty or too long: None, and they are told the limit (a control
    character: told so)."""
    try:
        return clean_text(text, max_length=limit)
    except InvalidInput as problem:
        key = problem.reason if problem.reason == "invalid.control" else "green.write.too_long"
        await reply(update, texts.t(key, limit=limit))
        return None


async def voice_or_photo(update: Update, texts: Texts) -> tuple[messaging.Attachment, str] | None:
    """The voice message or photo a person sent (by its Telegram file_id) and its caption; a caption too long:
    None, and they are told the limit."""
    message = update.effective_message
    assert message is not None
    caption = ""
    if message.caption and message.caption.strip():
        try:
            caption = clean_text(message.caption, max_length=CAPTION_LIMIT)
        except InvalidInput as problem:
            key = problem.reason if problem.reason == "invalid.control" else "voice.caption.too_long"
            await reply(update, texts.t(key, limit=CAPTION_LIMIT))
            return None
    if message.voice is not None:
        seconds = message.voice.duration
        length = int(seconds.total_seconds()) if isinstance(seconds, timedelta) else int(seconds)
        return messaging.Attachment("voice", message.voice.file_id, length), caption
    assert message.photo  # the handlers take only voice messages and photos
    return messaging.Attachment("photo", message.photo[-1].file_id), caption


async def words_or_media(update: Update, texts: Texts, limit: int) -> tuple[str, messaging.Attachment | None] | None:
    """What a person sent: their words (within `limit`), or a voice message or photo with its caption; None when
    it does not fit (they are told why)."""
    message = update.effective_message
    assert message is not None
    if message.text is not None:
        body = await own_words(update, texts, message.text, limit)
        return None if body is None else (body, None)
    sent = await voice_or_photo(update, texts)
    return None if sent is None else (sent[1], sent[0])


# --- /contact: parents write to the head teacher; staff see who has not been in contact ---------------------


async def contact(update: Update, context: BotContext) -> int:
    texts, actor = await context.caller(update)
    if may_do(actor, Access.CONTACT_OVERVIEW):
        overview = await messaging.contact_overview(context.services, actor)
        await reply(update, views.view(context.services, texts).text(overview))
        return ConversationHandler.END
    if not may_do(actor, Access.FAMILY_MESSAGES):
        await reply(update, texts.t("green.write.not_parent"))
        return ConversationHandler.END
    return await _start_writing(update, context, texts)


async def write_button(update: Update, context: BotContext) -> int:
    await answer(update)
    texts, actor = await context.caller(update)
    if not may_do(actor, Access.FAMILY_MESSAGES):
        await reply(update, texts.t("green.write.not_parent"))
        return ConversationHandler.END
    return await _start_writing(update, context, texts)


async def _start_writing(update: Update, context: BotContext, texts: Texts) -> int:
    return await WRITE.open(update, context, Writing(), texts.t("voice.write.ask"), TYPING)


async def read_message(update: Update, texts: Texts) -> tuple[str, messaging.Attachment | None] | None:
    """A message between a family and the school (words_or_media within MESSAGE_LIMIT), for Flow.on_read."""
    return await words_or_media(update, texts, MESSAGE_LIMIT)


async def written(
    update: Update, context: BotContext, texts: Texts, draft: Writing, sent: tuple[str, messaging.Attachment | None]
) -> int:
    """A parent's words, voice message or photo for the head teacher."""
    assert update.effective_user
    body, attachment = sent
    routed = await messaging.parent_writes(context.services, update.effective_user.id, body, attachment)
    await reply(update, texts.t("green.write.sent" if routed else "green.write.unbound"))
    return WRITE.end(context)


async def answer_button(update: Update, context: BotContext) -> int:
    texts, actor, button = await pressed(update, context, bt.GreenAnswer)
    message_id = button.message
    check = await messaging.may_answer(context.services, actor, message_id)
    if check != "ok":
        await reply(update, texts.t(f"green.answer.{check}"))
        return ConversationHandler.END
    return await ANSWER.open(update, context, Answering(message_id=message_id), texts.t("voice.answer.ask"), TYPING)


async def answered(
    update: Update, context: BotContext, texts: Texts, draft: Answering, sent: tuple[str, messaging.Attachment | None]
) -> int:
    """A head teacher answers a parent in words, with a voice message or a photo."""
    body, attachment = sent
    actor = await context.actor(update)
    result = await messaging.staff_answers(context.services, actor, draft.message_id, body, attachment)
    await reply(update, texts.t(f"green.answer.{result}"))
    return ANSWER.end(context)


async def swipe_reply(update: Update, context: BotContext) -> None:
    """A parent who answers the weekly update (or a head teacher's answer) with Telegram's own "reply": the text,
    voice message or photo goes to the head teacher like a /contact message. Replies to any other bot message get
    the usual hint."""
    message = update.message
    assert message and message.reply_to_message and update.effective_user
    replied_to = message.reply_to_message.message_id
    letter = await voice_letters.letter_replied_to(context.services, update.effective_user.id, replied_to)
    kind = await sent_messages.kind_of(
        context.services,
        update.effective_user.id,
        replied_to,
        (message_kinds_service.WEEKLY, message_kinds_service.ANSWER),
    )
    if kind is None and letter is None:
        await start.unknown_message(update, context)
        return
    texts = await context.texts(update)
    attachment: messaging.Attachment | None = None
    if message.text:
        body = await own_words(update, texts, message.text, MESSAGE_LIMIT)
    else:
        sent_media = await voice_or_photo(update, texts)
        attachment, body = sent_media if sent_media else (None, None)
    if body is None:
        return
    if letter is not None:  # an answer to the child's voice letter: kept for the child, the teacher told
        try:
            await voice_letters.answer(context.services, update.effective_user.id, letter, body, attachment)
        except NotFound:
            await reply(update, texts.t("letter.gone"))
        else:
            await reply(update, texts.t("letter.answered"))
        return
    sent = await messaging.parent_writes(context.services, update.effective_user.id, body, attachment)
    await reply(update, texts.t("green.write.sent" if sent else "green.write.unbound"))


# --- /settings ---------------------------------------------------------------------------------------------


def settings_keyboard(texts: Texts, paused: bool, opted_out: bool) -> InlineKeyboardMarkup:
    weekly = "resume" if paused else "pause"
    everything = "start" if opted_out else "stop"
    return kb.grid(
        [
            kb.button(texts.t("language.zh_CN"), bt.GreenSettingsSet("lang", "zh_CN")),
            kb.button(texts.t("language.en"), bt.GreenSettingsSet("lang", "en")),
        ],
        2,
        [kb.button(texts.t(f"green.settings.{weekly}"), bt.GreenSettingsSet(weekly))],
        [kb.button(texts.t(f"green.settings.{everything}"), bt.GreenSettingsSet(everything))],
    )


async def _show_settings(update: Update, context: BotContext, *, edit: bool, note: str = "") -> None:
    assert update.effective_user
    context.forget_actor()
    texts = await context.texts(update)
    user = await people.get_user(context.services, update.effective_user.id)
    paused = bool(user and user.weekly_paused)
    opted_out = bool(user and user.opted_out)
    state = texts.t(
        "green.settings.state",
        weekly=texts.t("green.settings.weekly_off" if paused or opted_out else "green.settings.weekly_on"),
        all=texts.t("green.settings.all_off" if opted_out else "green.settings.all_on"),
    )
    text = (note + "\n\n" if note else "") + state
    markup = settings_keyboard(texts, paused, opted_out)
    if edit:
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


@ROUTES.command("settings")
async def settings(update: Update, context: BotContext) -> None:
    await _show_settings(update, context, edit=False)


@ROUTES.button(bt.GreenSettingsMenu)
async def settings_menu(update: Update, context: BotContext) -> None:
    await answer(update)
    await _show_settings(update, context, edit=False)


@ROUTES.button(bt.GreenSettingsSet)
async def settings_set(update: Update, context: BotContext) -> None:
    await answer(update)
    assert update.effective_user
    button = bt.GreenSettingsSet.of(update)
    action, language = button.setting, button.language
    if action == "lang" and language is None:
        texts = await context.texts(update)
        await reply(update, texts.t("flow.stale_button"))
        return
    key = await messaging.change_settings(context.services, update.effective_user.id, action, language)
    context.forget_actor()
    texts = await context.texts(update)
    await _show_settings(update, context, edit=True, note=texts.t(key))


# --- wiring ------------------------------------------------------------------------------------------------


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    content = (filters.TEXT & ~filters.COMMAND) | MEDIA
    write = WRITE.conversation(
        entry_points=[
            CommandHandler("contact", contact),
            CallbackQueryHandler(write_button, pattern=bt.GreenWrite.pattern),
        ],
        states={TYPING: [WRITE.on_read(content, read_message, written)]},
        timeout_minutes=timeout_minutes,
        hint_key="voice.write.hint",
    )
    answer_flow = ANSWER.conversation(
        entry_points=[CallbackQueryHandler(answer_button, pattern=bt.GreenAnswer.pattern)],
        states={TYPING: [ANSWER.on_read(content, read_message, answered)]},
        timeout_minutes=timeout_minutes,
        hint_key="voice.answer.hint",
    )
    return [write, answer_flow]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        *ROUTES.handlers(),
        MessageHandler(filters.REPLY & ((filters.TEXT & ~filters.COMMAND) | MEDIA), swipe_reply),
    ]
