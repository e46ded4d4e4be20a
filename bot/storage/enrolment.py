"""Enrolment events (控辍保学): left, transferred, returned, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import from_db, to_db
from bot.storage.db import Database
from bot.storage.queries import Rows, reader


@dataclass(frozen=True)
class EnrolmentEvent:
    id: int
    child_id: int
    status: str
    effective_date: date
    reason: str | None
    recorded_by_name: str
    recorded_at: datetime
    source: str


_EVENTS = Rows(
    "SELECT e.*, COALESCE(u.full_name, '') AS recorded_by_name FROM enrolment_events e"
    " LEFT JOIN users u ON u.id = e.recorded_by",
    reader(EnrolmentEvent, effective_date=date.fromisoformat, recorded_at=from_db),
)


async def enrolment_history(db: Database, child_id: int) -> list[EnrolmentEvent]:
    """Oldest first; the last one is the current status."""
    return await _EVENTS.all(db, "WHERE e.child_id = ? ORDER BY e.effective_date, e.id", (child_id,))


async def enrolment_flow_stored(db: Database, flow_token: str) -> bool:
    """True if an enrolment event was already stored for this flow."""
    return await db.fetchval("SELECT 1 FROM enrolment_events WHERE flow_token = ?", (flow_token,)) is not None


async def insert_enrolment(
    db: Database,
    *,
    child_id: int,
    status: str,
    effective: date,
    reason: str | None,
    by: int,
    now: datetime,
    flow_token: str,
    school_id: int | None = None,
) -> int | None:
    """Appends one event; `school_id` is the school where it happened."""
    return await db.insert_new(
        "INSERT OR IGNORE INTO enrolment_events (child_id, status, effective_date, reason, recorded_by, recorded_at,"
        " flow_token, school_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (child_id, status, effective.isoformat(), reason, by, to_db(now), flow_token, school_id),
    )


async def insert_at_school(
    db: Database, *, child_id: int, status: str, effective: date, school_id: int, by: int, now: datetime
) -> int:
    """An event the bot records itself, at the school where it happened (a transfer's leaving and arriving)."""
    return await db.insert(
        "INSERT INTO enrolment_events (child_id, status, effective_date, reason, recorded_by, recorded_at, school_id)"
        " VALUES (?, ?, ?, NULL, ?, ?, ?)",
        (child_id, status, effective.isoformat(), by, to_db(now), school_id),
    )


async def current_statuses(db: Database, child_ids: list[int]) -> dict[int, str]:
    """Each child's enrolment status now (its latest event), for the children that have one."""
    found: dict[int, str] = {}
    for start in range(0, len(child_ids), 500):
        chunk = child_ids[start : start + 500]
        rows = await db.fetchall(
            "SELECT e.child_id, e.status FROM enrolment_events e WHERE e.child_id IN ("
            + ",".join("?" * len(chunk))
            + ") AND e.id = (SELECT x.id FROM enrolment_events x WHERE x.child_id = e.child_id"
            " ORDER BY x.effective_date DESC, x.id DESC LIMIT 1)",
            chunk,
        )
        found.update((r["child_id"], r["status"]) for r in rows)
    return found
