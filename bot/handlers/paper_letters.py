"""Paper letters: a counsellor types a letter from the school's physical 倾诉信箱 into the mailbox (its button is
under the counsellors' list of letters). The ticket is as anonymous as any other: see bot/services/mailbox.py."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot.domain.safety import MAX_MAILBOX
from bot.handlers.common import BotContext, answer, begin_flow, conversation, end_flow, refuse, reply
from bot.handlers.mailbox import COUNSELLORS_ONLY, unsendable
from bot.services import AccessDenied, access
from bot.services import mailbox as mailbox_service

PAPER_FLOW = "mailbox_paper"
PAPER_DRAFT = "mailbox_paper_draft"  # holds the school only: the letter's words go straight into its ticket
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
    if not await begin_flow(update, context, PAPER_FLOW):
        return ConversationHandler.END
    context.draft[PAPER_DRAFT] = {"school": school_id}
    await reply(update, texts.t("activity.paper.ask", limit=MAX_MAILBOX))
    return PAPER_TEXT


async def paper_typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    assert update.message is not None and update.message.text is not None
    draft = context.draft.get(PAPER_DRAFT)
    if not draft:
        return end_flow(context, PAPER_DRAFT)
    try:
        result = await mailbox_service.enter_paper(context.services, actor, int(draft["school"]), update.message.text)
    except mailbox_service.Unsendable as problem:
        await unsendable(update, texts, problem)
        return PAPER_TEXT
    except AccessDenied as problem:
        await refuse(update, texts, problem, denied=COUNSELLORS_ONLY)
        return end_flow(context, PAPER_DRAFT)
    end_flow(context, PAPER_DRAFT)
    # The mailbox's job tells the school's counsellors, as of any letter (its message waits unnotified).
    key = "activity.paper.saved_urgent" if result.urgent else "activity.paper.saved"
    await reply(update, texts.t(key, number=result.number))
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return conversation(
        name=PAPER_FLOW,
        entry_points=[CallbackQueryHandler(paper_start, pattern=bt.MailboxPaper.pattern)],
        states={PAPER_TEXT: [MessageHandler(filters.TEXT & ~filters.COMMAND, paper_typed)]},
        draft_keys=(PAPER_DRAFT,),
        timeout_minutes=timeout_minutes,
    )
