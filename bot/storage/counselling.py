"""Counselling sessions: counsellors only; others see the dates a counsellor chose to share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import to_db
from bot.storage.db import Database
from bot.storage.queries import record


@dataclass(frozen=True)
class Session:
    id: int
    child_id: int
    counsellor_id: int
    session_date: str
    topic: str
    notes: str
    followup: str | None
    shared: bool


async def add_session(
    db: Database,
    *,
    child_id: int,
    counsellor_id: int,
    session_date: str,
    topic: str,
    notes: str,
    followup: str | None,
    shared: bool,
    now: datetime,
) -> int:
    return await db.insert(
        "INSERT INTO counselling_sessions (child_id, counsellor_id, session_date, topic, notes, followup, shared,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (child_id, counsellor_id, session_date, topic, notes, followup, int(shared), to_db(now)),
    )


async def sessions_of_child(db: Database, child_id: int) -> list[Session]:
    rows = await db.fetchall(
        "SELECT * FROM counselling_sessions WHERE child_id = ? ORDER BY session_date DESC, id DESC", (child_id,)
    )
    return [record(Session, r, shared=bool(r["shared"])) for r in rows]


async def shared_session_dates(db: Database, child_id: int) -> list[str]:
    """Only the dates of sessions the counsellor allowed others to know about."""
    rows = await db.fetchall(
        "SELECT session_date FROM counselling_sessions WHERE child_id = ? AND shared = 1 ORDER BY session_date DESC",
        (child_id,),
    )
    return [r["session_date"] for r in rows]
