"""Where each person stands in a flow: conversation states, and the drafts of each user and chat.

The rows hold JSON text (never pickle); the persistence (bot/telegram_io/persistence.py) encodes and decodes it.
"""

from __future__ import annotations

from typing import Any, Literal

from bot.storage.db import Database

Statement = tuple[str, tuple[Any, ...]]

Whose = Literal["user", "chat"]
# Whose drafts -> (table, key column).
_TABLES: dict[Whose, tuple[str, str]] = {"user": ("ptb_user_data", "user_id"), "chat": ("ptb_chat_data", "chat_id")}


async def all_drafts(db: Database, whose: Whose) -> dict[int, str]:
    """Every stored draft of users or chats: id -> its JSON text."""
    table, column = _TABLES[whose]
    rows = await db.fetchall(f"SELECT {column}, data FROM {table}")
    return {r[column]: r["data"] for r in rows}


def save_draft_statement(whose: Whose, key: int, data: str) -> Statement:
    table, column = _TABLES[whose]
    return (
        f"INSERT INTO {table} ({column}, data) VALUES (?, ?) ON CONFLICT ({column}) DO UPDATE SET data = excluded.data",
        (key, data),
    )


def delete_draft_statement(whose: Whose, key: int) -> Statement:
    table, column = _TABLES[whose]
    return f"DELETE FROM {table} WHERE {column} = ?", (key,)


async def save_draft(db: Database, whose: Whose, key: int, data: str) -> None:
    await db.execute(*save_draft_statement(whose, key, data))


async def delete_draft(db: Database, whose: Whose, key: int) -> None:
    await db.execute(*delete_draft_statement(whose, key))


async def states(db: Database, name: str) -> dict[str, str]:
    """The states of one conversation: its JSON key -> its JSON state."""
    rows = await db.fetchall("SELECT key, state FROM ptb_conversations WHERE name = ?", (name,))
    return {r["key"]: r["state"] for r in rows}


def save_state_statement(name: str, key: str, state: str) -> Statement:
    return (
        "INSERT INTO ptb_conversations (name, key, state) VALUES (?, ?, ?) "
        "ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
        (name, key, state),
    )


def delete_state_statement(name: str, key: str) -> Statement:
    return "DELETE FROM ptb_conversations WHERE name = ? AND key = ?", (name, key)


async def save_state(db: Database, name: str, key: str, state: str) -> None:
    await db.execute(*save_state_statement(name, key, state))


async def delete_state(db: Database, name: str, key: str) -> None:
    await db.execute(*delete_state_statement(name, key))
