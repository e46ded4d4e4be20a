"""Telling the counsellors of an anonymous letter: one outbox notice per counsellor of the letter's school, once,
right after the letter (the handler) or when a crash left it unqueued (the mailbox job)."""

from __future__ import annotations

from bot import buttons as bt
from bot.domain.messages import Choice, Notification, message
from bot.services import Services, message_kinds
from bot.services import mailbox as mailbox_service
from bot.services.mailbox import LetterNotice
from bot.storage import people

KIND = "mailbox"  # the outbox kind of the notices: the mailbox job forgets the delivered ones


async def tell_counsellors(services: Services, notices: list[LetterNotice]) -> int:
    """Queues each notice for every counsellor of its school, once (marked in the same transaction); returns how
    many were new."""
    by_school: dict[int, list[int]] = {}
    languages: dict[int, str | None] = {}
    queued = 0
    for notice in notices:
        if notice.school_id not in by_school:
            by_school[notice.school_id] = await mailbox_service.counsellor_ids(services, notice.school_id)
            for c in by_school[notice.school_id]:
                languages.setdefault(c, (await people.load_actor(services.db, c)).language)
        counsellors = by_school[notice.school_id]
        async with services.db.transaction():
            if not await mailbox_service.mark_notified(services, notice):
                continue  # another caller queued it first
            key = "safety.mailbox.notify_urgent" if notice.urgent else "safety.mailbox.notify"
            text = message(key, number=notice.number)
            buttons = ((Choice(message("safety.mailbox.read_button"), bt.MailboxTicket(notice.ticket_id)),),)
            for counsellor_id in counsellors:
                await message_kinds.queue(
                    services, Notification(counsellor_id, languages[counsellor_id], text, buttons), kind=KIND,
                    dedup_key=f"letter:{notice.message_id}", urgent=notice.urgent, school_id=notice.school_id,
                )  # fmt: skip
            queued += 1
    return queued
