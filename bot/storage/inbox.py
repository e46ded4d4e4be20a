"""The durable inbox: updates written before Telegram is told they arrived, marked done once handled."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from bot.domain.clock import to_db
from bot.storage.db import Database


async def store(db: Database, update_id: int, payload: str, now: datetime) -> bool:
    """Writes one fetched update; False if it was there already (fetched again after a crash)."""
    changed = await db.execute(
        "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
        (update_id, payload, to_db(now)),
    )
    return changed > 0


def mark_done_statement(update_ids: Collection[int], now: datetime) -> tuple[str, tuple[Any, ...]] | None:
    """Handled: the payload (what the person wrote) goes at once; the id stays to recognise a second fetch, with
    days, not times: the mailbox's updates are never written, and a second-exact gap between two ids would date
    a letter. None for no updates."""
    if not update_ids:
        return None
    marks = ", ".join("?" for _ in update_ids)
    return (
        f"UPDATE inbox SET payload = NULL, done_at = ?, received_at = substr(received_at, 1, 10)"
        f" WHERE update_id IN ({marks}) AND done_at IS NULL",
        (to_db(now)[:10], *update_ids),
    )


async def mark_done(db: Database, update_ids: Collection[int], now: datetime) -> None:
    statement = mark_done_statement(update_ids, now)
    if statement is not None:
        await db.execute(*statement)


async def not_done(db: Database) -> list[tuple[int, str]]:
    """(update_id, payload) of every update not handled yet, oldest first."""
    rows = await db.fetchall(
        "SELECT update_id, payload FROM inbox WHERE done_at IS NULL AND payload IS NOT NULL ORDER BY update_id"
    )
    return [(int(r["update_id"]), str(r["payload"])) for r in rows]


async def payloads(db: Database, update_ids: Collection[int]) -> list[tuple[int, str]]:
    """(update_id, payload) of these updates if still not done, oldest first."""
    if not update_ids:
        return []
    marks = ", ".join("?" for _ in update_ids)
    rows = await db.fetchall(
        f"SELECT update_id, payload FROM inbox WHERE update_id IN ({marks}) AND done_at IS NULL"
        " AND payload IS NOT NULL ORDER BY update_id",
        tuple(update_ids),
    )
    return [(int(r["update_id"]), str(r["payload"])) for r in rows]


async def purge(db: Database, done_before: datetime) -> int:
    """Forgets done rows from days before `done_before` (Telegram never sends an update again after a day)."""
    return await db.execute("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?", (to_db(done_before)[:10],))
