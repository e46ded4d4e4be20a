"""A family answers a notice in its own words, with a voice message or a photo: the notice's 「回复」 button, then
speak or type. The sender reads the answers under the notice's status, by class, and hears a voice message (or
sees a photo) sent back by its file_id.

Callback data (bot/buttons/letters.py; ids come from the client: the service re-checks the recipient or sender):
  nr:<notice>             a family starts its answer
  nh:<notice>:<family>    the sender hears one family's voice answer or sees its photo
  nb:<notice>:<family>    the sender answers one family's answer (by voice, in words or with a photo)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.callback_data import Button
from bot.domain.messages import Attachment
from bot.handlers.common import BotContext, Callback, answer, fetch_pressed, refuse, reply
from bot.handlers.flow import D, Draft, Flow, Then
from bot.handlers.parent_messages import MEDIA, words_or_media
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import notices as service
from bot.texts import Texts

ROUTES = Routes()


@dataclass(kw_only=True)
class FamilyReply(Draft):
    """The notice a family answers in its own words."""

    notice_id: int


@dataclass(kw_only=True)
class AnswerBack(Draft):
    """One family's answer to a notice, which its sender answers: the notice, the family and its name."""

    notice_id: int
    user_id: int
    name: str = ""


FLOW = Flow("notice_reply", FamilyReply, "notice_reply")
BACK = Flow("notice_answer_back", AnswerBack, "notice_answer_back")
TYPING = 0
ANSWER_LIMIT = 300
SHOWN = 20  # answers listed under the status (the message stays well under Telegram's 4,096 characters)
QUOTED = 80  # characters of each typed answer in that list
OUTCOME = {"again": "notice.again", "not_sent": "notice.not_yours", "gone": "notice.gone"}


def kind_key(kind: str, choices: tuple[str, ...] | list[str]) -> str:
    """The catalogue key naming a notice's kind: an answer without given choices is the family's own."""
    return "notice.kind.answer_free" if kind == "answer" and not choices else f"notice.kind.{kind}"


async def start(update: Update, context: BotContext) -> int:
    await answer(update)
    assert update.effective_user is not None
    texts = await context.texts(update)
    notice_id = bt.NoticeReply.of(update).notice
    check = await service.may_reply(context.services, update.effective_user.id, notice_id)
    if check != "waiting":
        await reply(update, texts.t(OUTCOME[check]))
        return ConversationHandler.END
    return await FLOW.open(
        update, context, FamilyReply(notice_id=notice_id), texts.t("notice.reply.ask", limit=ANSWER_LIMIT), TYPING
    )


Sent = tuple[str, Attachment | None]


async def answered(update: Update, context: BotContext, texts: Texts, draft: FamilyReply, sent: Sent) -> int:
    """The family's words, voice message or photo."""
    assert update.effective_user is not None
    words, attachment = sent
    user_id = update.effective_user.id
    outcome = await service.reply_freely(context.services, user_id, draft.notice_id, words, attachment)
    await reply(update, texts.t("notice.reply.done" if outcome == "done" else OUTCOME[outcome]))
    return FLOW.end(context)


# --- the sender ------------------------------------------------------------------------------------------------


async def own_answers(
    update: Update, context: BotContext, texts: Texts, notice: service.Notice
) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """The lines listing the families' own answers under a notice's status, and a button for each voice message
    or photo among them (none for a notice with given choices)."""
    if notice.kind != "answer" or notice.choices:
        return [], None
    found = await service.free_answers(context.services, await context.actor(update), notice.id)
    if not found:
        return [], None
    lines = [texts.t("notice.reply.head", count=len(found))]
    buttons = []
    for one in found[:SHOWN]:
        kind = one.media_kind or "text"
        lines.append(
            texts.t(
                f"notice.reply.line_{kind}",
                label=one.class_label,
                name=one.name,
                text=one.text[:QUOTED],
                seconds=one.seconds or 0,
            )
        )
        if one.media_kind:
            label = texts.t(f"notice.reply.hear_{one.media_kind}", name=one.name, seconds=one.seconds or 0)
            buttons.append(kb.button(label, bt.NoticeHear(notice.id, one.user_id)))
        back = texts.t("notice.back.button", name=one.name)
        buttons.append(kb.button(back, bt.NoticeAnswerBack(notice.id, one.user_id)))
    if len(found) > SHOWN:
        lines.append(texts.t("notice.reply.more", count=len(found) - SHOWN))
    return lines, kb.grid(buttons, 1) if buttons else None


async def _family_answer(
    update: Update, context: BotContext, notice_id: int, user_id: int
) -> tuple[Texts, service.FreeAnswer] | None:
    """One family's own answer to a notice the sender follows, the press answered; None once "gone" is said."""
    fetched = await fetch_pressed(
        update, context, lambda services, actor: service.free_answers(services, actor, notice_id, user_id),
        gone="notice.gone",
    )  # fmt: skip
    if fetched is None:
        return None
    texts, found = fetched
    if not found:
        await reply(update, texts.t("notice.gone"))
        return None
    return texts, found[0]


@ROUTES.button(bt.NoticeHear)
async def hear(update: Update, context: BotContext) -> None:
    """The sender hears one family's voice answer (or sees its photo): sent again by its file_id."""
    button = bt.NoticeHear.of(update)
    fetched = await _family_answer(update, context, button.notice, button.user)
    if fetched is None:
        return
    texts, one = fetched
    chat = update.effective_chat
    file_id = one.media_file
    if file_id is None or chat is None:
        await reply(update, texts.t("notice.gone"))
        return
    caption = texts.t("notice.reply.caption", name=one.name, label=one.class_label, text=one.text)
    if one.media_kind == "voice":
        await chat.send_voice(file_id, caption=caption, parse_mode=ParseMode.HTML)
    else:
        await chat.send_photo(file_id, caption=caption, parse_mode=ParseMode.HTML)


async def back_start(update: Update, context: BotContext) -> int:
    """nb:<notice>:<family>: the sender answers one family's answer, by voice, in words or with a photo."""
    button = bt.NoticeAnswerBack.of(update)
    fetched = await _family_answer(update, context, button.notice, button.user)
    if fetched is None:
        return ConversationHandler.END
    texts, one = fetched
    draft = AnswerBack(notice_id=button.notice, user_id=button.user, name=one.name)
    return await BACK.open(
        update, context, draft, texts.t("notice.back.ask", name=draft.name, limit=ANSWER_LIMIT), TYPING
    )


async def back_answered(update: Update, context: BotContext, texts: Texts, draft: AnswerBack, sent: Sent) -> int:
    words, attachment = sent
    assert update.effective_message is not None
    try:
        await service.answer_back(
            context.services, await context.actor(update), draft.notice_id, draft.user_id, words, attachment,
            key=str(update.effective_message.message_id),
        )  # fmt: skip
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="notice.gone")
        return BACK.end(context)
    await reply(update, texts.t("notice.back.sent", name=draft.name))
    return BACK.end(context)


def _one_answer(
    flow: Flow[D], start: Callback, kind: type[Button], then: Then[D, Sent], timeout_minutes: int
) -> ConversationHandler[BotContext]:
    """A flow of one answer, in words, by voice or with a photo, after a button of kind `kind`."""

    async def read(update: Update, texts: Texts) -> Sent | None:
        return await words_or_media(update, texts, ANSWER_LIMIT)

    return flow.conversation(
        entry_points=[CallbackQueryHandler(start, pattern=kind.pattern)],
        states={TYPING: [flow.on_read((filters.TEXT & ~filters.COMMAND) | MEDIA, read, then)]},
        timeout_minutes=timeout_minutes,
        hint_key="notice.reply.hint",
    )


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        _one_answer(BACK, back_start, bt.NoticeAnswerBack, back_answered, timeout_minutes),
        _one_answer(FLOW, start, bt.NoticeReply, answered, timeout_minutes),
    ]


handlers = ROUTES.handlers
