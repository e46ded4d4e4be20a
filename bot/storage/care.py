"""Care records: check-ins, visits and follow-ups, pairings, buddies, boarding requests, enrolment events."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.care import Ratings
from bot.domain.clock import from_db, to_db
from bot.storage.db import Database


@dataclass(frozen=True)
class Checkin:
    id: int
    child_id: int
    author_id: int
    author_name: str
    at: datetime
    ratings: Ratings
    note: str | None
    voice_file_id: str | None
    worry: bool
    concern_wanted: bool | None
    quick: bool


@dataclass(frozen=True)
class Visit:
    id: int
    child_id: int
    kind: str
    visit_date: date
    participants: str
    notes: str
    author_id: int
    author_name: str
    created_at: datetime


@dataclass(frozen=True)
class Followup:
    id: int
    visit_id: int
    child_id: int
    child_name: str
    owner_id: int
    action: str
    due_date: date
    created_at: datetime
    done_at: datetime | None
    done_by_name: str


@dataclass(frozen=True)
class Pairing:
    id: int
    mentor_id: int
    mentor_name: str
    child_id: int
    cadence_days: int
    started_at: datetime
    ended_at: datetime | None
    created_by_name: str


@dataclass(frozen=True)
class BuddyPair:
    id: int
    child_id: int
    buddy_name: str
    buddy_class_label: str
    started_on: date
    ended_on: date | None
    created_by_name: str
    created_at: datetime


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


@dataclass(frozen=True)
class CareSummary:
    """What /mychildren shows about a child's care: the mentor, the last check-in and visit."""

    child_id: int
    mentor_id: int | None
    mentor_name: str
    cadence_days: int | None
    pairing_started_at: datetime | None
    last_checkin_at: datetime | None
    last_visit_date: date | None
    enrolment: str = "enrolled"


def _opt_dt(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def _opt_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# --- check-ins ------------------------------------------------------------------------------------------

_CHECKIN_SELECT = (
    "SELECT k.*, COALESCE(u.full_name, '') AS author_name FROM checkins k LEFT JOIN users u ON u.id = k.author_id"
)


def _checkin(row: sqlite3.Row) -> Checkin:
    return Checkin(
        id=row["id"],
        child_id=row["child_id"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        at=from_db(row["at"]),
        ratings=Ratings(row["study"], row["life"], row["mood"], row["health"]),
        note=row["note"],
        voice_file_id=row["voice_file_id"],
        worry=bool(row["worry"]),
        concern_wanted=None if row["concern_wanted"] is None else bool(row["concern_wanted"]),
        quick=bool(row["quick"]),
    )


async def insert_checkin(
    db: Database,
    *,
    child_id: int,
    author_id: int,
    at: datetime,
    ratings: Ratings,
    note: str | None,
    voice_file_id: str | None,
    worry: bool,
    quick: bool,
    flow_token: str,
) -> int | None:
    """Stores a check-in; None when this flow's check-in was already stored (a double tap)."""
    changed = await db.execute(
        "INSERT OR IGNORE INTO checkins (child_id, author_id, at, study, life, mood, health, note, voice_file_id,"
        " worry, quick, flow_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            child_id,
            author_id,
            to_db(at),
            ratings.study,
            ratings.life,
            ratings.mood,
            ratings.health,
            note,
            voice_file_id,
            int(worry),
            int(quick),
            flow_token,
        ),
    )
    if not changed:
        return None
    return int(await db.fetchval("SELECT id FROM checkins WHERE flow_token = ?", (flow_token,)))


async def get_checkin(db: Database, checkin_id: int) -> Checkin | None:
    row = await db.fetchone(_CHECKIN_SELECT + " WHERE k.id = ?", (checkin_id,))
    return _checkin(row) if row else None


async def set_concern_wanted(db: Database, checkin_id: int, wanted: bool) -> None:
    await db.execute("UPDATE checkins SET concern_wanted = ? WHERE id = ?", (int(wanted), checkin_id))


async def checkins_of(db: Database, child_id: int) -> list[Checkin]:
    rows = await db.fetchall(_CHECKIN_SELECT + " WHERE k.child_id = ? ORDER BY k.at DESC, k.id DESC", (child_id,))
    return [_checkin(r) for r in rows]


async def flagged_checkins(
    db: Database, *, child_ids: frozenset[int] | None, since: datetime | None, wanted_only: bool, limit: int
) -> list[Checkin]:
    """Flagged check-ins, newest first; child_ids None means every child."""
    where = ["k.worry = 1"]
    params: list[object] = []
    if child_ids is not None:
        if not child_ids:
            return []
        where.append(f"k.child_id IN ({','.join('?' * len(child_ids))})")
        params.extend(sorted(child_ids))
    if since is not None:
        where.append("k.at >= ?")
        params.append(to_db(since))
    if wanted_only:
        where.append("k.concern_wanted = 1")
    rows = await db.fetchall(
        _CHECKIN_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY k.at DESC, k.id DESC LIMIT ?",
        [*params, limit],
    )
    return [_checkin(r) for r in rows]


async def recent_checkin_children(db: Database, author_id: int, limit: int) -> list[int]:
    """The children this author checked in on most recently, most recent first."""
    rows = await db.fetchall(
        "SELECT child_id, MAX(at) AS last FROM checkins WHERE author_id = ? GROUP BY child_id "
        "ORDER BY last DESC LIMIT ?",
        (author_id, limit),
    )
    return [r["child_id"] for r in rows]


# --- visits and follow-ups -----------------------------------------------------------------------------

_VISIT_SELECT = (
    "SELECT v.*, COALESCE(u.full_name, '') AS author_name FROM visits v LEFT JOIN users u ON u.id = v.author_id"
)


def _visit(row: sqlite3.Row) -> Visit:
    return Visit(
        id=row["id"],
        child_id=row["child_id"],
        kind=row["kind"],
        visit_date=date.fromisoformat(row["visit_date"]),
        participants=row["participants"],
        notes=row["notes"],
        author_id=row["author_id"],
        author_name=row["author_name"],
        created_at=from_db(row["created_at"]),
    )


async def insert_visit(
    db: Database,
    *,
    child_id: int,
    kind: str,
    visit_date: date,
    participants: str,
    notes: str,
    author_id: int,
    pairing_id: int | None,
    now: datetime,
    flow_token: str,
) -> int | None:
    """Stores a visit; None when this flow's visit was already stored (a double tap)."""
    changed = await db.execute(
        "INSERT OR IGNORE INTO visits (child_id, kind, visit_date, participants, notes, author_id, pairing_id,"
        " created_at, flow_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (child_id, kind, visit_date.isoformat(), participants, notes, author_id, pairing_id, to_db(now), flow_token),
    )
    if not changed:
        return None
    return int(await db.fetchval("SELECT id FROM visits WHERE flow_token = ?", (flow_token,)))


async def visits_of(db: Database, child_id: int) -> list[Visit]:
    rows = await db.fetchall(_VISIT_SELECT + " WHERE v.child_id = ? ORDER BY v.visit_date DESC, v.id DESC", (child_id,))
    return [_visit(r) for r in rows]


async def insert_followup(
    db: Database, *, visit_id: int, child_id: int, owner_id: int, action: str, due: date, now: datetime
) -> int:
    return await db.insert(
        "INSERT INTO followups (visit_id, child_id, owner_id, action, due_date, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (visit_id, child_id, owner_id, action, due.isoformat(), to_db(now)),
    )


_FOLLOWUP_SELECT = (
    "SELECT f.*, ch.name AS child_name, COALESCE(u.full_name, '') AS done_by_name FROM followups f "
    "JOIN children ch ON ch.id = f.child_id LEFT JOIN users u ON u.id = f.done_by"
)


def _followup(row: sqlite3.Row) -> Followup:
    return Followup(
        id=row["id"],
        visit_id=row["visit_id"],
        child_id=row["child_id"],
        child_name=row["child_name"],
        owner_id=row["owner_id"],
        action=row["action"],
        due_date=date.fromisoformat(row["due_date"]),
        created_at=from_db(row["created_at"]),
        done_at=_opt_dt(row["done_at"]),
        done_by_name=row["done_by_name"],
    )


async def get_followup(db: Database, followup_id: int) -> Followup | None:
    row = await db.fetchone(_FOLLOWUP_SELECT + " WHERE f.id = ?", (followup_id,))
    return _followup(row) if row else None


async def open_followups(db: Database, owner_id: int, *, limit: int, offset: int) -> tuple[list[Followup], int]:
    total = await db.fetchval("SELECT COUNT(*) FROM followups WHERE owner_id = ? AND done_at IS NULL", (owner_id,))
    rows = await db.fetchall(
        _FOLLOWUP_SELECT + " WHERE f.owner_id = ? AND f.done_at IS NULL ORDER BY f.due_date, f.id LIMIT ? OFFSET ?",
        (owner_id, limit, offset),
    )
    return [_followup(r) for r in rows], int(total)


async def followups_of(db: Database, child_id: int) -> list[Followup]:
    rows = await db.fetchall(_FOLLOWUP_SELECT + " WHERE f.child_id = ? ORDER BY f.id", (child_id,))
    return [_followup(r) for r in rows]


async def mark_followup_done(db: Database, followup_id: int, by: int, now: datetime) -> bool:
    """Marks an open follow-up done; False when it was done already (a double tap)."""
    changed = await db.execute(
        "UPDATE followups SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL", (to_db(now), by, followup_id)
    )
    return changed > 0


# --- pairings (table from 0001) ---------------------------------------------------------------------------

_PAIRING_SELECT = (
    "SELECT p.*, COALESCE(m.full_name, '') AS mentor_name, COALESCE(c.full_name, '') AS created_by_name "
    "FROM pairings p LEFT JOIN users m ON m.id = p.mentor_id LEFT JOIN users c ON c.id = p.created_by"
)


def _pairing(row: sqlite3.Row) -> Pairing:
    return Pairing(
        id=row["id"],
        mentor_id=row["mentor_id"],
        mentor_name=row["mentor_name"],
        child_id=row["child_id"],
        cadence_days=row["cadence_days"],
        started_at=from_db(row["started_at"]),
        ended_at=_opt_dt(row["ended_at"]),
        created_by_name=row["created_by_name"],
    )


async def active_pairing(db: Database, child_id: int) -> Pairing | None:
    row = await db.fetchone(_PAIRING_SELECT + " WHERE p.child_id = ? AND p.ended_at IS NULL", (child_id,))
    return _pairing(row) if row else None


async def pairings_of(db: Database, child_id: int) -> list[Pairing]:
    rows = await db.fetchall(_PAIRING_SELECT + " WHERE p.child_id = ? ORDER BY p.id", (child_id,))
    return [_pairing(r) for r in rows]


async def end_pairing(db: Database, child_id: int, now: datetime) -> int:
    return await db.execute(
        "UPDATE pairings SET ended_at = ? WHERE child_id = ? AND ended_at IS NULL", (to_db(now), child_id)
    )


async def start_pairing(
    db: Database, *, mentor_id: int, child_id: int, cadence_days: int, created_by: int, now: datetime
) -> int:
    return await db.insert(
        "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at, created_by) VALUES (?, ?, ?, ?, ?)",
        (mentor_id, child_id, cadence_days, to_db(now), created_by),
    )


async def staff_members(db: Database) -> list[tuple[int, str]]:
    """(user id, name) of everyone holding a staff role, by name."""
    rows = await db.fetchall(
        "SELECT DISTINCT u.id, u.full_name FROM staff_roles s JOIN users u ON u.id = s.user_id "
        "ORDER BY u.full_name, u.id"
    )
    return [(r["id"], r["full_name"]) for r in rows]


# --- buddies ----------------------------------------------------------------------------------------------

_BUDDY_SELECT = (
    "SELECT b.*, COALESCE(g.name || c.name, '') AS buddy_class_label, COALESCE(u.full_name, '') AS created_by_name "
    "FROM buddy_pairs b LEFT JOIN classes c ON c.id = b.buddy_class_id LEFT JOIN grades g ON g.id = c.grade_id "
    "LEFT JOIN users u ON u.id = b.created_by"
)


def _buddy(row: sqlite3.Row) -> BuddyPair:
    return BuddyPair(
        id=row["id"],
        child_id=row["child_id"],
        buddy_name=row["buddy_name"],
        buddy_class_label=row["buddy_class_label"],
        started_on=date.fromisoformat(row["started_on"]),
        ended_on=_opt_date(row["ended_on"]),
        created_by_name=row["created_by_name"],
        created_at=from_db(row["created_at"]),
    )


async def active_buddy(db: Database, child_id: int) -> BuddyPair | None:
    row = await db.fetchone(_BUDDY_SELECT + " WHERE b.child_id = ? AND b.ended_on IS NULL", (child_id,))
    return _buddy(row) if row else None


async def buddies_of(db: Database, child_id: int) -> list[BuddyPair]:
    rows = await db.fetchall(_BUDDY_SELECT + " WHERE b.child_id = ? ORDER BY b.id", (child_id,))
    return [_buddy(r) for r in rows]


async def end_buddy(db: Database, child_id: int, *, on: date, by: int) -> int:
    return await db.execute(
        "UPDATE buddy_pairs SET ended_on = ?, ended_by = ? WHERE child_id = ? AND ended_on IS NULL",
        (on.isoformat(), by, child_id),
    )


async def start_buddy(
    db: Database, *, child_id: int, buddy_name: str, buddy_class_id: int, on: date, by: int, now: datetime
) -> int:
    return await db.insert(
        "INSERT INTO buddy_pairs (child_id, buddy_name, buddy_class_id, started_on, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (child_id, buddy_name, buddy_class_id, on.isoformat(), by, to_db(now)),
    )


# --- boarding ---------------------------------------------------------------------------------------------

_BOARDING_SELECT = (
    "SELECT r.*, ch.name AS child_name, ch.class_id, g.name || c.name AS class_label, ch.parents_away,"
    " ch.away_since, COALESCE(q.full_name, '') AS requested_by_name, COALESCE(d.full_name, '') AS decided_by_name"
    " FROM boarding_requests r JOIN children ch ON ch.id = r.child_id JOIN classes c ON c.id = ch.class_id"
    " JOIN grades g ON g.id = c.grade_id LEFT JOIN users q ON q.id = r.requested_by"
    " LEFT JOIN users d ON d.id = r.decided_by"
)


def _boarding(row: sqlite3.Row) -> BoardingRequest:
    return BoardingRequest(
        id=row["id"],
        child_id=row["child_id"],
        child_name=row["child_name"],
        class_id=row["class_id"],
        class_label=row["class_label"],
        parents_away=row["parents_away"],
        requested_at=from_db(row["requested_at"]),
        requested_by_name=row["requested_by_name"],
        status=row["status"],
        decided_at=_opt_dt(row["decided_at"]),
        decided_by_name=row["decided_by_name"],
    )


async def request_boarding(db: Database, *, child_id: int, by: int, now: datetime) -> int | None:
    """Opens a request; None when one is already open for the child."""
    changed = await db.execute(
        "INSERT OR IGNORE INTO boarding_requests (child_id, requested_at, requested_by) VALUES (?, ?, ?)",
        (child_id, to_db(now), by),
    )
    if not changed:
        return None
    await db.execute("UPDATE children SET boarding = 'requested', updated_at = ? WHERE id = ?", (to_db(now), child_id))
    return int(
        await db.fetchval("SELECT id FROM boarding_requests WHERE child_id = ? AND status = 'requested'", (child_id,))
    )


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
    db: Database, *, class_ids: frozenset[int] | None, limit: int, offset: int
) -> tuple[list[BoardingRequest], int]:
    """Open requests, left-behind children first (both parents away, then longest away), then oldest request."""
    where = "r.status = 'requested'"
    params: list[object] = []
    if class_ids is not None:
        if not class_ids:
            return [], 0
        where += f" AND ch.class_id IN ({','.join('?' * len(class_ids))})"
        params.extend(sorted(class_ids))
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


# --- enrolment --------------------------------------------------------------------------------------------

_ENROLMENT_SELECT = (
    "SELECT e.*, COALESCE(u.full_name, '') AS recorded_by_name FROM enrolment_events e"
    " LEFT JOIN users u ON u.id = e.recorded_by"
)


def _enrolment(row: sqlite3.Row) -> EnrolmentEvent:
    return EnrolmentEvent(
        id=row["id"],
        child_id=row["child_id"],
        status=row["status"],
        effective_date=date.fromisoformat(row["effective_date"]),
        reason=row["reason"],
        recorded_by_name=row["recorded_by_name"],
        recorded_at=from_db(row["recorded_at"]),
        source=row["source"],
    )


async def enrolment_history(db: Database, child_id: int) -> list[EnrolmentEvent]:
    """Oldest first; the last one is the current status."""
    rows = await db.fetchall(_ENROLMENT_SELECT + " WHERE e.child_id = ? ORDER BY e.effective_date, e.id", (child_id,))
    return [_enrolment(r) for r in rows]


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
) -> int | None:
    changed = await db.execute(
        "INSERT OR IGNORE INTO enrolment_events (child_id, status, effective_date, reason, recorded_by, recorded_at,"
        " flow_token) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (child_id, status, effective.isoformat(), reason, by, to_db(now), flow_token),
    )
    if not changed:
        return None
    return int(await db.fetchval("SELECT id FROM enrolment_events WHERE flow_token = ?", (flow_token,)))


# --- summaries for /mychildren ---------------------------------------------------------------------------


async def summaries(db: Database, child_ids: list[int]) -> dict[int, CareSummary]:
    """Mentor, cadence, last check-in and last visit of each child, in a few indexed queries."""
    result: dict[int, CareSummary] = {}
    for start in range(0, len(child_ids), 500):
        chunk = child_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = await db.fetchall(
            "SELECT ch.id AS child_id, p.mentor_id, COALESCE(m.full_name, '') AS mentor_name, p.cadence_days,"
            " p.started_at,"
            " (SELECT MAX(k.at) FROM checkins k WHERE k.child_id = ch.id) AS last_checkin,"
            " (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = ch.id) AS last_visit,"
            " (SELECT e.status FROM enrolment_events e WHERE e.child_id = ch.id"
            "  ORDER BY e.effective_date DESC, e.id DESC LIMIT 1) AS enrolment"
            " FROM children ch LEFT JOIN pairings p ON p.child_id = ch.id AND p.ended_at IS NULL"
            f" LEFT JOIN users m ON m.id = p.mentor_id WHERE ch.id IN ({marks})",
            chunk,
        )
        for row in rows:
            result[row["child_id"]] = CareSummary(
                child_id=row["child_id"],
                mentor_id=row["mentor_id"],
                mentor_name=row["mentor_name"],
                cadence_days=row["cadence_days"],
                pairing_started_at=_opt_dt(row["started_at"]),
                last_checkin_at=_opt_dt(row["last_checkin"]),
                last_visit_date=_opt_date(row["last_visit"]),
                enrolment=row["enrolment"] or "enrolled",
            )
    return result
