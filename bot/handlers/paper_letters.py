"""Paper letters: a counsellor types a letter from the school's physical 倾诉信箱 into the mailbox (its button is
under the counsellors' list of letters). The ticket is as anonymous as any other: see bot/services/mailbox.py."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, filters

from bot import buttons as bt
from bot.domain.safety import MAX_MAILBOX
from bot.handlers.common import BotContext, answer, conversation, refuse, reply
from bot.handlers.flow import Draft, Flow
from bot.handlers.mailbox import COUNSELLORS_ONLY, unsendable
from bot.services import AccessDenied, access
from bot.services import mailbox as mailbox_service


@dataclass(kw_only=True)
class PaperLetter(Draft):
    """The school only: the letter's words go straight into its ticket."""

    school: int


PAPER = Flow("mailbox_paper", PaperLetter, "mailbox_paper_draft")
PAPER_TEXT = 0


async def paper_start(update: Update, context: BotContext) -> int:
    """mb:pp:<school>: a counsellor types in a letter from the school's physical mailbox."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    school_id = bt.MailboxPaper.of(update).school
    if school_id not in mailbox_service.reading_schools(actor):
        await answer(update, texts.t(COUNSELLORS_ONLY), alert=True)
        await access.audit_refusal(context.services, actor.user_id, f"paper={school_id}", action="mailbox.denied")
        return ConversationHandler.END
    await answer(update)
    if not await PAPER.begin(update, context, PaperLetter(school=school_id)):
        return ConversationHandler.END
    await reply(update, texts.t("activity.paper.ask", limit=MAX_MAILBOX))
    return PAPER_TEXT


async def paper_typed(update: Update, context: BotContext, draft: PaperLetter) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    assert update.message is not None and update.message.text is not None
    try:
        result = await mailbox_service.enter_paper(context.services, actor, draft.school, update.message.text)
    except mailbox_service.Unsendable as problem:
        await unsendable(update, texts, problem)
        return PAPER_TEXT
    except AccessDenied as problem:
        await refuse(update, texts, problem, denied=COUNSELLORS_ONLY)
        return PAPER.end(context)
    PAPER.end(context)
    # The mailbox's job tells the school's counsellors, as of any letter (its message waits unnotified).
    key = "activity.paper.saved_urgent" if result.urgent else "activity.paper.saved"
    await reply(update, texts.t(key, number=result.number))
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return conversation(
        name=PAPER.name,
        entry_points=[CallbackQueryHandler(paper_start, pattern=bt.MailboxPaper.pattern)],
        states={PAPER_TEXT: [PAPER.on_text(filters.TEXT & ~filters.COMMAND, paper_typed)]},
        draft_keys=(PAPER.key,),
        timeout_minutes=timeout_minutes,
    )
