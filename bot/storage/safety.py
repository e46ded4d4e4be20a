"""Concerns, risk levels, counselling records, consent, data requests and erasure."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.clock import from_db, to_db
from bot.domain.safety import ConcernKind, ConcernStatus, Outcome, RiskLevel
from bot.storage.db import Database

# --- concerns ------------------------------------------------------------------------------------------------


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
    return Concern(
        id=row["id"],
        child_id=row["child_id"],
        child_name=row["child_name"],
        class_id=row["class_id"],
        reporter_id=row["reporter_id"],
        kind=ConcernKind(row["kind"]),
        description=row["description"],
        occurred_on=row["occurred_on"],
        status=ConcernStatus(row["status"]),
        created_at=from_db(row["created_at"]),
        acknowledged_by=row["acknowledged_by"],
        assigned_to=row["assigned_to"],
        resend_round=row["resend_round"],
        last_sent_at=from_db(row["last_sent_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        outcome_note=row["outcome_note"],
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


async def unclosed_concerns(db: Database, child_ids: frozenset[int] | None, *, limit: int = 50) -> list[Concern]:
    """Concerns not yet closed, unacknowledged first, then oldest first; child_ids None means every child."""
    where = "k.status != 'closed'"
    params: list[object] = []
    if child_ids is not None:
        where += f" AND k.child_id IN ({','.join('?' * len(child_ids)) or 'NULL'})"
        params.extend(sorted(child_ids))
    rows = await db.fetchall(
        _CONCERN_SELECT + f" WHERE {where} ORDER BY k.status = 'acknowledged', k.id LIMIT ?", (*params, limit)
    )
    return [_concern(r) for r in rows]


async def concerns_of_child(db: Database, child_id: int) -> list[Concern]:
    rows = await db.fetchall(_CONCERN_SELECT + " WHERE k.child_id = ? ORDER BY k.id DESC", (child_id,))
    return [_concern(r) for r in rows]


# --- risk ----------------------------------------------------------------------------------------------------


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


async def risks(db: Database) -> dict[int, Risk]:
    """Every child with a set level or an unclosed concern (children absent from the map are low-risk)."""
    rows = await db.fetchall(
        "SELECT ch.id, r.level, r.reason, "
        " (SELECT COUNT(*) FROM concerns k WHERE k.child_id = ch.id AND k.status != 'closed') AS open_count "
        "FROM children ch LEFT JOIN child_risk r ON r.child_id = ch.id "
        "WHERE r.child_id IS NOT NULL OR EXISTS (SELECT 1 FROM concerns k WHERE k.child_id = ch.id"
        " AND k.status != 'closed')"
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


# --- counselling ---------------------------------------------------------------------------------------------


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
    return [
        Session(
            id=r["id"],
            child_id=r["child_id"],
            counsellor_id=r["counsellor_id"],
            session_date=r["session_date"],
            topic=r["topic"],
            notes=r["notes"],
            followup=r["followup"],
            shared=bool(r["shared"]),
        )
        for r in rows
    ]


async def shared_session_dates(db: Database, child_id: int) -> list[str]:
    """Only the dates of sessions the counsellor allowed others to know about."""
    rows = await db.fetchall(
        "SELECT session_date FROM counselling_sessions WHERE child_id = ? AND shared = 1 ORDER BY session_date DESC",
        (child_id,),
    )
    return [r["session_date"] for r in rows]


# --- consent and data requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Consent:
    child_id: int
    method: str
    given_by: str
    guardian_id: int | None
    recorded_by: int
    given_at: datetime


async def record_consent(
    db: Database,
    *,
    child_id: int,
    method: str,
    given_by: str,
    guardian_id: int | None,
    recorded_by: int,
    now: datetime,
) -> None:
    await db.execute(
        "INSERT INTO consents (child_id, method, given_by, guardian_id, recorded_by, given_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (child_id) DO UPDATE SET method = excluded.method, "
        "given_by = excluded.given_by, guardian_id = excluded.guardian_id, recorded_by = excluded.recorded_by, "
        "given_at = excluded.given_at",
        (child_id, method, given_by, guardian_id, recorded_by, to_db(now)),
    )


async def get_consent(db: Database, child_id: int) -> Consent | None:
    row = await db.fetchone("SELECT * FROM consents WHERE child_id = ?", (child_id,))
    if row is None:
        return None
    return Consent(
        child_id=row["child_id"],
        method=row["method"],
        given_by=row["given_by"],
        guardian_id=row["guardian_id"],
        recorded_by=row["recorded_by"],
        given_at=from_db(row["given_at"]),
    )


def consented_child_filter_sql(column: str = "ch.id") -> str:
    """A WHERE fragment keeping only children whose guardian consent is recorded, e.g.
    `... FROM children ch WHERE <fragment>`. `column` is code, never user input."""
    if not column.replace(".", "").replace("_", "").isalnum():
        raise ValueError("column must be an identifier")
    return f"EXISTS (SELECT 1 FROM consents cs WHERE cs.child_id = {column})"


async def children_without_consent(db: Database, child_ids: frozenset[int] | None = None) -> list[tuple[int, str]]:
    """(id, name) of children whose consent is missing, in the given set (None: all), by name."""
    rows = await db.fetchall(
        "SELECT ch.id, ch.name FROM children ch WHERE NOT " + consented_child_filter_sql("ch.id") + " ORDER BY ch.name"
    )
    return [(r["id"], r["name"]) for r in rows if child_ids is None or r["id"] in child_ids]


async def add_request(db: Database, *, child_id: int, requester_id: int, kind: str, detail: str, now: datetime) -> int:
    return await db.insert(
        "INSERT INTO data_requests (child_id, requester_id, kind, detail, created_at) VALUES (?, ?, ?, ?, ?)",
        (child_id, requester_id, kind, detail, to_db(now)),
    )


@dataclass(frozen=True)
class DataRequest:
    id: int
    child_id: int
    child_name: str
    requester_id: int
    kind: str
    detail: str
    created_at: datetime


async def open_requests(db: Database) -> list[DataRequest]:
    rows = await db.fetchall(
        "SELECT r.*, ch.name AS child_name FROM data_requests r JOIN children ch ON ch.id = r.child_id "
        "WHERE r.handled_at IS NULL ORDER BY r.id"
    )
    return [
        DataRequest(
            id=r["id"],
            child_id=r["child_id"],
            child_name=r["child_name"],
            requester_id=r["requester_id"],
            kind=r["kind"],
            detail=r["detail"],
            created_at=from_db(r["created_at"]),
        )
        for r in rows
    ]


# --- erasure -------------------------------------------------------------------------------------------------

# Tables that never hold a child's data themselves even if a column is called child_id.
_KEEP = frozenset({"audit_log", "schema_migrations"})


async def _child_tables(db: Database) -> list[tuple[str, str]]:
    """(table, WHERE clause) for every row about the child, deepest dependants first.

    Found at erasure time from sqlite_master and the pragmas, so tables added by later migrations are covered:
    every column named child_id, every foreign key to children, and rows that depend on those by foreign key.
    The child id is bound as the named parameter :child.
    """
    names = [
        r["name"]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        if r["name"] not in _KEEP
    ]
    clauses: dict[str, list[str]] = {"children": ["id = :child"]}
    order: list[str] = ["children"]
    columns = {name: [c["name"] for c in await db.fetchall(f'PRAGMA table_info("{name}")')] for name in names}
    keys = {name: await db.fetchall(f'PRAGMA foreign_key_list("{name}")') for name in names}
    for name in names:
        if name != "children" and "child_id" in columns[name]:
            clauses.setdefault(name, []).append("child_id = :child")
            order.append(name)
    changed = True
    while changed:
        changed = False
        for name in names:
            for fk in keys[name]:
                parent, source, target = fk["table"], fk["from"], fk["to"] or "id"
                if parent not in clauses or parent == name:
                    continue
                clause = (
                    f'"{source}" IN (SELECT "{target}" FROM "{parent}" WHERE '
                    + " OR ".join(f"({c})" for c in clauses[parent])
                    + ")"
                )
                if clause not in clauses.get(name, []) and len(clause) < 4000:
                    clauses.setdefault(name, []).append(clause)
                    if name not in order:
                        order.append(name)
                    changed = True
    return [(name, " OR ".join(f"({c})" for c in clauses[name])) for name in reversed(order)]


async def erase_child(db: Database, child_id: int) -> dict[str, int]:
    """Deletes every row about the child in every table but the audit log; the caller holds a transaction.
    Returns the number of rows deleted per table (names only: the counts go to the audit detail)."""
    deleted: dict[str, int] = {}
    # Rows of dependants are deleted before their parents; defer the checks to the commit all the same, so
    # an order we did not foresee cannot fail half-way.
    await db.execute("PRAGMA defer_foreign_keys = ON")
    for table, where in await _child_tables(db):
        count = await db.execute(f'DELETE FROM "{table}" WHERE {where}', {"child": child_id})
        if count:
            deleted[table] = count
    await db.execute("DELETE FROM audit_log WHERE child_id = ?", (child_id,))
    return deleted


async def rows_mentioning_child(db: Database, child_id: int) -> dict[str, int]:
    """Rows still found about a child (for the erasure check): same discovery as erase_child."""
    found: dict[str, int] = {}
    for table, where in await _child_tables(db):
        count = int(await db.fetchval(f'SELECT COUNT(*) FROM "{table}" WHERE {where}', {"child": child_id}) or 0)
        if count:
            found[table] = count
    return found


async def class_staff(db: Database, class_id: int, role: str) -> list[int]:
    rows = await db.fetchall(
        "SELECT user_id FROM staff_roles WHERE class_id = ? AND role = ? ORDER BY user_id", (class_id, role)
    )
    return [r["user_id"] for r in rows]


async def mentors_of(db: Database, child_id: int) -> list[int]:
    rows = await db.fetchall("SELECT mentor_id FROM pairings WHERE child_id = ? AND ended_at IS NULL", (child_id,))
    return [r["mentor_id"] for r in rows]


async def forget_queued_messages(db: Database, child_id: int) -> None:
    """Queued alerts name the child in their text: drop those of the child's concerns (if the outbox exists)."""
    exists = await db.fetchval("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'")
    if not exists:
        return
    columns = {c["name"] for c in await db.fetchall('PRAGMA table_info("outbox")')}
    if "dedup_key" not in columns:
        return
    for row in await db.fetchall("SELECT id FROM concerns WHERE child_id = ?", (child_id,)):
        await db.execute("DELETE FROM outbox WHERE dedup_key LIKE ?", (f"concern:{row['id']}:%",))
    for row in await db.fetchall("SELECT id FROM data_requests WHERE child_id = ?", (child_id,)):
        await db.execute("DELETE FROM outbox WHERE dedup_key LIKE ?", (f"request:{row['id']}:%",))


def scrub_draft(data: dict[str, Any], child_id: int, name: str, spared: frozenset[str] = frozenset()) -> bool:
    """Drops the draft entries (top-level keys of a user's or chat's data) that mention the child: its name in
    any text, or its id under a key naming a child. `spared`: longer names of other children that contain the name
    (王小明 when 小明 is erased): a draft about them is not about this child. Returns True if anything was dropped."""
    others = sorted(spared, key=len, reverse=True)

    def mentions(value: Any, key: str = "") -> bool:
        if isinstance(value, str):
            for other in others:
                value = value.replace(other, "")
            return bool(name) and name in value
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return value == child_id and "child" in key
        if isinstance(value, dict):
            return any(mentions(v, str(k)) for k, v in value.items())
        if isinstance(value, list | tuple):
            return any(mentions(v, key) for v in value)
        return False

    doomed = [key for key, value in data.items() if mentions(value, str(key))]
    for key in doomed:
        del data[key]
    return bool(doomed)


async def names_containing(db: Database, child_id: int, name: str) -> frozenset[str]:
    """Other children's names that contain this child's name and are longer (a namesake is not spared)."""
    rows = await db.fetchall(
        "SELECT DISTINCT name FROM children WHERE instr(name, ?) > 0 AND name != ? AND id != ?", (name, name, child_id)
    )
    return frozenset(r["name"] for r in rows) if name else frozenset()


async def scrub_persisted_drafts(db: Database, child_id: int, name: str) -> int:
    """Applies scrub_draft to the stored user and chat data; returns how many rows changed."""
    spared = await names_containing(db, child_id, name)
    changed = 0
    for table, column in (("ptb_user_data", "user_id"), ("ptb_chat_data", "chat_id")):
        for row in await db.fetchall(f"SELECT {column} AS key, data FROM {table}"):
            data = json.loads(row["data"])
            if isinstance(data, dict) and scrub_draft(data, child_id, name, spared):
                await db.execute(
                    f"UPDATE {table} SET data = ? WHERE {column} = ?",
                    (json.dumps(data, ensure_ascii=False), row["key"]),
                )
                changed += 1
    return changed


async def left_school(db: Database) -> list[tuple[int, str, str]]:
    """(id, name, date) of children whose current enrolment status is not 'enrolled' (care schema, if present)."""
    exists = await db.fetchval("SELECT 1 FROM sqlite_master WHERE name = 'child_enrolment_current'")
    if not exists:
        return []
    rows = await db.fetchall(
        "SELECT ch.id, ch.name, e.effective_date FROM child_enrolment_current e JOIN children ch ON ch.id = e.child_id "
        "WHERE e.status != 'enrolled' ORDER BY e.effective_date"
    )
    return [(r["id"], r["name"], r["effective_date"]) for r in rows]


async def audit_page(db: Database, child_id: int, *, limit: int, offset: int) -> tuple[list[sqlite3.Row], int]:
    rows = await db.fetchall(
        "SELECT a.at, a.actor_id, a.action, a.detail, u.full_name FROM audit_log a "
        "LEFT JOIN users u ON u.id = a.actor_id WHERE a.child_id = ? ORDER BY a.id DESC LIMIT ? OFFSET ?",
        (child_id, limit, offset),
    )
    total = await db.fetchval("SELECT COUNT(*) FROM audit_log WHERE child_id = ?", (child_id,))
    return rows, int(total or 0)


async def child_name(db: Database, child_id: int) -> str | None:
    value = await db.fetchval("SELECT name FROM children WHERE id = ?", (child_id,))
    return str(value) if value is not None else None


async def child_names(db: Database, child_ids: list[int]) -> list[str]:
    """Names of the children with these ids (the high-risk list, for instance), by name."""
    if not child_ids:
        return []
    rows = await db.fetchall(
        f"SELECT name FROM children WHERE id IN ({','.join('?' * len(child_ids))}) ORDER BY name", child_ids
    )
    return [row["name"] for row in rows]


async def checkin_child(db: Database, checkin_id: int) -> int | None:
    exists = await db.fetchval("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkins'")
    if not exists:
        return None
    value = await db.fetchval("SELECT child_id FROM checkins WHERE id = ?", (checkin_id,))
    return int(value) if value is not None else None


async def search_all(db: Database, query: str, *, limit: int) -> tuple[list[tuple[int, str, str]], int]:
    """(id, name, class label) of any child whose name contains the query: for admins and counsellors."""
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = await db.fetchall(
        "SELECT ch.id, ch.name, g.name || c.name AS class_label FROM children ch JOIN classes c ON c.id = ch.class_id "
        "JOIN grades g ON g.id = c.grade_id WHERE ch.name LIKE ? ESCAPE '\\' ORDER BY ch.name, ch.id LIMIT ?",
        (pattern, limit),
    )
    total = await db.fetchval("SELECT COUNT(*) FROM children WHERE name LIKE ? ESCAPE '\\'", (pattern,))
    return [(r["id"], r["name"], r["class_label"]) for r in rows], int(total or 0)
