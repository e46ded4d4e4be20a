"""Open pairings, for the mentors' daily digest and the overdue list."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import from_db
from bot.storage.columns import optional_date
from bot.storage.db import Database
from bot.storage.queries import record


@dataclass(frozen=True)
class OpenPairing:
    """An open mentor pairing with its child's last visit and the last digest key it was reminded under."""

    id: int
    mentor_id: int
    child_id: int
    child_name: str
    cadence_days: int
    started_at: datetime
    last_visit: date | None
    reminded: str | None


_OPEN_PAIRINGS = (
    "SELECT p.id, p.mentor_id, p.child_id, p.cadence_days, p.started_at, c.name,"
    " (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = p.child_id) AS last_visit,"
    " (SELECT last_key FROM scheduler_runs r WHERE r.job = 'mentor:' || p.id) AS reminded"
    " FROM pairings p JOIN children c ON c.id = p.child_id WHERE p.ended_at IS NULL"
)


def _open_pairing(row: sqlite3.Row) -> OpenPairing:
    return record(
        OpenPairing,
        row,
        child_name=row["name"],
        started_at=from_db(row["started_at"]),
        last_visit=optional_date(row["last_visit"]),
    )


async def open_pairings_by_mentor(db: Database) -> list[OpenPairing]:
    """Every open pairing, ordered by mentor then child name."""
    rows = await db.fetchall(_OPEN_PAIRINGS + " ORDER BY p.mentor_id, c.name")
    return [_open_pairing(row) for row in rows]


async def open_pairings_by_name(db: Database) -> list[OpenPairing]:
    """Every open pairing, ordered by child name."""
    rows = await db.fetchall(_OPEN_PAIRINGS + " ORDER BY c.name")
    return [_open_pairing(row) for row in rows]
