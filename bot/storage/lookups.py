"""The county office's look-ups of one child (0013_county_stats.sql): who, when, which child, and why."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import to_db
from bot.storage.db import Database


async def record(db: Database, *, at: datetime, actor_id: int, child_id: int, reason: str, note: str | None) -> None:
    await db.execute(
        "INSERT INTO lookups (at, actor_id, child_id, reason, note) VALUES (?, ?, ?, ?, ?)",
        (to_db(at), actor_id, child_id, reason, note),
    )
