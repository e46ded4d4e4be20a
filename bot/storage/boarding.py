"""Boarding requests (寄宿优先) and their decisions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_db, to_db
from bot.domain.roles import ChildFilter
from bot.storage.columns import optional_datetime
from bot.storage.db import Database
from bot.storage.queries import record
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class BoardingRequest:
    id: int
    child_id: int
    child_name: str
    class_id: int
    class_label: str
    parents_away: str
    requested_at: datetime
    requested_by_name: str
    status: str
    decided_at: datetime | None
    decided_by_name: str


_BOARDING_SELECT = (
    "SELECT r.*, ch.name AS child_name, ch.class_id, g.name || c.name AS class_label, ch.parents_away,"
    " ch.away_since, COALESCE(q.full_name, '') AS requested_by_name, COALESCE(d.full_name, '') AS decided_by_name"
    " FROM boarding_requests r JOIN children ch ON ch.id = r.child_id JOIN classes c ON c.id = ch.class_id"
    " JOIN grades g ON g.id = c.grade_id LEFT JOIN users q ON q.id = r.requested_by"
    " LEFT JOIN users d ON d.id = r.decided_by"
)


def _boarding(row: sqlite3.Row) -> BoardingRequest:
    return record(
        BoardingRequest, row, requested_at=from_db(row["requested_at"]), decided_at=optional_datetime(row["decided_at"])
    )


async def request_boarding(db: Database, *, child_id: int, by: int, now: datetime) -> int | None:
    """Opens a request; None when one is already open for the child."""
    request_id = await db.insert_new(
        "INSERT OR IGNORE INTO boarding_requests (child_id, requested_at, requested_by) VALUES (?, ?, ?)",
        (child_id, to_db(now), by),
    )
    if request_id is None:
        return None
    await db.execute("UPDATE children SET boarding = 'requested', updated_at = ? WHERE id = ?", (to_db(now), child_id))
    return request_id


async def get_boarding(db: Database, request_id: int) -> BoardingRequest | None:
    row = await db.fetchone(_BOARDING_SELECT + " WHERE r.id = ?", (request_id,))
    return _boarding(row) if row else None


async def decide_boarding(db: Database, request_id: int, *, granted: bool, by: int, now: datetime) -> bool:
    """Grants or declines an open request and updates the child's boarding status; False if already decided."""
    status = "granted" if granted else "declined"
    changed = await db.execute(
        "UPDATE boarding_requests SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'requested'",
        (status, by, to_db(now), request_id),
    )
    if not changed:
        return False
    await db.execute(
        "UPDATE children SET boarding = ?, updated_at = ?"
        " WHERE id = (SELECT child_id FROM boarding_requests WHERE id = ?)",
        ("yes" if granted else "no", to_db(now), request_id),
    )
    return True


async def open_boarding_requests(
    db: Database, *, scope: ChildFilter, limit: int, offset: int
) -> tuple[list[BoardingRequest], int]:
    """Open requests of children in `scope`, left-behind children first (both parents away, then longest away),
    then oldest request."""
    within, params = children_within(scope)
    where = f"r.status = 'requested' AND {within}"
    total = await db.fetchval(
        "SELECT COUNT(*) FROM boarding_requests r JOIN children ch ON ch.id = r.child_id WHERE " + where, params
    )
    rows = await db.fetchall(
        _BOARDING_SELECT + " WHERE " + where + " ORDER BY (ch.parents_away = 'both') DESC,"
        " COALESCE(ch.away_since, '9999') ASC, r.requested_at ASC, r.id ASC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [_boarding(r) for r in rows], int(total)


async def boarding_of(db: Database, child_id: int) -> list[BoardingRequest]:
    rows = await db.fetchall(_BOARDING_SELECT + " WHERE r.child_id = ? ORDER BY r.id", (child_id,))
    return [_boarding(r) for r in rows]


async def withdraw_open_request(db: Database, child_id: int, *, by: int, now: datetime, note: str) -> int:
    """Closes the child's open request without a grant (they left the school that would have decided), and the
    card no longer says "requested"."""
    changed = await db.execute(
        "UPDATE boarding_requests SET status = 'declined', decided_by = ?, decided_at = ?, note = ?"
        " WHERE child_id = ? AND status = 'requested'",
        (by, to_db(now), note, child_id),
    )
    if changed:
        await db.execute(
            "UPDATE children SET boarding = 'no', updated_at = ? WHERE id = ? AND boarding = 'requested'",
            (to_db(now), child_id),
        )
    return changed
