"""The kinds of outbox message the green channel queues (each row's `kind`: what it is, who may get it when), and
how a service queues a notification: worded by the views it was handed (`Services.render`), then stored as sent."""

from __future__ import annotations

from datetime import datetime

from bot.domain.messages import Attachment, Notification
from bot.services import Services
from bot.storage import outbox
from bot.storage.schools import FIRST_SCHOOL

# How many names a list in a message shows before "and N more".
LIST_LIMIT = 30

CALL = "green.call"


CALL_SNOOZE = "green.call_snooze"


NO_CONTACT = "green.no_contact"


MENTOR_DIGEST = "green.mentor_digest"


WEEKLY = "green.weekly"


ADMIN_DIGEST = "green.admin_digest"


UNREACHABLE = "green.unreachable"


PARENT_MESSAGE = "green.parent_msg"


ANSWER = "green.answer"


async def queue(
    services: Services, notification: Notification, *, kind: str, dedup_key: str, urgent: bool = False,
    not_before: datetime | None = None, now: datetime | None = None, school_id: int | None = None,
    attachment: Attachment | None = None,
) -> bool:  # fmt: skip
    """Queues one notification, worded now in its recipient's language, keeping the quiet hours of `school_id`
    (None: the config's); with an attachment, the voice message or photo goes by its file_id with the words as
    its caption. False if (recipient, kind, dedup_key) was already queued."""
    out = services.render(notification)
    if attachment is not None:
        return bool(
            await outbox.enqueue_notices(
                services.db, kind=kind, dedup_key=dedup_key, school_id=school_id or FIRST_SCHOOL,
                messages=[(notification.recipient, out.text, out.markup)],
                media={"kind": attachment.kind, "file_id": attachment.file_id}, now=now or services.now(),
            )
        )  # fmt: skip
    return await outbox.enqueue(
        services.db, recipient_id=notification.recipient, kind=kind, dedup_key=dedup_key, text=out.text,
        markup=out.markup, urgent=urgent, not_before=not_before, now=now or services.now(), school_id=school_id,
    )  # fmt: skip


def local(services: Services, moment: datetime) -> datetime:
    """A moment in the school's time zone."""
    return moment.astimezone(services.config.school.timezone)
