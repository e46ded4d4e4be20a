"""Paper letters: a counsellor types a letter from the school's physical 倾诉信箱 into the mailbox (its button is
under the counsellors' list of letters). The ticket is as anonymous as any other: see bot/services/mailbox.py."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, filters

from bot import buttons as bt
from bot.handlers.common import BotContext, reply
from bot.handlers.flow import Draft, Flow
from bot.handlers.mailbox import begin_typing, send_typed
from bot.services import mailbox as mailbox_service


@dataclass(kw_only=True)
class PaperLetter(Draft):
    """The school only: the letter's words go straight into its ticket."""

    school: int


PAPER = Flow("mailbox_paper", PaperLetter, "mailbox_paper_draft")
PAPER_TEXT = 0


async def paper_start(update: Update, context: BotContext) -> int:
    """mb:pp:<school>: a counsellor types in a letter from the school's physical mailbox."""
    school_id = bt.MailboxPaper.of(update).school
    allowed = school_id in mailbox_service.reading_schools(await context.actor(update))
    draft = PaperLetter(school=school_id)
    return await begin_typing(
        update, context, PAPER, draft, PAPER_TEXT, allowed=allowed, refused=f"paper={school_id}",
        ask="activity.paper.ask",
    )  # fmt: skip


async def paper_typed(update: Update, context: BotContext, draft: PaperLetter) -> int:
    sent = await send_typed(
        update, context, PAPER, PAPER_TEXT,
        lambda services, actor, text: mailbox_service.enter_paper(services, actor, draft.school, text),
    )  # fmt: skip
    if isinstance(sent, int):
        return sent
    texts, result = sent
    # The mailbox's job tells the school's counsellors, as of any letter (its message waits unnotified).
    key = "activity.paper.saved_urgent" if result.urgent else "activity.paper.saved"
    await reply(update, texts.t(key, number=result.number))
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return PAPER.conversation(
        entry_points=[CallbackQueryHandler(paper_start, pattern=bt.MailboxPaper.pattern)],
        states={PAPER_TEXT: [PAPER.on_text(filters.TEXT & ~filters.COMMAND, paper_typed)]},
        timeout_minutes=timeout_minutes,
    )
