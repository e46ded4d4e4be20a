"""Family-call plans (亲情电话) and the parents' answers to their reminders."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.domain import schedule
from bot.domain.clock import from_db, to_db
from bot.storage.db import Database
from bot.storage.queries import among


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


async def active_plans(db: Database, child_ids: Collection[int] | None = None) -> list[StoredPlan]:
    """Every active plan, or those of `child_ids`."""
    of_children, ids = among("p.child_id", child_ids) if child_ids is not None else ("1", [])
    rows = await db.fetchall(_PLAN_SELECT + f" WHERE p.active = 1 AND {of_children} ORDER BY p.child_id", ids)
    # A county has 40,000 plans: build them in a thread, not on the event loop that answers people.
    return await asyncio.to_thread(lambda: [_plan(row) for row in rows])


async def plans_to_look_at(db: Database, now: datetime) -> list[tuple[StoredPlan, datetime | None]]:
    """Active plans whose next call may have come, each with its last reminded call time. Left out (in SQL, so a
    county's 40,000 plans are not read on every tick): a plan reminded after it was last saved, less than one
    period ago less three hours (a daylight-saving change can move a call in UTC) — its next call has not come.
    The tick decides for the rest (bot/services/family_calls.py)."""
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
