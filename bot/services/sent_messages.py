"""Which of the bot's messages a person answered with Telegram's own "reply" (the outbox remembers what each
delivered message was)."""

from __future__ import annotations

from bot.services import Services
from bot.storage import outbox


async def kind_of(services: Services, recipient_id: int, message_id: int, kinds: tuple[str, ...]) -> str | None:
    """The kind of the message `message_id` the outbox delivered to this person, if it is one of `kinds`."""
    return await outbox.kind_of_sent_message(services.db, recipient_id, message_id, kinds)
