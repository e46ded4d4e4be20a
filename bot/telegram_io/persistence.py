"""python-telegram-bot persistence in the same SQLite database, as JSON, never pickle (its SQL is in
bot/storage/conversations.py)."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.storage import conversations
from bot.storage.conversations import Statement, Whose
from bot.storage.db import Database

JSONDict = dict[str, Any]
# What PTB keys a conversation by (chat id, user id, …) and the states it keeps; PTB's own aliases are private.
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]

# Set inside SqlitePersistence.collecting(): the writes of this task (and of the tasks it starts: PTB gathers the
# persistence's writes) are gathered here instead of run.
_collected: contextvars.ContextVar[list[Statement] | None] = contextvars.ContextVar("collected", default=None)


class SqlitePersistence(BasePersistence[JSONDict, JSONDict, JSONDict]):
    """Stores conversation states, user_data and chat_data so a restart resumes every flow at its step.

    bot_data and callback_data are not stored: services live in bot_data and buttons carry plain ids.
    Empty dicts are deleted rather than stored, so only people in the middle of a flow cost a row.
    """

    def __init__(self, db: Database, update_interval: float = 60) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=True, user_data=True, callback_data=False),
            update_interval=update_interval,
        )
        self.db = db
        # Rows known not to exist (deleted by us; nothing else ever inserts them): every update of someone not in
        # a flow would otherwise delete their empty user and chat data again, two writes per update for nothing.
        self._absent: set[tuple[Whose, int]] = set()
        # What each stored row holds, so an unchanged draft is not written again: PTB hands over every user and
        # chat of every update, and a rewrite would also date that person's activity in the WAL.
        self._stored: dict[tuple[Whose, int], str] = {}

    @contextmanager
    def collecting(self) -> Iterator[list[Statement]]:
        """Within it this task's writes are gathered, not run: the caller runs them in one batch (with the inbox's
        done-marks: bot/update_processor.py), and calls forget_written() if that fails."""
        statements: list[Statement] = []
        token = _collected.set(statements)
        try:
            yield statements
        finally:
            _collected.reset(token)

    def forget_written(self) -> None:
        """Gathered writes were lost: what is known to be stored or absent may no longer be true."""
        self._stored.clear()
        self._absent.clear()

    async def _write(self, statement: Statement) -> None:
        collected = _collected.get()
        if collected is not None:
            collected.append(statement)
        else:
            await self.db.execute(*statement)

    async def get_user_data(self) -> dict[int, JSONDict]:
        return await self._load("user")

    async def get_chat_data(self) -> dict[int, JSONDict]:
        return await self._load("chat")

    async def _load(self, whose: Whose) -> dict[int, JSONDict]:
        drafts = await conversations.all_drafts(self.db, whose)
        self._stored.update({(whose, key): data for key, data in drafts.items()})
        return {key: json.loads(data) for key, data in drafts.items()}

    async def get_bot_data(self) -> JSONDict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        stored = await conversations.states(self.db, name)
        return {tuple(json.loads(key)): json.loads(state) for key, state in stored.items()}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        encoded_key = json.dumps(list(key))
        if new_state is None:
            await self._write(conversations.delete_state_statement(name, encoded_key))
            return
        await self._write(conversations.save_state_statement(name, encoded_key, json.dumps(new_state)))

    async def update_user_data(self, user_id: int, data: JSONDict) -> None:
        await self._store("user", user_id, data)

    async def end_conversation(self, name: str, key: ConversationKey, user_id: int, data: JSONDict) -> None:
        """Writes an ended conversation and its user's data at once, in one transaction: PTB writes what a job
        changes only at the next interval, and never the user's data, so a restart after a flow timed out would
        otherwise resume the flow or keep its busy marker."""
        async with self.db.transaction():
            await self.update_conversation(name, key, None)
            await self.update_user_data(user_id, data)

    async def update_chat_data(self, chat_id: int, data: JSONDict) -> None:
        await self._store("chat", chat_id, data)

    async def _store(self, whose: Whose, key: int, data: JSONDict) -> None:
        if not data:
            await self._delete(whose, key)
            return
        encoded = json.dumps(data, ensure_ascii=False)
        if self._stored.get((whose, key)) == encoded:
            return
        self._absent.discard((whose, key))
        await self._write(conversations.save_draft_statement(whose, key, encoded))
        self._stored[(whose, key)] = encoded

    async def update_bot_data(self, data: JSONDict) -> None:
        return None

    async def update_callback_data(self, data: object) -> None:
        return None

    async def _delete(self, whose: Whose, key: int) -> None:
        if (whose, key) in self._absent:
            return
        await self._write(conversations.delete_draft_statement(whose, key))
        self._absent.add((whose, key))
        self._stored.pop((whose, key), None)

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._delete("chat", chat_id)

    async def drop_user_data(self, user_id: int) -> None:
        await self._delete("user", user_id)

    async def refresh_user_data(self, user_id: int, user_data: JSONDict) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: JSONDict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: JSONDict) -> None:
        return None

    async def flush(self) -> None:
        # Every update is written through at once; there is nothing buffered to flush.
        return None
