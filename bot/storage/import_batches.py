"""A spreadsheet import: the checked rows kept until the user confirms them, and the archives they become."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.domain.clock import to_db
from bot.storage import children
from bot.storage.db import Database
from bot.storage.queries import among


async def archive_keys(db: Database, class_ids: list[int] | None) -> set[tuple[str, str, int]]:
    """(name, birth date, class id) of every archive (in the given classes), to spot duplicates on import."""
    if class_ids is None:
        rows = await db.fetchall("SELECT name, birth_date, class_id FROM children")
    else:
        in_classes, params = among("class_id", class_ids)
        rows = await db.fetchall("SELECT name, birth_date, class_id FROM children WHERE " + in_classes, params)
    return {(r["name"], r["birth_date"], r["class_id"]) for r in rows}


async def stage_import(db: Database, *, user_id: int, file_name: str, rows: list[dict[str, Any]], now: datetime) -> int:
    """Keeps checked rows until the user confirms; earlier pending batches of the user are cancelled."""
    async with db.transaction():
        await db.execute(
            "UPDATE import_batches SET status = 'cancelled', rows_json = '[]' WHERE user_id = ? AND status = 'pending'",
            (user_id,),
        )
        return await db.insert(
            "INSERT INTO import_batches (user_id, file_name, rows_json, row_count, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, file_name, json.dumps(rows, ensure_ascii=False), len(rows), to_db(now)),
        )


async def pending_import(db: Database, batch_id: int) -> tuple[int, str, list[dict[str, Any]]] | None:
    """(owner, status, rows) of a batch; None when there is no such batch."""
    row = await db.fetchone("SELECT user_id, status, rows_json FROM import_batches WHERE id = ?", (batch_id,))
    if row is None:
        return None
    return int(row["user_id"]), str(row["status"]), list(json.loads(row["rows_json"]))


async def close_import(db: Database, batch_id: int, status: str) -> bool:
    """Marks a pending batch imported or cancelled (and drops its rows); False if it was no longer pending."""
    changed = await db.execute(
        "UPDATE import_batches SET status = ?, rows_json = '[]' WHERE id = ? AND status = 'pending'",
        (status, batch_id),
    )
    return changed > 0


async def expire_imports(db: Database, created_before: datetime) -> int:
    """Cancels the pending batches staged before the given time and drops their rows; returns how many."""
    return await db.execute(
        "UPDATE import_batches SET status = 'cancelled', rows_json = '[]' WHERE status = 'pending' AND created_at < ?",
        (to_db(created_before),),
    )


async def insert_children(db: Database, rows: list[dict[str, Any]], *, created_by: int, now: datetime) -> list[int]:
    """Inserts validated archives (inside the caller's transaction); returns their ids in order."""
    return [await children.insert_child(db, values, created_by=created_by, now=now) for values in rows]
