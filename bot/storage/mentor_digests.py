"""Open pairings, for the mentors' daily digest and the overdue list."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import from_db
from bot.domain.roles import ChildFilter
from bot.storage.columns import optional_date
from bot.storage.db import Database
from bot.storage.queries import record
from bot.storage.scopes import children_within


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


async def open_pairings_by_name(db: Database, scope: ChildFilter) -> list[OpenPairing]:
    """Every open pairing of a child in `scope`, ordered by child name."""
    within, params = children_within(scope, child="c.id", klass="c.class_id")
    rows = await db.fetchall(_OPEN_PAIRINGS + f" AND {within} ORDER BY c.name", params)
    return [_open_pairing(row) for row in rows]
