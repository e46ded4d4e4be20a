"""Each child's risk level (high / medium / low) and its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import to_db
from bot.domain.roles import ChildFilter
from bot.domain.safety import RiskLevel
from bot.storage.db import Database
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class Risk:
    child_id: int
    level: RiskLevel | None  # as set by a person; None if never set
    reason: str | None
    open_concerns: int


async def set_risk(db: Database, child_id: int, level: RiskLevel, reason: str, user_id: int, now: datetime) -> None:
    await db.execute(
        "INSERT INTO child_risk (child_id, level, reason, set_by, set_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (child_id) DO UPDATE SET level = excluded.level, reason = excluded.reason, "
        "set_by = excluded.set_by, set_at = excluded.set_at",
        (child_id, level.value, reason, user_id, to_db(now)),
    )


async def get_risk(db: Database, child_id: int) -> Risk:
    row = await db.fetchone("SELECT level, reason FROM child_risk WHERE child_id = ?", (child_id,))
    count = await db.fetchval("SELECT COUNT(*) FROM concerns WHERE child_id = ? AND status != 'closed'", (child_id,))
    return Risk(
        child_id=child_id,
        level=RiskLevel(row["level"]) if row else None,
        reason=row["reason"] if row else None,
        open_concerns=int(count or 0),
    )


async def risks(db: Database, scope: ChildFilter) -> dict[int, Risk]:
    """Every child in `scope` with a set level or an unclosed concern (children absent from the map are
    low-risk)."""
    within, params = children_within(scope)
    rows = await db.fetchall(
        "SELECT ch.id, r.level, r.reason, "
        " (SELECT COUNT(*) FROM concerns k WHERE k.child_id = ch.id AND k.status != 'closed') AS open_count "
        "FROM children ch LEFT JOIN child_risk r ON r.child_id = ch.id "
        "WHERE (r.child_id IS NOT NULL OR EXISTS (SELECT 1 FROM concerns k WHERE k.child_id = ch.id"
        f" AND k.status != 'closed')) AND {within}",
        params,
    )
    return {
        r["id"]: Risk(
            child_id=r["id"],
            level=RiskLevel(r["level"]) if r["level"] else None,
            reason=r["reason"],
            open_concerns=int(r["open_count"]),
        )
        for r in rows
    }
