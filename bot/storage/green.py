"""Green channel storage: family-call plans, answers and runs, parent messages, notes, periodic job keys."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.domain import schedule
from bot.domain.clock import from_db, to_db
from bot.domain.roles import ChildFilter
from bot.storage.db import Database


@dataclass(frozen=True)
class StoredPlan:
    plan: schedule.CallPlan
    active: bool
    created_at: datetime
    class_id: int
    child_name: str


def _plan(row: sqlite3.Row) -> StoredPlan:
    hours, minutes = row["at_time"].split(":")
    return StoredPlan(
        plan=schedule.CallPlan(
            child_id=row["child_id"],
            rhythm=row["rhythm"],
            at=time(int(hours), int(minutes)),  # not strptime: the tick reads every plan, and it is slow
            start=date.fromisoformat(row["start_date"]),
            weekday=row["weekday"],
            interval_days=row["interval_days"],
        ),
        active=bool(row["active"]),
        created_at=from_db(row["updated_at"]),
        class_id=row["class_id"],
        child_name=row["name"],
    )


_PLAN_COLUMNS = "SELECT p.*, c.class_id, c.name"
_PLAN_SELECT = _PLAN_COLUMNS + " FROM family_call_plans p JOIN children c ON c.id = p.child_id"


async def get_plan(db: Database, child_id: int) -> StoredPlan | None:
    row = await db.fetchone(_PLAN_SELECT + " WHERE p.child_id = ?", (child_id,))
    return None if row is None else _plan(row)


async def active_plans(db: Database) -> list[StoredPlan]:
    rows = await db.fetchall(_PLAN_SELECT + " WHERE p.active = 1 ORDER BY p.child_id")
    # A county has 40,000 plans: build them in a thread, not on the event loop that answers people.
    return await asyncio.to_thread(lambda: [_plan(row) for row in rows])


async def plans_to_look_at(db: Database, now: datetime) -> list[tuple[StoredPlan, datetime | None]]:
    """Active plans whose next call may have come, each with its last reminded call time. Left out (in SQL, so a
    county's 40,000 plans are not read on every tick): a plan reminded after it was last saved, less than one
    period ago less three hours (a daylight-saving change can move a call in UTC) — its next call has not come.
    The tick decides for the rest (bot/services/green.py)."""
    rows = await db.fetchall(
        _PLAN_COLUMNS + ", r.last_slot FROM family_call_plans p JOIN children c ON c.id = p.child_id"
        " LEFT JOIN family_call_runs r ON r.child_id = p.child_id WHERE p.active = 1 AND NOT ("
        " r.last_slot IS NOT NULL AND r.last_slot > p.updated_at AND julianday(r.last_slot) >"
        " julianday(?) - (CASE p.rhythm WHEN 'weekly' THEN 7 ELSE p.interval_days END) + 0.125)"
        " ORDER BY p.child_id",
        (to_db(now),),
    )
    return [(_plan(row), None if row["last_slot"] is None else from_db(row["last_slot"])) for row in rows]


async def silent_plans(db: Database, cutoff: datetime) -> list[tuple[StoredPlan, datetime | None]]:
    """Active plans with no confirmed call since `cutoff`, saved before it too, each with its last confirmed
    call: one query (an index seek per plan inside SQLite) that returns only the silent ones."""
    rows = await db.fetchall(
        "SELECT * FROM (" + _PLAN_COLUMNS + ", (SELECT MAX(a.at) FROM family_call_answers a WHERE"
        " a.child_id = p.child_id AND a.outcome = 'called') AS last_call"
        " FROM family_call_plans p JOIN children c ON c.id = p.child_id WHERE p.active = 1)"
        " WHERE COALESCE(last_call, updated_at) <= ? ORDER BY child_id",
        (to_db(cutoff),),
    )
    return [(_plan(row), None if row["last_call"] is None else from_db(row["last_call"])) for row in rows]


async def save_plan(db: Database, plan: schedule.CallPlan, *, by: int, now: datetime) -> None:
    """Creates or replaces a child's plan; calls that fell due before now are not reminded."""
    async with db.transaction():
        await db.execute(
            "INSERT INTO family_call_plans (child_id, rhythm, weekday, interval_days, at_time, start_date, active,"
            " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
            " ON CONFLICT (child_id) DO UPDATE SET rhythm = excluded.rhythm, weekday = excluded.weekday,"
            " interval_days = excluded.interval_days, at_time = excluded.at_time, start_date = excluded.start_date,"
            " active = 1, updated_at = excluded.updated_at",
            (
                plan.child_id,
                plan.rhythm,
                plan.weekday,
                plan.interval_days,
                plan.at.strftime("%H:%M"),
                plan.start.isoformat(),
                by,
                to_db(now),
                to_db(now),
            ),
        )
        await set_run_slot(db, plan.child_id, now)


async def stop_plan(db: Database, child_id: int, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE family_call_plans SET active = 0, updated_at = ? WHERE child_id = ? AND active = 1",
        (to_db(now), child_id),
    )
    return changed == 1


async def run_slot(db: Database, child_id: int) -> datetime | None:
    value = await db.fetchval("SELECT last_slot FROM family_call_runs WHERE child_id = ?", (child_id,))
    return None if value is None else from_db(value)


async def set_run_slot(db: Database, child_id: int, slot: datetime) -> None:
    await db.execute(
        "INSERT INTO family_call_runs (child_id, last_slot) VALUES (?, ?)"
        " ON CONFLICT (child_id) DO UPDATE SET last_slot = excluded.last_slot",
        (child_id, to_db(slot)),
    )


async def active_guardian_ids(db: Database, child_id: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT user_id FROM guardians WHERE child_id = ? AND unbound_at IS NULL ORDER BY bound_at", (child_id,)
    )
    return [row["user_id"] for row in rows]


async def is_guardian(db: Database, user_id: int, child_id: int) -> bool:
    value = await db.fetchval(
        "SELECT 1 FROM guardians WHERE user_id = ? AND child_id = ? AND unbound_at IS NULL", (user_id, child_id)
    )
    return value is not None


async def record_answer(
    db: Database, *, child_id: int, user_id: int, slot: datetime, outcome: str, now: datetime
) -> bool:
    """Stores a parent's answer; False if this parent already gave this answer for this call (a double tap)."""
    exists = await db.fetchval(
        "SELECT 1 FROM family_call_answers WHERE child_id = ? AND user_id = ? AND slot = ? AND outcome = ?",
        (child_id, user_id, to_db(slot), outcome),
    )
    if exists and outcome != "snoozed":
        return False
    await db.execute(
        "INSERT INTO family_call_answers (child_id, user_id, slot, outcome, at) VALUES (?, ?, ?, ?, ?)",
        (child_id, user_id, to_db(slot), outcome, to_db(now)),
    )
    return True


async def snoozes(db: Database, child_id: int, user_id: int, slot: datetime) -> int:
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM family_call_answers WHERE child_id = ? AND user_id = ? AND slot = ?"
            " AND outcome = 'snoozed'",
            (child_id, user_id, to_db(slot)),
        )
    )


async def last_contact(db: Database, child_id: int) -> datetime | None:
    value = await db.fetchval(
        "SELECT MAX(at) FROM family_call_answers WHERE child_id = ? AND outcome = 'called'", (child_id,)
    )
    return None if value is None else from_db(value)


async def job_key(db: Database, job: str) -> str | None:
    value = await db.fetchval("SELECT last_key FROM scheduler_runs WHERE job = ?", (job,))
    return None if value is None else str(value)


async def set_job_key(db: Database, job: str, key: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO scheduler_runs (job, last_key, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (job) DO UPDATE SET last_key = excluded.last_key, updated_at = excluded.updated_at",
        (job, key, to_db(now)),
    )


async def head_teachers(db: Database, class_id: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT user_id FROM staff_roles WHERE class_id = ? AND role = 'head_teacher' ORDER BY user_id", (class_id,)
    )
    return [row["user_id"] for row in rows]


async def mentor_of(db: Database, child_id: int) -> int | None:
    value = await db.fetchval("SELECT mentor_id FROM pairings WHERE child_id = ? AND ended_at IS NULL", (child_id,))
    return None if value is None else int(value)


async def head_teachers_by_class(db: Database) -> dict[int, list[int]]:
    rows = await db.fetchall(
        "SELECT class_id, user_id FROM staff_roles WHERE role = 'head_teacher' ORDER BY class_id, user_id"
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row["class_id"], []).append(row["user_id"])
    return found


async def mentors_by_child(db: Database) -> dict[int, int]:
    rows = await db.fetchall("SELECT child_id, mentor_id FROM pairings WHERE ended_at IS NULL")
    return {row["child_id"]: row["mentor_id"] for row in rows}


async def user_languages(db: Database, user_ids: list[int]) -> dict[int, str | None]:
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = await db.fetchall(f"SELECT id, language FROM users WHERE id IN ({marks})", user_ids)
    return {row["id"]: row["language"] for row in rows}


async def insert_message(
    db: Database,
    *,
    direction: str,
    parent_id: int,
    staff_id: int | None,
    child_id: int | None,
    text: str,
    thread_id: int | None,
    now: datetime,
) -> int:
    return await db.insert(
        "INSERT INTO green_messages (thread_id, direction, parent_id, staff_id, child_id, text, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (thread_id, direction, parent_id, staff_id, child_id, text, to_db(now)),
    )


async def get_message(db: Database, message_id: int) -> sqlite3.Row | None:
    return await db.fetchone("SELECT * FROM green_messages WHERE id = ?", (message_id,))


async def add_note(db: Database, *, child_id: int, author_id: int, text: str, now: datetime) -> int:
    return await db.insert(
        "INSERT INTO parent_notes (child_id, author_id, text, created_at) VALUES (?, ?, ?, ?)",
        (child_id, author_id, text, to_db(now)),
    )


async def user_language(db: Database, user_id: int) -> str | None:
    """The person's chosen language, or None (no choice, or no such person)."""
    row = await db.fetchone("SELECT language FROM users WHERE id = ?", (user_id,))
    return row["language"] if row else None


# --- mentor digests and overdue pairings ---------------------------------------------------------------------


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
    return OpenPairing(
        id=row["id"],
        mentor_id=row["mentor_id"],
        child_id=row["child_id"],
        child_name=row["name"],
        cadence_days=row["cadence_days"],
        started_at=from_db(row["started_at"]),
        last_visit=date.fromisoformat(row["last_visit"]) if row["last_visit"] else None,
        reminded=row["reminded"],
    )


async def open_pairings_by_mentor(db: Database) -> list[OpenPairing]:
    """Every open pairing, ordered by mentor then child name."""
    rows = await db.fetchall(_OPEN_PAIRINGS + " ORDER BY p.mentor_id, c.name")
    return [_open_pairing(row) for row in rows]


async def open_pairings_by_name(db: Database) -> list[OpenPairing]:
    """Every open pairing, ordered by child name."""
    rows = await db.fetchall(_OPEN_PAIRINGS + " ORDER BY c.name")
    return [_open_pairing(row) for row in rows]


# --- weekly update and admin digest --------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyRecipient:
    """A bound parent who receives the weekly update, and one of their children."""

    user_id: int
    language: str | None
    child_id: int
    child_name: str


async def weekly_recipients(db: Database) -> list[WeeklyRecipient]:
    """(parent, child) bindings of active parents who have neither paused the update nor stopped all messages."""
    rows = await db.fetchall(
        "SELECT g.user_id, g.child_id, u.language, c.name FROM guardians g JOIN users u ON u.id = g.user_id"
        " JOIN children c ON c.id = g.child_id WHERE g.unbound_at IS NULL AND u.weekly_paused = 0"
        " AND u.opted_out = 0 AND u.status = 'active' ORDER BY g.user_id, c.name, c.id"
    )
    return [WeeklyRecipient(row["user_id"], row["language"], row["child_id"], row["name"]) for row in rows]


@dataclass(frozen=True)
class CheckinAverages:
    """How many check-ins a child had in a period and the rounded average of each rating (None if unrated)."""

    count: int
    study: float | None
    life: float | None
    mood: float | None
    health: float | None


async def checkin_averages(db: Database, start: datetime, end: datetime) -> dict[int, CheckinAverages]:
    """Check-in count and rounded average ratings per child id, for check-ins between start and end."""
    rows = await db.fetchall(
        "SELECT child_id, COUNT(*) AS n, ROUND(AVG(study)) AS study, ROUND(AVG(life)) AS life,"
        " ROUND(AVG(mood)) AS mood, ROUND(AVG(health)) AS health FROM checkins"
        " WHERE at >= ? AND at <= ? GROUP BY child_id",
        (to_db(start), to_db(end)),
    )
    return {
        row["child_id"]: CheckinAverages(row["n"], row["study"], row["life"], row["mood"], row["health"])
        for row in rows
    }


async def visit_counts(db: Database, first_day: date, last_day: date) -> dict[int, dict[str, int]]:
    """Visits per child id and kind, between two days (inclusive)."""
    counts: dict[int, dict[str, int]] = {}
    for row in await db.fetchall(
        "SELECT child_id, kind, COUNT(*) AS n FROM visits WHERE visit_date >= ? AND visit_date <= ?"
        " GROUP BY child_id, kind",
        (first_day.isoformat(), last_day.isoformat()),
    ):
        counts.setdefault(row["child_id"], {})[row["kind"]] = row["n"]
    return counts


async def notes_since(db: Database, since: datetime) -> list[tuple[int, str]]:
    """(child id, text) of the head teachers' notes for parents written since a moment, oldest first."""
    rows = await db.fetchall(
        "SELECT child_id, text FROM parent_notes WHERE created_at >= ? ORDER BY id", (to_db(since),)
    )
    return [(row["child_id"], row["text"]) for row in rows]


async def count_checkins_since(db: Database, since: datetime) -> int:
    """The number of check-ins since a moment."""
    return int(await db.fetchval("SELECT COUNT(*) FROM checkins WHERE at >= ?", (to_db(since),)))


async def count_visits_since(db: Database, since: date) -> int:
    """The number of visits on or after a day."""
    return int(await db.fetchval("SELECT COUNT(*) FROM visits WHERE visit_date >= ?", (since.isoformat(),)))


async def count_calls_since(db: Database, since: datetime) -> int:
    """The number of family calls confirmed as made since a moment."""
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM family_call_answers WHERE outcome = 'called' AND at >= ?", (to_db(since),)
        )
    )


async def children_without_contact(db: Database, limit: datetime) -> list[str]:
    """Names of children whose active plan is older than limit and who had no confirmed call after it, by name."""
    rows = await db.fetchall(
        "SELECT c.name FROM family_call_plans p JOIN children c ON c.id = p.child_id WHERE p.active = 1"
        " AND p.updated_at <= ? AND NOT EXISTS (SELECT 1 FROM family_call_answers a WHERE a.child_id = p.child_id"
        " AND a.outcome = 'called' AND a.at > ?) ORDER BY c.name",
        (to_db(limit), to_db(limit)),
    )
    return [row["name"] for row in rows]


# --- parents and their children ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParentBinding:
    """One of a parent's current children: the relationship, the child's name and class, the parent's name."""

    relationship: str
    child_name: str
    class_id: int
    parent_name: str


async def parent_bindings(db: Database, user_id: int) -> list[ParentBinding]:
    """The parent's current bindings to children, with names and classes."""
    rows = await db.fetchall(
        "SELECT g.relationship, c.name, c.class_id, u.full_name FROM guardians g JOIN children c ON c.id = g.child_id"
        " JOIN users u ON u.id = g.user_id WHERE g.user_id = ? AND g.unbound_at IS NULL",
        (user_id,),
    )
    return [ParentBinding(row["relationship"], row["name"], row["class_id"], row["full_name"]) for row in rows]


async def parent_children(db: Database, parent_id: int) -> list[tuple[int, str, int]]:
    """(child id, name, class id) of the parent's currently bound children, by name."""
    rows = await db.fetchall(
        "SELECT c.id, c.name, c.class_id FROM guardians g JOIN children c ON c.id = g.child_id"
        " WHERE g.user_id = ? AND g.unbound_at IS NULL ORDER BY c.name",
        (parent_id,),
    )
    return [(row["id"], row["name"], row["class_id"]) for row in rows]


async def children_in_view(db: Database, scope: ChildFilter) -> list[tuple[int, str]]:
    """(id, name) of the children in `scope`, by name, id. A school-wide scope holds only the children with an
    active plan (the whole school would be too long a list to read)."""
    clauses: list[str] = []
    params: list[int] = []
    if scope.everyone:
        clauses.append("c.id IN (SELECT child_id FROM family_call_plans WHERE active = 1)")
    if scope.class_ids:
        clauses.append(f"c.class_id IN ({','.join('?' * len(scope.class_ids))})")
        params.extend(sorted(scope.class_ids))
    if scope.child_ids:
        clauses.append(f"c.id IN ({','.join('?' * len(scope.child_ids))})")
        params.extend(sorted(scope.child_ids))
    if not clauses:
        return []
    rows = await db.fetchall(
        "SELECT c.id, c.name FROM children c WHERE " + " OR ".join(clauses) + " ORDER BY c.name, c.id", params
    )
    return [(row["id"], row["name"]) for row in rows]


_SETTINGS = {"weekly_paused", "opted_out"}


async def set_message_setting(db: Database, user_id: int, setting: str, value: bool) -> None:
    """Sets one of a person's message settings ('weekly_paused' or 'opted_out'); returns nothing."""
    if setting not in _SETTINGS:
        raise ValueError(setting)
    await db.execute(f"UPDATE users SET {setting} = ? WHERE id = ?", (int(value), user_id))  # column: checked above
