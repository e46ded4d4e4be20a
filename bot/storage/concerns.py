"""Safety concerns (强制报告): reported, acknowledged, assigned, closed with an outcome, re-sent until acknowledged."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_db, to_db
from bot.domain.roles import ChildFilter
from bot.domain.safety import ConcernKind, ConcernStatus, Outcome
from bot.storage.db import Database
from bot.storage.queries import record
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class Concern:
    id: int
    child_id: int
    child_name: str
    class_id: int
    reporter_id: int
    kind: ConcernKind
    description: str
    occurred_on: str
    status: ConcernStatus
    created_at: datetime
    acknowledged_by: int | None
    assigned_to: int | None
    resend_round: int
    last_sent_at: datetime
    outcome: Outcome | None
    outcome_note: str | None


_CONCERN_SELECT = (
    "SELECT k.*, ch.name AS child_name, ch.class_id AS class_id FROM concerns k JOIN children ch ON ch.id = k.child_id"
)


def _concern(row: sqlite3.Row) -> Concern:
    return record(
        Concern,
        row,
        kind=ConcernKind(row["kind"]),
        status=ConcernStatus(row["status"]),
        created_at=from_db(row["created_at"]),
        last_sent_at=from_db(row["last_sent_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
    )


async def insert_concern(
    db: Database,
    *,
    child_id: int,
    reporter_id: int,
    kind: ConcernKind,
    description: str,
    occurred_on: str,
    checkin_id: int | None,
    now: datetime,
) -> int:
    return await db.insert(
        "INSERT INTO concerns (child_id, reporter_id, kind, description, occurred_on, checkin_id, created_at,"
        " last_sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (child_id, reporter_id, kind.value, description, occurred_on, checkin_id, to_db(now), to_db(now)),
    )


async def get_concern(db: Database, concern_id: int) -> Concern | None:
    row = await db.fetchone(_CONCERN_SELECT + " WHERE k.id = ?", (concern_id,))
    return _concern(row) if row else None


async def acknowledge(db: Database, concern_id: int, user_id: int, now: datetime) -> bool:
    """Marks an open concern acknowledged; False if someone else already did (or it is closed)."""
    changed = await db.execute(
        "UPDATE concerns SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ? "
        "WHERE id = ? AND status = 'open'",
        (user_id, to_db(now), concern_id),
    )
    return changed > 0


async def assign(db: Database, concern_id: int, assignee: int) -> bool:
    changed = await db.execute(
        "UPDATE concerns SET assigned_to = ? WHERE id = ? AND status != 'closed'", (assignee, concern_id)
    )
    return changed > 0


async def close(db: Database, concern_id: int, outcome: Outcome, note: str | None, user_id: int, now: datetime) -> bool:
    """Closes with an outcome; an open (unacknowledged) concern is acknowledged by the same act."""
    changed = await db.execute(
        "UPDATE concerns SET status = 'closed', outcome = ?, outcome_note = ?, closed_by = ?, closed_at = ?, "
        "acknowledged_by = COALESCE(acknowledged_by, ?), acknowledged_at = COALESCE(acknowledged_at, ?) "
        "WHERE id = ? AND status != 'closed'",
        (outcome.value, note, user_id, to_db(now), user_id, to_db(now), concern_id),
    )
    return changed > 0


async def due_for_resend(db: Database, sent_before: datetime) -> list[Concern]:
    rows = await db.fetchall(
        _CONCERN_SELECT + " WHERE k.status = 'open' AND k.last_sent_at <= ? ORDER BY k.id", (to_db(sent_before),)
    )
    return [_concern(r) for r in rows]


async def mark_resent(db: Database, concern_id: int, round_number: int, now: datetime) -> None:
    await db.execute(
        "UPDATE concerns SET resend_round = ?, last_sent_at = ? WHERE id = ? AND status = 'open'",
        (round_number, to_db(now), concern_id),
    )


async def unclosed_concerns(
    db: Database, scope: ChildFilter, *, involving: int | None = None, limit: int = 50
) -> list[Concern]:
    """Concerns not yet closed about children in `scope` (and, with `involving`, only those that person reported
    or was given), unacknowledged first, then oldest first."""
    within, params = children_within(scope)
    where = f"k.status != 'closed' AND {within}"
    if involving is not None:
        where += " AND ? IN (k.assigned_to, k.reporter_id)"
        params.append(involving)
    rows = await db.fetchall(
        _CONCERN_SELECT + f" WHERE {where} ORDER BY k.status = 'acknowledged', k.id LIMIT ?", (*params, limit)
    )
    return [_concern(r) for r in rows]


async def concerns_of_child(db: Database, child_id: int) -> list[Concern]:
    rows = await db.fetchall(_CONCERN_SELECT + " WHERE k.child_id = ? ORDER BY k.id DESC", (child_id,))
    return [_concern(r) for r in rows]


async def checkin_child(db: Database, checkin_id: int) -> int | None:
    exists = await db.fetchval("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkins'")
    if not exists:
        return None
    value = await db.fetchval("SELECT child_id FROM checkins WHERE id = ?", (checkin_id,))
    return int(value) if value is not None else None
