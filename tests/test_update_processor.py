"""One person's updates never overlap; different people's do."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.update_processor import PerChatUpdateProcessor


def update_from(chat_id: int, update_id: int) -> Update:
    user = User(chat_id, "x", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(update_id, None, chat, from_user=user, text="hi")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_same_chat_in_order_other_chats_concurrently() -> None:
    processor = PerChatUpdateProcessor(8)
    events: list[str] = []

    async def handle(name: str, delay: float) -> None:
        events.append(f"start {name}")
        await asyncio.sleep(delay)
        events.append(f"end {name}")

    async with processor:
        await asyncio.gather(
            processor.process_update(update_from(1, 1), handle("a1", 0.05)),
            processor.process_update(update_from(1, 2), handle("a2", 0)),
            processor.process_update(update_from(2, 3), handle("b1", 0)),
        )
    # a2 waits for a1 (same chat); b1 (another chat) does not wait for a1.
    assert events.index("end a1") < events.index("start a2")
    assert events.index("end b1") < events.index("end a1")
    assert processor._locks == {}
