"""Messages between parents and the school (green channel) and the notes staff send parents."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.domain.clock import to_db
from bot.storage.db import Database


async def insert_message(
    db: Database,
    *,
    direction: str,
    parent_id: int,
    staff_id: int | None,
    child_id: int | None,
    text: str,
    thread_id: int | None,
    now: datetime,
    media_kind: str | None = None,
    media_file: str | None = None,
    media_seconds: int | None = None,
) -> int:
    """One message; a voice message or photo is kept as its Telegram file_id (and length), `text` its caption."""
    return await db.insert(
        "INSERT INTO green_messages (thread_id, direction, parent_id, staff_id, child_id, text, created_at,"
        " media_kind, media_file, media_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (thread_id, direction, parent_id, staff_id, child_id, text, to_db(now), media_kind, media_file,
         media_seconds),
    )  # fmt: skip


async def get_message(db: Database, message_id: int) -> sqlite3.Row | None:
    return await db.fetchone("SELECT * FROM green_messages WHERE id = ?", (message_id,))


async def add_note(db: Database, *, child_id: int, author_id: int, text: str, now: datetime) -> int:
    return await db.insert(
        "INSERT INTO parent_notes (child_id, author_id, text, created_at) VALUES (?, ?, ?, ?)",
        (child_id, author_id, text, to_db(now)),
    )
