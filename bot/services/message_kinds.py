"""The kinds of outbox message the green channel queues (each row's `kind`: what it is, who may get it when), and
how a service queues a notification: worded by the views it was handed (`Services.render`), then stored as sent."""

from __future__ import annotations

from datetime import datetime

from bot.domain.messages import Notification
from bot.services import Services
from bot.storage import outbox

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
) -> bool:  # fmt: skip
    """Queues one notification, worded now in its recipient's language, keeping the quiet hours of `school_id`
    (None: the config's); False if (recipient, kind, dedup_key) was already queued."""
    out = services.render(notification)
    return await outbox.enqueue(
        services.db, recipient_id=notification.recipient, kind=kind, dedup_key=dedup_key, text=out.text,
        markup=out.markup, urgent=urgent, not_before=not_before, now=now or services.now(), school_id=school_id,
    )  # fmt: skip


def local(services: Services, moment: datetime) -> datetime:
    """A moment in the school's time zone."""
    return moment.astimezone(services.config.school.timezone)
