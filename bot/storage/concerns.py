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


# --- reports to the police (强制报告) -------------------------------------------------------------------------


@dataclass(frozen=True)
class PoliceReport:
    concern_id: int
    reported_at: datetime
    police_unit: str
    receipt_no: str
    recorded_by: int
    feedback: str | None
    feedback_at: datetime | None
    reminded_at: datetime | None


def _police(row: sqlite3.Row) -> PoliceReport:
    return PoliceReport(
        concern_id=row["concern_id"],
        reported_at=from_db(row["reported_at"]),
        police_unit=row["police_unit"],
        receipt_no=row["receipt_no"],
        recorded_by=row["recorded_by"],
        feedback=row["feedback"],
        feedback_at=from_db(row["feedback_at"]) if row["feedback_at"] else None,
        reminded_at=from_db(row["reminded_at"]) if row["reminded_at"] else None,
    )


async def insert_police_report(
    db: Database, concern_id: int, *, reported_at: datetime, police_unit: str, receipt_no: str, user_id: int,
    now: datetime,
) -> bool:  # fmt: skip
    """Records the report to the police once per concern; False if one is already recorded."""
    changed = await db.execute(
        "INSERT INTO police_reports (concern_id, reported_at, police_unit, receipt_no, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (concern_id) DO NOTHING",
        (concern_id, to_db(reported_at), police_unit, receipt_no, user_id, to_db(now)),
    )
    return changed > 0


async def police_report(db: Database, concern_id: int) -> PoliceReport | None:
    row = await db.fetchone("SELECT * FROM police_reports WHERE concern_id = ?", (concern_id,))
    return _police(row) if row else None


async def record_feedback(db: Database, concern_id: int, feedback: str, user_id: int, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE police_reports SET feedback = ?, feedback_by = ?, feedback_at = ? WHERE concern_id = ?",
        (feedback, user_id, to_db(now), concern_id),
    )
    return changed > 0


async def awaiting_feedback(db: Database, accepted_before: datetime) -> list[PoliceReport]:
    """Reports accepted before the given moment with no feedback and no reminder yet."""
    rows = await db.fetchall(
        "SELECT * FROM police_reports WHERE feedback IS NULL AND reminded_at IS NULL AND reported_at <= ?"
        " ORDER BY concern_id",
        (to_db(accepted_before),),
    )
    return [_police(r) for r in rows]


async def mark_reminded(db: Database, concern_id: int, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE police_reports SET reminded_at = ? WHERE concern_id = ? AND reminded_at IS NULL",
        (to_db(now), concern_id),
    )
    return changed > 0


@dataclass(frozen=True)
class RegisterRow:
    """One line of the register of reports: the concern and, if it went to the police, that report."""

    concern: Concern
    class_label: str
    reporter_name: str | None
    police: PoliceReport | None


async def register(db: Database, scope: ChildFilter) -> list[RegisterRow]:
    """Every concern about children in `scope`, oldest first, with its class and any report to the police."""
    within, params = children_within(scope)
    rows = await db.fetchall(
        "SELECT k.*, ch.name AS child_name, ch.class_id AS class_id, g.name || c.name AS class_label,"
        " u.full_name AS reporter_name, p.concern_id AS p_concern, p.reported_at AS p_reported_at,"
        " p.police_unit AS p_unit, p.receipt_no AS p_receipt, p.recorded_by AS p_by, p.feedback AS p_feedback,"
        " p.feedback_at AS p_feedback_at, p.reminded_at AS p_reminded_at"
        " FROM concerns k JOIN children ch ON ch.id = k.child_id JOIN classes c ON c.id = ch.class_id"
        " JOIN grades g ON g.id = c.grade_id LEFT JOIN users u ON u.id = k.reporter_id"
        f" LEFT JOIN police_reports p ON p.concern_id = k.id WHERE {within} ORDER BY k.id",
        params,
    )
    found = []
    for row in rows:
        police = None
        if row["p_concern"] is not None:
            police = PoliceReport(
                concern_id=row["p_concern"],
                reported_at=from_db(row["p_reported_at"]),
                police_unit=row["p_unit"],
                receipt_no=row["p_receipt"],
                recorded_by=row["p_by"],
                feedback=row["p_feedback"],
                feedback_at=from_db(row["p_feedback_at"]) if row["p_feedback_at"] else None,
                reminded_at=from_db(row["p_reminded_at"]) if row["p_reminded_at"] else None,
            )
        found.append(RegisterRow(_concern(row), row["class_label"], row["reporter_name"], police))
    return found


@dataclass(frozen=True)
class ConcernCount:
    """How many concerns of one kind and status a school has; of them, reported to the police and still without
    the police's feedback. No names, no ids of children."""

    school_id: int
    kind: ConcernKind
    status: ConcernStatus
    count: int
    police: int
    awaiting_feedback: int


async def counts(db: Database, scope: ChildFilter) -> list[ConcernCount]:
    within, params = children_within(scope)
    rows = await db.fetchall(
        "SELECT c.school_id, k.kind, k.status, COUNT(*) AS n, COUNT(p.concern_id) AS police,"
        " SUM(p.concern_id IS NOT NULL AND p.feedback IS NULL) AS waiting"
        " FROM concerns k JOIN children ch ON ch.id = k.child_id JOIN classes c ON c.id = ch.class_id"
        f" LEFT JOIN police_reports p ON p.concern_id = k.id WHERE {within}"
        " GROUP BY c.school_id, k.kind, k.status ORDER BY c.school_id, k.kind, k.status",
        params,
    )
    return [
        ConcernCount(
            r["school_id"], ConcernKind(r["kind"]), ConcernStatus(r["status"]), r["n"], r["police"], r["waiting"] or 0
        )
        for r in rows
    ]
