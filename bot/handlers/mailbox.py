"""/mailbox (倾诉信箱): anyone writes to the counsellors anonymously; counsellors read and reply by ticket.

The writer's step is a conversation kept in memory only (persistent=False, nothing in user_data): a stored
conversation key would name the writer's chat. After a restart the writer simply opens /mailbox again.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, Actor, may_do
from bot.domain.safety import MAILBOX_PER_DAY, MAX_MAILBOX
from bot.handlers.common import BotContext, answer, clip_html, edit_or_reply, refuse, reply
from bot.handlers.flow import D, Draft, Flow, T
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound, Services, access, people
from bot.services import mailbox as mailbox_service
from bot.services.mailbox_notices import tell_counsellors
from bot.texts import Texts, texts_for

log = logging.getLogger(__name__)

WRITE, PICK_SCHOOL = 0, 1
ROUTES = Routes()
PAGE_SIZE = 8
REPLY_TEXT = 0
COUNSELLORS_ONLY = "safety.mailbox.counsellors_only"
GONE = "safety.mailbox.gone"


@dataclass(kw_only=True)
class Reply(Draft):
    """A counsellor's reply being typed: the ticket only (the counsellor's own data, nothing about its writer)."""

    ticket_id: int


REPLY = Flow("mailbox_reply", Reply, "mailbox_reply_draft", gone=GONE)

# Who is at the writing step, and which of their tickets they answer (None: a new letter), by user id. In memory
# only (never persisted; see the module docstring): it also tells the inbox and the guard which updates are a letter.
_writers: dict[int, int | None] = {}
# The school a writer picked for their new letter (where the county has several), by user id; in memory only too,
# until the letter is written: then the ticket holds it, and nothing else about the writer.
_schools: dict[int, int] = {}


def belongs_to_mailbox(update: Update) -> bool:
    """The mailbox's own updates: /mailbox, its buttons, and whatever a writer sends at the writing step.

    Nothing about these may be stored with who sent them (not the user row, not the inbox), so that a database
    dump cannot tell who used the mailbox, or when."""
    if update.callback_query is not None:
        return (update.callback_query.data or "").startswith(bt.MAILBOX_PREFIX)
    message = update.effective_message
    if message is not None and re.match(r"^/mailbox(@\w+)?(\s|$)", message.text or ""):
        return True
    user = update.effective_user
    return user is not None and user.id in _writers


# --- writers -------------------------------------------------------------------------------------------------


@ROUTES.command("mailbox")
async def open_mailbox(update: Update, context: BotContext) -> int:
    """/mailbox: counsellors see the open tickets; everyone else may write (and sees replies to their letters)."""
    texts, actor = await context.caller(update)
    if may_do(actor, Access.READ_MAILBOX):
        await _ticket_list(update, context, texts, 0)
        return ConversationHandler.END
    assert update.effective_user is not None
    mine = await mailbox_service.my_tickets(context.services, update.effective_user.id)
    lines = [texts.t("safety.mailbox.intro", limit=MAX_MAILBOX)]
    buttons = [kb.button(texts.t("safety.mailbox.write_button"), bt.MailboxNew())]
    for ticket, messages in mine:
        lines.append("")
        lines.append(texts.t("safety.mailbox.my_ticket", number=ticket.number))
        for message in messages[-4:]:
            key = "safety.mailbox.mine_line" if message.from_writer else "safety.mailbox.reply_line"
            lines.append(texts.t(key, body=_short(message.body)))
        buttons.append(
            kb.button(texts.t("safety.mailbox.answer_button", number=ticket.number), bt.MailboxAnswer(ticket.id))
        )
    await reply(update, clip_html("\n".join(lines), 4000), kb.grid(buttons, 1))
    return ConversationHandler.END


def _short(body: str, limit: int = 300) -> str:
    return body if len(body) <= limit else body[: limit - 1] + "…"


async def write_new(update: Update, context: BotContext) -> int:
    """A new letter: where the county has several schools, first the writer's school (buttons)."""
    await answer(update)
    texts = await context.texts(update)
    assert update.effective_user is not None
    _writers[update.effective_user.id] = None
    _schools.pop(update.effective_user.id, None)
    if await _ask_school(update, context, texts):
        return PICK_SCHOOL
    await reply(update, texts.t("safety.mailbox.ask", limit=MAX_MAILBOX))
    return WRITE


async def _ask_school(update: Update, context: BotContext, texts: Texts) -> bool:
    """The schools on buttons; False where there is only one (nothing to ask)."""
    choices = await mailbox_service.schools_to_pick(context.services)
    if not choices:
        return False
    buttons = [kb.button(school.name, bt.MailboxSchool(school.id)) for school in choices]
    await reply(update, texts.t("mailbox.choose_school"), kb.grid(buttons, 1))
    return True


async def school_picked(update: Update, context: BotContext) -> int:
    await answer(update)
    texts = await context.texts(update)
    assert update.effective_user is not None
    _schools[update.effective_user.id] = bt.MailboxSchool.of(update).school
    await edit_or_reply(update, texts.t("safety.mailbox.ask", limit=MAX_MAILBOX))
    return WRITE


async def school_hint(update: Update, context: BotContext) -> int:
    """Anything but a school's button while the school is asked: ask again (the letter is not taken yet)."""
    await answer(update)
    texts = await context.texts(update)
    if not await _ask_school(update, context, texts):  # the county has one school now: nothing to ask
        await reply(update, texts.t("safety.mailbox.ask", limit=MAX_MAILBOX))
        return WRITE
    return PICK_SCHOOL


async def write_answer(update: Update, context: BotContext) -> int:
    """Answer in one's own ticket; a forged or someone else's ticket id is refused."""
    texts = await context.texts(update)
    assert update.effective_user is not None
    ticket_id = bt.MailboxAnswer.of(update).ticket
    if not await mailbox_service.owns(context.services, update.effective_user.id, ticket_id):
        await answer(update, texts.t("safety.mailbox.not_yours"), alert=True)
        return ConversationHandler.END
    await answer(update)
    _writers[update.effective_user.id] = ticket_id
    _schools.pop(update.effective_user.id, None)  # an answer goes to its ticket's school
    await reply(update, texts.t("safety.mailbox.ask_answer", limit=MAX_MAILBOX))
    return WRITE


async def written(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert update.message is not None and update.message.text is not None and update.effective_user is not None
    user_id = update.effective_user.id
    ticket_id = _writers.get(user_id)
    try:
        result = await mailbox_service.write(
            context.services, user_id, update.message.text, ticket_id, school_id=_schools.get(user_id)
        )
    except mailbox_service.Unsendable as problem:
        await unsendable(update, texts, problem)
        return WRITE
    except mailbox_service.RateLimited:
        _forget(user_id)
        await reply(update, texts.t("safety.mailbox.rate_limited", limit=MAILBOX_PER_DAY))
        return ConversationHandler.END
    except AccessDenied:
        if ticket_id is None and await _ask_school(update, context, texts):
            _schools.pop(user_id, None)  # no school picked, or one that is not there: ask again; the step stays
            return PICK_SCHOOL
        _forget(user_id)
        await reply(update, texts.t("safety.mailbox.not_yours"))
        return ConversationHandler.END
    _forget(user_id)
    notice = mailbox_service.LetterNotice(
        result.message_id, result.ticket_id, result.number, result.urgent, result.school_id
    )
    await tell_counsellors(context.services, [notice])
    key = "safety.mailbox.sent_urgent" if result.urgent else "safety.mailbox.sent"
    await reply(update, texts.t(key, number=result.number))
    return ConversationHandler.END


def _forget(user_id: int) -> None:
    _writers.pop(user_id, None)
    _schools.pop(user_id, None)


async def unsendable(update: Update, texts: Texts, problem: mailbox_service.Unsendable) -> None:
    """An empty or too long letter or reply: say so; the step stays for another try."""
    assert update.message is not None and update.message.text is not None
    if isinstance(problem, mailbox_service.TooLong):
        await reply(update, texts.t("safety.mailbox.too_long", limit=MAX_MAILBOX, length=len(update.message.text)))
    elif isinstance(problem, mailbox_service.Unreadable):
        await reply(update, texts.t("invalid.control"))
    else:
        await reply(update, texts.t("safety.mailbox.empty"))


async def _texts_for_user(context: BotContext, user_id: int) -> Texts:
    actor = await people.load_actor(context.services, user_id)
    return texts_for(actor.language, context.services.config.school.language)


async def write_hint(update: Update, context: BotContext) -> int:
    """Stickers, photos, voice: only text can be sent anonymously."""
    await answer(update)
    texts = await context.texts(update)
    await reply(update, texts.t("safety.mailbox.text_only"))
    return WRITE


async def write_cancel(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    assert update.effective_user is not None
    _forget(update.effective_user.id)
    await reply(update, texts.t("cancel.done"))
    return ConversationHandler.END


async def write_timeout(update: Update, context: BotContext) -> None:
    if update.effective_user is not None:
        _forget(update.effective_user.id)


def build_writer(timeout_minutes: int) -> ConversationHandler[BotContext]:
    async def stale(update: Update, context: BotContext) -> int:
        texts = await context.texts(update)
        await answer(update, texts.t("flow.stale_button"), alert=True)
        return WRITE

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CallbackQueryHandler(write_new, pattern=bt.MailboxNew.pattern),
                CallbackQueryHandler(write_answer, pattern=bt.MailboxAnswer.pattern),
            ],
            states={
                WRITE: [
                    CommandHandler("cancel", write_cancel),
                    MessageHandler(filters.TEXT & ~filters.COMMAND, written),
                    CallbackQueryHandler(stale),
                    MessageHandler(filters.ALL, write_hint),
                ],
                PICK_SCHOOL: [
                    CommandHandler("cancel", write_cancel),
                    CallbackQueryHandler(school_picked, pattern=bt.MailboxSchool.pattern),
                    CallbackQueryHandler(stale),
                    MessageHandler(filters.ALL, school_hint),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, write_timeout)],
            },
            fallbacks=[CommandHandler("cancel", write_cancel)],
            persistent=False,
            conversation_timeout=timeout_minutes * 60,
            allow_reentry=True,
        )


# --- counsellors ---------------------------------------------------------------------------------------------


@ROUTES.pages(bt.MailboxPage)
async def _ticket_list(update: Update, context: BotContext, texts: Texts, page: int) -> None:
    actor = await context.actor(update)
    try:
        tickets, total = await mailbox_service.open_tickets(
            context.services, actor, limit=PAGE_SIZE, offset=page * PAGE_SIZE
        )
    except AccessDenied:
        await reply(update, texts.t("safety.mailbox.counsellors_only"))
        return
    paper = await _paper_buttons(context, actor, texts)
    if total == 0:
        await edit_or_reply(update, texts.t("safety.mailbox.no_open"), kb.grid(paper, 1) if paper else None)
        return
    buttons = [
        kb.button(
            texts.t("safety.mailbox.ticket_urgent" if t.urgent else "safety.mailbox.ticket_button", number=t.number),
            bt.MailboxTicket(t.id),
        )
        for t in tickets
    ]  # fmt: skip
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    header = texts.t("safety.mailbox.open_header", count=total)
    markup = kb.grid(buttons, 1, kb.pager(texts, bt.MailboxPage, page, pages), paper)
    await edit_or_reply(update, header, markup)


async def _paper_buttons(context: BotContext, actor: Actor, texts: Texts) -> list[InlineKeyboardButton]:
    """One button per school whose letters the counsellor reads: type in a paper letter (its name, if several)."""
    found = await mailbox_service.paper_schools(context.services, actor)
    if len(found) == 1:
        return [kb.button(texts.t("activity.paper.button"), bt.MailboxPaper(found[0].id))]
    return [kb.button(texts.t("activity.paper.button_of", school=s.name), bt.MailboxPaper(s.id)) for s in found]


@ROUTES.button(bt.MailboxTicket)
async def read_ticket(update: Update, context: BotContext) -> None:
    texts, actor = await context.caller(update)
    try:
        ticket, messages = await mailbox_service.read_ticket(
            context.services, actor, bt.MailboxTicket.of(update).ticket
        )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=COUNSELLORS_ONLY, gone=GONE, alert=True)
        return
    await answer(update)
    head = [texts.t("safety.mailbox.ticket_header", number=ticket.number)]
    if ticket.paper:
        head.append(texts.t("activity.paper.mark"))
    if ticket.urgent:
        head.append(texts.t("safety.mailbox.urgent_mark"))
    lines = []
    for message in messages[-10:]:
        key = "safety.mailbox.from_writer" if message.from_writer else "safety.mailbox.from_counsellor"
        lines.append(texts.t(key, at=message.created_on.strftime("%m-%d"), body=message.body))
    # The header and the newest messages fit; older ones give way (a single long one is clipped, not dropped).
    omitted = [texts.t("safety.mailbox.truncated")]
    while len(lines) > 1 and len("\n\n".join(head + omitted + lines)) > 4000:
        lines.pop(0)
    if len(lines) < len(messages[-10:]):
        head += omitted
    body = clip_html("\n\n".join(head + lines), 4000)
    buttons = [kb.button(texts.t("safety.mailbox.reply_button"), bt.MailboxReply(ticket.id))]
    if ticket.status == "open":
        buttons.append(kb.button(texts.t("safety.mailbox.close_button"), bt.MailboxClose(ticket.id)))
    await reply(update, body, kb.grid(buttons, 2))


@ROUTES.button(bt.MailboxClose)
async def close_ticket(update: Update, context: BotContext) -> None:
    texts, actor = await context.caller(update)
    try:
        closed = await mailbox_service.close(context.services, actor, bt.MailboxClose.of(update).ticket)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=COUNSELLORS_ONLY, gone=GONE, alert=True)
        return
    await answer(update, texts.t("safety.mailbox.closed" if closed else "safety.mailbox.already_closed"))


async def begin_typing(
    update: Update, context: BotContext, flow: Flow[D], draft: D, state: int, *, allowed: bool, refused: str, ask: str
) -> int:
    """The entry of a counsellor's typing flow (a reply, a paper letter): someone not `allowed` gets an alert and
    the refusal is audited (`refused` names what was asked for); otherwise the flow opens with `ask`."""
    texts, actor = await context.caller(update)
    if not allowed:
        await answer(update, texts.t(COUNSELLORS_ONLY), alert=True)
        await access.audit_refusal(context.services, actor.user_id, refused, action="mailbox.denied")
        return ConversationHandler.END
    await answer(update)
    return await flow.open(update, context, draft, texts.t(ask, limit=MAX_MAILBOX), state)


async def reply_start(update: Update, context: BotContext) -> int:
    ticket_id = bt.MailboxReply.of(update).ticket
    allowed = may_do(await context.actor(update), Access.READ_MAILBOX)
    draft = Reply(ticket_id=ticket_id)
    return await begin_typing(
        update, context, REPLY, draft, REPLY_TEXT, allowed=allowed, refused=f"reply={ticket_id}",
        ask="safety.mailbox.ask_reply",
    )  # fmt: skip


async def send_typed(
    update: Update,
    context: BotContext,
    flow: Flow[D],
    state: int,
    send: Callable[[Services, Actor, str], Awaitable[T]],
) -> tuple[Texts, T] | int:
    """A counsellor's typed words, into the mailbox by `send`: what it gave, the flow ended. Otherwise the state
    to return: empty, too long or unreadable words are said and the step (`state`) stays; a refusal is said and
    the flow ends."""
    texts, actor = await context.caller(update)
    assert update.message is not None and update.message.text is not None
    try:
        done = await send(context.services, actor, update.message.text)
    except mailbox_service.Unsendable as problem:
        await unsendable(update, texts, problem)
        return state
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied=COUNSELLORS_ONLY, gone=GONE)
        return flow.end(context)
    flow.end(context)
    return texts, done


async def reply_typed(update: Update, context: BotContext, draft: Reply) -> int:
    sent = await send_typed(
        update, context, REPLY, REPLY_TEXT,
        lambda services, actor, text: mailbox_service.reply(services, actor, draft.ticket_id, text),
    )  # fmt: skip
    if isinstance(sent, int):
        return sent
    texts, (ticket, chat_id, body) = sent
    if ticket.paper:
        await reply(update, texts.t("activity.paper.reply_kept", number=ticket.number))
        return ConversationHandler.END
    delivered = await _push_reply(context, ticket.id, ticket.number, chat_id, body)
    await reply(update, texts.t("safety.mailbox.reply_sent" if delivered else "safety.mailbox.reply_waiting",
                                number=ticket.number))  # fmt: skip
    return ConversationHandler.END


async def _push_reply(context: BotContext, ticket_id: int, number: str, chat_id: int | None, body: str) -> bool:
    """Sends the reply straight to the writer's chat (not through the outbox: its rows name the recipient).
    If that fails, the reply waits in the ticket and /mailbox shows it."""
    if chat_id is None:
        return False
    texts = await _texts_for_user(context, chat_id)  # in private chats the chat id is the user id
    answer_button = kb.button(texts.t("safety.mailbox.answer_button", number=number), bt.MailboxAnswer(ticket_id))
    markup = InlineKeyboardMarkup([[answer_button]])
    try:
        await context.bot.send_message(
            chat_id, texts.t("safety.mailbox.reply_to_writer", number=number, body=body),
            parse_mode=ParseMode.HTML, reply_markup=markup,
        )  # fmt: skip
    except TelegramError as exc:
        log.info("mailbox reply not pushed (%s); it waits in the ticket", type(exc).__name__)
        return False
    return True


def build_reply(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return REPLY.conversation(
        entry_points=[CallbackQueryHandler(reply_start, pattern=bt.MailboxReply.pattern)],
        states={REPLY_TEXT: [REPLY.on_text(filters.TEXT & ~filters.COMMAND, reply_typed)]},
        timeout_minutes=timeout_minutes,
    )


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    """The conversations (wired before every plain handler)."""
    return [build_reply(timeout_minutes), build_writer(timeout_minutes)]


handlers = ROUTES.handlers
