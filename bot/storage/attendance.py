"""The absence ledger: a day's absentees, the suspected-dropout cases (疑似辍学) and the attempts to bring a
child back (劝返)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import to_db
from bot.domain.roles import ChildFilter
from bot.storage.columns import optional_datetime
from bot.storage.db import Database
from bot.storage.queries import among, record
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class Case:
    id: int
    child_id: int
    child_name: str
    class_label: str
    school_id: int
    class_id: int
    opened_on: date
    status: str
    closed_on: date | None
    closed_at: datetime | None


@dataclass(frozen=True)
class Attempt:
    id: int
    case_id: int
    child_id: int
    child_name: str
    class_label: str
    attempt_date: date
    by_name: str
    method: str
    result: str
    outcome: str


async def absences_on(db: Database, day: date, child_ids: list[int]) -> dict[int, str]:
    """child id → reason, for the children absent on `day`."""
    condition, params = among("child_id", child_ids)
    rows = await db.fetchall(
        f"SELECT child_id, reason FROM absences WHERE day = ? AND {condition}", [day.isoformat(), *params]
    )
    return {r["child_id"]: r["reason"] for r in rows}


async def set_absence(db: Database, *, child_id: int, day: date, reason: str, by: int, now: datetime) -> None:
    """Marks the child absent on `day`; a second marking of the same day updates the row."""
    await db.execute(
        "INSERT INTO absences (child_id, day, reason, marked_by, marked_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (child_id, day) DO UPDATE SET reason = excluded.reason, marked_by = excluded.marked_by,"
        " marked_at = excluded.marked_at",
        (child_id, day.isoformat(), reason, by, to_db(now)),
    )


async def clear_absence(db: Database, *, child_id: int, day: date) -> bool:
    """The child was at school after all; True if an absence was removed."""
    return await db.execute("DELETE FROM absences WHERE child_id = ? AND day = ?", (child_id, day.isoformat())) > 0


async def unexplained_days(db: Database, child_id: int, days: list[date]) -> int:
    """On how many of `days` the child was absent without a reason."""
    condition = ",".join("?" * len(days))
    value = await db.fetchval(
        f"SELECT COUNT(*) FROM absences WHERE child_id = ? AND reason = 'unknown' AND day IN ({condition})",
        [child_id, *(d.isoformat() for d in days)],
    )
    return int(value or 0)


_CASE_SELECT = (
    "SELECT k.*, ch.name AS child_name, g.name || c.name AS class_label FROM dropout_cases k"
    " JOIN children ch ON ch.id = k.child_id JOIN classes c ON c.id = k.class_id JOIN grades g ON g.id = c.grade_id"
)


def _case(row: sqlite3.Row) -> Case:
    closed = row["closed_on"]
    return record(
        Case,
        row,
        opened_on=date.fromisoformat(row["opened_on"]),
        closed_on=date.fromisoformat(closed) if closed else None,
        closed_at=optional_datetime(row["closed_at"]),
    )


async def open_case(
    db: Database, *, child_id: int, school_id: int, class_id: int, day: date, now: datetime
) -> int | None:
    """Opens the child's case; None if one is open already (the alert then went out before)."""
    return await db.insert_new(
        "INSERT OR IGNORE INTO dropout_cases (child_id, school_id, class_id, opened_on, opened_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (child_id, school_id, class_id, day.isoformat(), to_db(now)),
    )


async def get_case(db: Database, case_id: int) -> Case | None:
    row = await db.fetchone(_CASE_SELECT + " WHERE k.id = ?", (case_id,))
    return _case(row) if row else None


async def open_cases(db: Database, scope: ChildFilter) -> list[Case]:
    within, params = children_within(scope, child="k.child_id", klass="ch.class_id")
    rows = await db.fetchall(_CASE_SELECT + f" WHERE k.status = 'open' AND {within} ORDER BY k.opened_on, k.id", params)
    return [_case(r) for r in rows]


async def cases_in_month(db: Database, scope: ChildFilter, start: date, end: date) -> list[Case]:
    """Cases opened or closed within [start, end], or open across it."""
    within, params = children_within(scope, child="k.child_id", klass="ch.class_id")
    rows = await db.fetchall(
        _CASE_SELECT + f" WHERE {within} AND k.opened_on <= ? AND (k.closed_on IS NULL OR k.closed_on >= ?)"
        " ORDER BY k.opened_on, k.id",
        [*params, end.isoformat(), start.isoformat()],
    )
    return [_case(r) for r in rows]


async def close_case(
    db: Database, case_id: int, *, status: str, day: date, by: int, now: datetime, event_id: int | None
) -> bool:
    """Closes an open case; False if it was closed already (a double tap, or someone else first)."""
    changed = await db.execute(
        "UPDATE dropout_cases SET status = ?, closed_on = ?, closed_by = ?, closed_at = ?, enrolment_event_id = ?"
        " WHERE id = ? AND status = 'open'",
        (status, day.isoformat(), by, to_db(now), event_id, case_id),
    )
    return changed > 0


async def insert_attempt(
    db: Database,
    *,
    case_id: int,
    day: date,
    by: int,
    method: str,
    result: str,
    outcome: str,
    now: datetime,
    flow_token: str,
) -> int | None:
    """Stores one attempt; None if this flow's attempt was stored already (a double tap)."""
    return await db.insert_new(
        "INSERT OR IGNORE INTO return_attempts (case_id, attempt_date, by_id, method, result, outcome, created_at,"
        " flow_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (case_id, day.isoformat(), by, method, result, outcome, to_db(now), flow_token),
    )


_ATTEMPT_SELECT = (
    "SELECT a.*, k.child_id, ch.name AS child_name, g.name || c.name AS class_label,"
    " COALESCE(u.full_name, '') AS by_name FROM return_attempts a JOIN dropout_cases k ON k.id = a.case_id"
    " JOIN children ch ON ch.id = k.child_id JOIN classes c ON c.id = k.class_id JOIN grades g ON g.id = c.grade_id"
    " LEFT JOIN users u ON u.id = a.by_id"
)


def _attempt(row: sqlite3.Row) -> Attempt:
    return record(Attempt, row, attempt_date=date.fromisoformat(row["attempt_date"]))


async def attempts_of(db: Database, case_id: int) -> list[Attempt]:
    rows = await db.fetchall(_ATTEMPT_SELECT + " WHERE a.case_id = ? ORDER BY a.attempt_date, a.id", (case_id,))
    return [_attempt(r) for r in rows]


async def attempts_in(db: Database, scope: ChildFilter, start: date, end: date) -> list[Attempt]:
    within, params = children_within(scope, child="k.child_id", klass="ch.class_id")
    rows = await db.fetchall(
        _ATTEMPT_SELECT + f" WHERE {within} AND a.attempt_date BETWEEN ? AND ? ORDER BY a.attempt_date, a.id",
        [*params, start.isoformat(), end.isoformat()],
    )
    return [_attempt(r) for r in rows]


async def absence_days_in(db: Database, scope: ChildFilter, start: date, end: date) -> dict[str, int]:
    """reason → number of child-days absent within [start, end]."""
    within, params = children_within(scope, child="a.child_id", klass="ch.class_id")
    rows = await db.fetchall(
        "SELECT a.reason, COUNT(*) AS n FROM absences a JOIN children ch ON ch.id = a.child_id"
        f" WHERE {within} AND a.day BETWEEN ? AND ? GROUP BY a.reason",
        [*params, start.isoformat(), end.isoformat()],
    )
    return {r["reason"]: int(r["n"]) for r in rows}
