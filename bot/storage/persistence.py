"""python-telegram-bot persistence in the same SQLite database, as JSON (never pickle)."""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.storage.db import Database

JSONDict = dict[str, Any]


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
        self._absent: set[tuple[str, int]] = set()
        # What each stored row holds, so an unchanged draft is not written again: PTB hands over every user and
        # chat of every update, and a rewrite would also date that person's activity in the WAL.
        self._stored: dict[tuple[str, int], str] = {}

    async def get_user_data(self) -> dict[int, JSONDict]:
        rows = await self.db.fetchall("SELECT user_id, data FROM ptb_user_data")
        self._stored.update({("ptb_user_data", r["user_id"]): r["data"] for r in rows})
        return {r["user_id"]: json.loads(r["data"]) for r in rows}

    async def get_chat_data(self) -> dict[int, JSONDict]:
        rows = await self.db.fetchall("SELECT chat_id, data FROM ptb_chat_data")
        self._stored.update({("ptb_chat_data", r["chat_id"]): r["data"] for r in rows})
        return {r["chat_id"]: json.loads(r["data"]) for r in rows}

    async def get_bot_data(self) -> JSONDict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self.db.fetchall("SELECT key, state FROM ptb_conversations WHERE name = ?", (name,))
        return {tuple(json.loads(r["key"])): json.loads(r["state"]) for r in rows}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        encoded_key = json.dumps(list(key))
        if new_state is None:
            await self.db.execute("DELETE FROM ptb_conversations WHERE name = ? AND key = ?", (name, encoded_key))
            return
        await self.db.execute(
            "INSERT INTO ptb_conversations (name, key, state) VALUES (?, ?, ?) "
            "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
            (name, encoded_key, json.dumps(new_state)),
        )

    async def update_user_data(self, user_id: int, data: JSONDict) -> None:
        await self._store("ptb_user_data", "user_id", user_id, data)

    async def update_chat_data(self, chat_id: int, data: JSONDict) -> None:
        await self._store("ptb_chat_data", "chat_id", chat_id, data)

    async def _store(self, table: str, column: str, key: int, data: JSONDict) -> None:
        if not data:
            await self._delete(table, column, key)
            return
        encoded = json.dumps(data, ensure_ascii=False)
        if self._stored.get((table, key)) == encoded:
            return
        self._absent.discard((table, key))
        await self.db.execute(
            f"INSERT INTO {table} ({column}, data) VALUES (?, ?) "
            f"ON CONFLICT ({column}) DO UPDATE SET data = excluded.data",
            (key, encoded),
        )
        self._stored[(table, key)] = encoded

    async def update_bot_data(self, data: JSONDict) -> None:
        return None

    async def update_callback_data(self, data: object) -> None:
        return None

    async def _delete(self, table: str, column: str, key: int) -> None:
        if (table, key) in self._absent:
            return
        await self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))
        self._absent.add((table, key))
        self._stored.pop((table, key), None)

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._delete("ptb_chat_data", "chat_id", chat_id)

    async def drop_user_data(self, user_id: int) -> None:
        await self._delete("ptb_user_data", "user_id", user_id)

    async def refresh_user_data(self, user_id: int, user_data: JSONDict) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: JSONDict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: JSONDict) -> None:
        return None

    async def flush(self) -> None:
        # Every update is written through at once; there is nothing buffered to flush.
        return None
