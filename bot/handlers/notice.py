"""/notice: an admin or a head teacher sends a notice to families and follows who has confirmed; families press
✅ 收到 or an answer; the weekly update's ✅.

Callback data (bot/buttons/; ids come from the client: the services re-check the policy or the recipient):
  nt:new  nt:list                       write a notice / the notices one sent
  nt:p:<nonce>:<step>:<value>           audience, ready notice, kind
  nt:<go|next>:<nonce>                  send / the text is done
  ns:<notice>                           who has not answered, by class
  nc:<notice>  na:<notice>:<choice>     a family confirms / answers
  nr:<notice>  nh:<notice>:<family>     a family answers in its own words / the sender hears it
                                        (bot/handlers/notice_replies.py)
  wk:ok                                 a family read the weekly update
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access
from bot.domain.validation import InvalidInput, clean_text
from bot.handlers import notice_replies
from bot.handlers.common import BotContext, answer, fetch_one, refuse, reply, show_sent
from bot.handlers.flow import STALE, Draft, Flow, at_step
from bot.handlers.routes import Routes, requires
from bot.services import AccessDenied, NotFound
from bot.services import notices as service
from bot.texts import Texts

ROUTES = Routes()


@dataclass(kw_only=True)
class NoticeDraft(Draft):
    """The notice being written: its audience, words or attachment, kind and (for an answer) its choices."""

    audience: str | None = None
    text: str = ""
    media_kind: str | None = None
    media_file: str | None = None
    kind: str | None = None
    choices: list[str] = field(default_factory=list)


FLOW = Flow("notice", NoticeDraft, "notice")
AUDIENCE, TEMPLATE, COMPOSE, KIND, CHOICES, PREVIEW = range(6)


@ROUTES.command("notice")
@requires(Access.SEND_NOTICE)
async def menu(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    await reply(
        update,
        texts.t("notice.menu"),
        kb.grid(
            [kb.button(texts.t("notice.new"), bt.NoticeNew()), kb.button(texts.t("notice.list"), bt.NoticeList())], 1
        ),
    )


async def new(update: Update, context: BotContext) -> int:
    await answer(update)
    draft = NoticeDraft()
    if not await FLOW.begin(update, context, draft, access=Access.SEND_NOTICE):
        return ConversationHandler.END
    texts, actor = await context.caller(update)
    found = await service.audiences(context.services, actor)
    buttons = [
        kb.button(texts.t(key, **values), bt.NoticePick(draft.nonce, AUDIENCE, a.code))
        for a in found
        for key, values in (a.label,)
    ]
    await reply(update, texts.t("notice.ask_audience"), kb.grid(buttons, 1))
    return AUDIENCE


def _pick_keyboard(texts: Texts, nonce: str, step: int, options: list[tuple[str, str]]) -> Any:
    return kb.grid([kb.button(texts.t(key), bt.NoticePick(nonce, step, value)) for value, key in options], 1)


async def audience_picked(update: Update, context: BotContext, draft: NoticeDraft, button: bt.NoticePick) -> int:
    texts = await context.texts(update)
    try:
        await service.audience(context.services, await context.actor(update), button.value)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return AUDIENCE
    draft.audience = button.value
    options = [(name, f"notice.template.{name}") for name in service.TEMPLATES] + [("own", "notice.template.own")]
    await reply(update, texts.t("notice.ask_template"), _pick_keyboard(texts, draft.nonce, TEMPLATE, options))
    return TEMPLATE


async def template_picked(update: Update, context: BotContext, draft: NoticeDraft, button: bt.NoticePick) -> int:
    texts = await context.texts(update)
    draft.text = texts.t(f"notice.text.{button.value}") if button.value in service.TEMPLATES else ""
    if draft.text:
        return await _show_draft(update, texts, draft)
    await reply(update, texts.t("notice.ask_text"), _next_keyboard(texts, draft.nonce))
    return COMPOSE


async def kind_picked(update: Update, context: BotContext, draft: NoticeDraft, button: bt.NoticePick) -> int:
    if button.value not in service.KINDS:
        return KIND
    texts = await context.texts(update)
    draft.kind = button.value
    if button.value == "answer":
        free = [("free", "notice.reply.free_choice")]
        await reply(update, texts.t("notice.ask_choices"), _pick_keyboard(texts, draft.nonce, CHOICES, free))
        return CHOICES
    return await _preview(update, context, texts, draft)


async def free_picked(update: Update, context: BotContext, draft: NoticeDraft, button: bt.NoticePick) -> int:
    if button.value != "free":
        return CHOICES
    draft.choices = []
    return await _preview(update, context, await context.texts(update), draft)


def _next_keyboard(texts: Texts, nonce: str) -> Any:
    return kb.grid([kb.button(texts.t("notice.next"), bt.NoticeAction("next", nonce))], 1)


def _limit(draft: NoticeDraft) -> int:
    return service.CAPTION_LIMIT if draft.media_kind else service.TEXT_LIMIT


async def _show_draft(update: Update, texts: Texts, draft: NoticeDraft) -> int:
    media = texts.t(f"notice.media.{draft.media_kind}") if draft.media_kind else ""
    await reply(update, texts.t("notice.draft", text=draft.text, media=media), _next_keyboard(texts, draft.nonce))
    return COMPOSE


async def composed(update: Update, context: BotContext, draft: NoticeDraft) -> int:
    """Text replaces the notice's words; a photo, document or voice is attached (its caption, if any, the words)."""
    texts = await context.texts(update)
    message = update.message
    assert message is not None
    if message.photo:
        draft.media_kind, draft.media_file = "photo", message.photo[-1].file_id
    elif message.document:
        draft.media_kind, draft.media_file = "document", message.document.file_id
    elif message.voice:
        draft.media_kind, draft.media_file = "voice", message.voice.file_id
    words = message.text if message.text is not None else message.caption
    if words:
        limit = _limit(draft)
        try:
            draft.text = clean_text(words, max_length=limit)
        except InvalidInput as problem:
            key = problem.reason if problem.reason == "invalid.control" else "notice.too_long"
            await reply(update, texts.t(key, limit=limit))
            return COMPOSE
    return await _show_draft(update, texts, draft)


def _action(name: str) -> Callable[[NoticeDraft, bt.NoticeAction], str | None]:
    """ "next" belongs under the notice's words, "go" under its preview: one of the other step is stale."""
    return lambda draft, button: None if button.action == name else STALE


async def text_done(update: Update, context: BotContext, draft: NoticeDraft, button: bt.NoticeAction) -> int:
    texts = await context.texts(update)
    if not draft.text and not draft.media_kind:
        await reply(update, texts.t("notice.empty"))
        return COMPOSE
    if len(draft.text) > _limit(draft):
        await reply(update, texts.t("notice.too_long", limit=_limit(draft)))
        return COMPOSE
    options = [(kind, f"notice.kind.{kind}") for kind in service.KINDS]
    await reply(update, texts.t("notice.ask_kind"), _pick_keyboard(texts, draft.nonce, KIND, options))
    return KIND


async def send(update: Update, context: BotContext, draft: NoticeDraft, button: bt.NoticeAction) -> int:
    texts, actor = await context.caller(update)
    assert draft.audience is not None and draft.kind is not None
    details = service.Draft(
        draft.audience, draft.kind, draft.text, draft.media_kind, draft.media_file, tuple(draft.choices)
    )
    try:
        _notice_id, families = await service.send(context.services, actor, details)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return FLOW.end(context)
    if not families:
        await reply(update, texts.t("notice.nobody"))
        return FLOW.end(context)
    hours = int(service.REMIND_AFTER.total_seconds() // 3600)
    reminder = texts.t("notice.reminder_note", hours=hours) if details.kind != "read" else ""
    await reply(update, texts.t("notice.sent", families=families, reminder=reminder))
    return FLOW.end(context)


def _choices(text: str) -> list[str] | None:
    """Two to four choices, one a line; None for any other answer."""
    try:
        lines = [clean_text(line, max_length=service.CHOICE_LIMIT) for line in text.splitlines() if line.strip()]
    except InvalidInput:
        return None
    return lines if 2 <= len(lines) <= 4 else None


async def choices_typed(
    update: Update, context: BotContext, texts: Texts, draft: NoticeDraft, choices: list[str]
) -> int:
    draft.choices = choices
    return await _preview(update, context, texts, draft)


async def _preview(update: Update, context: BotContext, texts: Texts, draft: NoticeDraft) -> int:
    actor = await context.actor(update)
    assert draft.audience is not None and draft.kind is not None
    try:
        chosen = await service.audience(context.services, actor, draft.audience)
        families = await service.family_count(context.services, actor, draft.audience)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return FLOW.end(context)
    key, values = chosen.label
    text = texts.t(
        "notice.preview",
        audience=texts.t(key, **values),
        families=families,
        kind=texts.t(notice_replies.kind_key(draft.kind, draft.choices)),
        text=draft.text,
    )
    await reply(update, text, kb.grid([kb.button(texts.t("notice.send"), bt.NoticeAction("go", draft.nonce))], 1))
    return PREVIEW


# --- following a notice -------------------------------------------------------------------------------------


def _title(text: str) -> str:
    return text.splitlines()[0][:24] if text else "…"


@ROUTES.button(bt.NoticeList)
async def sent_list(update: Update, context: BotContext) -> None:
    tz = context.services.config.school.timezone

    def item(texts: Texts, found: tuple[service.Notice, int, int]) -> InlineKeyboardButton:
        notice, families, answered = found
        date = notice.created_at.astimezone(tz).date().isoformat()
        text = texts.t("notice.list_item", date=date, title=_title(notice.text), answered=answered, families=families)
        return kb.button(text, bt.NoticeStatus(notice.id))

    await show_sent(update, context, service.sent, item, head="notice.list_head", none="notice.none_sent")


@ROUTES.button(bt.NoticeStatus)
async def status(update: Update, context: BotContext) -> None:
    fetched = await fetch_one(update, context, service.status, bt.NoticeStatus.of(update).notice, gone="notice.gone")
    if fetched is None:
        return
    texts, (notice, classes, choices) = fetched
    separator = texts.t("list.separator")
    lines = []
    if notice.kind == "read":
        lines.append(texts.t("notice.status_read"))
    for klass in classes:
        key = "notice.status_class" if klass.waiting else "notice.status_class_done"  # all answered: no names
        waiting = separator.join(klass.waiting[:30])
        lines.append(
            texts.t(key, label=klass.class_label, answered=klass.answered, families=klass.families, waiting=waiting)
        )
    for index, label in enumerate(notice.choices):
        lines.append(texts.t("notice.status_choice", choice=label, count=choices.get(index, 0)))
    own_lines, hear = await notice_replies.own_answers(update, context, texts, notice)
    families = sum(k.families for k in classes)
    answered = sum(k.answered for k in classes)
    await reply(
        update,
        texts.t(
            "notice.status",
            title=_title(notice.text),
            kind=texts.t(notice_replies.kind_key(notice.kind, notice.choices)),
            families=families,
            answered=answered,
            classes="\n".join(lines + own_lines),
        ),
        hear,
    )


# --- families ------------------------------------------------------------------------------------------------


@ROUTES.button(bt.NoticeConfirm)
async def family_confirms(update: Update, context: BotContext) -> None:
    await _family_answers(update, context, bt.NoticeConfirm.of(update).notice, None)


@ROUTES.button(bt.NoticeAnswer)
async def family_chooses(update: Update, context: BotContext) -> None:
    button = bt.NoticeAnswer.of(update)
    await _family_answers(update, context, button.notice, button.choice)


async def _family_answers(update: Update, context: BotContext, notice_id: int, choice: int | None) -> None:
    assert update.effective_user is not None
    texts = await context.texts(update)
    outcome, words = await service.answer(context.services, update.effective_user.id, notice_id, choice)
    if outcome == "done":
        await answer(update)
        await reply(update, texts.t("notice.answered", choice=words) if words else texts.t("notice.thanks"))
        return
    key = {"again": "notice.again", "not_sent": "notice.not_yours"}.get(outcome, "notice.gone")
    await answer(update, texts.t(key), alert=True)


@ROUTES.button(bt.WeeklyAck)
async def weekly_ack(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    texts = await context.texts(update)
    query = update.callback_query
    message_id = query.message.message_id if query is not None and query.message is not None else 0
    if await service.acknowledge_weekly(context.services, update.effective_user.id, message_id):
        await answer(update, texts.t("weekly.acked"))
    else:
        await answer(update, texts.t("weekly.ack_old"))


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    content = (filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL | filters.VOICE
    return [
        FLOW.conversation(
            entry_points=[CallbackQueryHandler(new, pattern=bt.NoticeNew.pattern)],
            states={
                AUDIENCE: [FLOW.on_button(bt.NoticePick, audience_picked, check=at_step(AUDIENCE))],
                TEMPLATE: [FLOW.on_button(bt.NoticePick, template_picked, check=at_step(TEMPLATE))],
                COMPOSE: [
                    FLOW.on_text(content, composed),
                    FLOW.on_button(bt.NoticeAction, text_done, check=_action("next")),
                ],
                KIND: [FLOW.on_button(bt.NoticePick, kind_picked, check=at_step(KIND))],
                CHOICES: [
                    FLOW.on_parsed(filters.TEXT & ~filters.COMMAND, _choices, "notice.bad_choices", choices_typed),
                    FLOW.on_button(bt.NoticePick, free_picked, check=at_step(CHOICES)),
                ],
                PREVIEW: [FLOW.on_button(bt.NoticeAction, send, check=_action("go"))],
            },
            timeout_minutes=timeout_minutes,
            hint_key="notice.hint",
        ),
        *notice_replies.conversations(timeout_minutes),
    ]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [*ROUTES.handlers(), *notice_replies.handlers()]
