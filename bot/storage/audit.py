"""The audit trail: who read or changed which child's record, and when."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import to_db
from bot.storage.db import Database


async def record(
    db: Database, *, at: datetime, actor_id: int | None, action: str, child_id: int | None, detail: str = ""
) -> None:
    """Appends one audit row. `detail` names fields or ids, never personal values."""
    await db.execute(
        "INSERT INTO audit_log (at, actor_id, action, child_id, detail) VALUES (?, ?, ?, ?, ?)",
        (to_db(at), actor_id, action, child_id, detail),
    )


async def record_many(
    db: Database, *, at: datetime, actor_id: int | None, action: str, child_ids: list[int], detail: str = ""
) -> None:
    """One audit row per child, one statement in one transaction (a page of /mychildren shows 40 children)."""
    async with db.transaction():
        await db.executemany(
            "INSERT INTO audit_log (at, actor_id, action, child_id, detail) VALUES (?, ?, ?, ?, ?)",
            [(to_db(at), actor_id, action, child_id, detail) for child_id in child_ids],
        )


async def for_child(db: Database, child_id: int) -> list[tuple[str, int | None, str, str]]:
    rows = await db.fetchall(
        "SELECT at, actor_id, action, detail FROM audit_log WHERE child_id = ? ORDER BY id", (child_id,)
    )
    return [(r["at"], r["actor_id"], r["action"], r["detail"]) for r in rows]
