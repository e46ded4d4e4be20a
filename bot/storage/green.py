"""Green channel storage: family-call plans, answers and runs, parent messages, notes, periodic job keys."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import schedule
from bot.domain.clock import from_db, to_db
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
            at=datetime.strptime(f"{int(hours):02d}:{int(minutes):02d}", "%H:%M").time(),
            start=date.fromisoformat(row["start_date"]),
            weekday=row["weekday"],
            interval_days=row["interval_days"],
        ),
        active=bool(row["active"]),
        created_at=from_db(row["updated_at"]),
        class_id=row["class_id"],
        child_name=row["name"],
    )


_PLAN_SELECT = "SELECT p.*, c.class_id, c.name FROM family_call_plans p JOIN children c ON c.id = p.child_id"


async def get_plan(db: Database, child_id: int) -> StoredPlan | None:
    row = await db.fetchone(_PLAN_SELECT + " WHERE p.child_id = ?", (child_id,))
    return None if row is None else _plan(row)


async def active_plans(db: Database) -> list[StoredPlan]:
    rows = await db.fetchall(_PLAN_SELECT + " WHERE p.active = 1 ORDER BY p.child_id")
    return [_plan(row) for row in rows]


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
