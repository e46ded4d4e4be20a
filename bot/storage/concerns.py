"""Safety concerns (强制报告): reported, acknowledged, assigned, closed with an outcome, re-sent until acknowledged."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from datetime import datetime

from bot.domain.clock import from_db, to_db
from bot.domain.roles import ChildFilter
from bot.domain.safety import ConcernKind, ConcernStatus, Outcome
from bot.storage.db import Database
from bot.storage.queries import Rows, optional, reader
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


_concern = reader(
    Concern, kind=ConcernKind, status=ConcernStatus, created_at=from_db, last_sent_at=from_db, outcome=optional(Outcome)
)
_CONCERNS = Rows(
    "SELECT k.*, ch.name AS child_name, ch.class_id AS class_id FROM concerns k JOIN children ch ON ch.id = k.child_id",
    _concern,
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
    return await _CONCERNS.one(db, "WHERE k.id = ?", (concern_id,))


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
    return await _CONCERNS.all(
        db, "WHERE k.status = 'open' AND k.last_sent_at <= ? ORDER BY k.id", (to_db(sent_before),)
    )


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
    return await _CONCERNS.all(db, f"WHERE {where} ORDER BY k.status = 'acknowledged', k.id LIMIT ?", (*params, limit))


async def concerns_of_child(db: Database, child_id: int) -> list[Concern]:
    return await _CONCERNS.all(db, "WHERE k.child_id = ? ORDER BY k.id DESC", (child_id,))


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


_police = reader(PoliceReport, reported_at=from_db, feedback_at=optional(from_db), reminded_at=optional(from_db))
# The same, from its columns as register() names them beside the concern's.
_joined_police = reader(
    PoliceReport, "p_", reported_at=from_db, feedback_at=optional(from_db), reminded_at=optional(from_db)
)
_POLICE_REPORTS = Rows("SELECT * FROM police_reports", _police)


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
    return await _POLICE_REPORTS.one(db, "WHERE concern_id = ?", (concern_id,))


async def record_feedback(db: Database, concern_id: int, feedback: str, user_id: int, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE police_reports SET feedback = ?, feedback_by = ?, feedback_at = ? WHERE concern_id = ?",
        (feedback, user_id, to_db(now), concern_id),
    )
    return changed > 0


async def awaiting_feedback(db: Database, accepted_before: datetime) -> list[PoliceReport]:
    """Reports accepted before the given moment with no feedback and no reminder yet."""
    return await _POLICE_REPORTS.all(
        db,
        "WHERE feedback IS NULL AND reminded_at IS NULL AND reported_at <= ? ORDER BY concern_id",
        (to_db(accepted_before),),
    )


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


async def _with_police(
    db: Database, scope: ChildFilter, columns: str, *, joins: str = "", rest: str = ""
) -> list[sqlite3.Row]:
    """`columns` of the concerns about children in `scope`, each joined to its child (ch), class (c) and any report
    to the police (p); `joins` adds tables, `rest` follows the WHERE (grouping, order)."""
    within, params = children_within(scope)
    return await db.fetchall(
        f"SELECT {columns} FROM concerns k JOIN children ch ON ch.id = k.child_id JOIN classes c ON c.id = ch.class_id"
        f" LEFT JOIN police_reports p ON p.concern_id = k.id{joins} WHERE {within} {rest}",
        params,
    )


async def register(db: Database, scope: ChildFilter) -> list[RegisterRow]:
    """Every concern about children in `scope`, oldest first, with its class and any report to the police."""
    police = ", ".join(f"p.{f.name} AS p_{f.name}" for f in fields(PoliceReport))
    rows = await _with_police(
        db,
        scope,
        "k.*, ch.name AS child_name, ch.class_id AS class_id, g.name || c.name AS class_label,"
        f" u.full_name AS reporter_name, {police}",
        joins=" JOIN grades g ON g.id = c.grade_id LEFT JOIN users u ON u.id = k.reporter_id",
        rest="ORDER BY k.id",
    )
    return [
        RegisterRow(
            _concern(row),
            row["class_label"],
            row["reporter_name"],
            None if row["p_concern_id"] is None else _joined_police(row),
        )
        for row in rows
    ]


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


_count = reader(ConcernCount, kind=ConcernKind, status=ConcernStatus)


async def counts(db: Database, scope: ChildFilter) -> list[ConcernCount]:
    rows = await _with_police(
        db,
        scope,
        "c.school_id, k.kind, k.status, COUNT(*) AS count, COUNT(p.concern_id) AS police,"
        " COALESCE(SUM(p.concern_id IS NOT NULL AND p.feedback IS NULL), 0) AS awaiting_feedback",
        rest="GROUP BY c.school_id, k.kind, k.status ORDER BY c.school_id, k.kind, k.status",
    )
    return [_count(row) for row in rows]
