"""Staff-child pairings (结对帮扶) and student buddies (手拉手)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import from_db, to_db
from bot.storage.columns import optional_date, optional_datetime
from bot.storage.db import Database
from bot.storage.queries import Rows, reader


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


_PAIRINGS = Rows(
    "SELECT p.*, COALESCE(m.full_name, '') AS mentor_name, COALESCE(c.full_name, '') AS created_by_name "
    "FROM pairings p LEFT JOIN users m ON m.id = p.mentor_id LEFT JOIN users c ON c.id = p.created_by",
    reader(Pairing, started_at=from_db, ended_at=optional_datetime),
)


async def active_pairing(db: Database, child_id: int) -> Pairing | None:
    return await _PAIRINGS.one(db, "WHERE p.child_id = ? AND p.ended_at IS NULL", (child_id,))


async def pairings_of(db: Database, child_id: int) -> list[Pairing]:
    return await _PAIRINGS.all(db, "WHERE p.child_id = ? ORDER BY p.id", (child_id,))


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


async def staff_members(db: Database, school_id: int) -> list[tuple[int, str]]:
    """(user id, name) of everyone holding a staff role in one school (its own, or a class's of it), by name."""
    rows = await db.fetchall(
        "SELECT DISTINCT u.id, u.full_name FROM staff_roles s JOIN users u ON u.id = s.user_id "
        "LEFT JOIN classes c ON c.id = s.class_id WHERE COALESCE(s.school_id, c.school_id) = ? "
        "ORDER BY u.full_name, u.id",
        (school_id,),
    )
    return [(r["id"], r["full_name"]) for r in rows]


_BUDDIES = Rows(
    "SELECT b.*, COALESCE(g.name || c.name, '') AS buddy_class_label, COALESCE(u.full_name, '') AS created_by_name "
    "FROM buddy_pairs b LEFT JOIN classes c ON c.id = b.buddy_class_id LEFT JOIN grades g ON g.id = c.grade_id "
    "LEFT JOIN users u ON u.id = b.created_by",
    reader(BuddyPair, started_on=date.fromisoformat, ended_on=optional_date, created_at=from_db),
)


async def active_buddy(db: Database, child_id: int) -> BuddyPair | None:
    return await _BUDDIES.one(db, "WHERE b.child_id = ? AND b.ended_on IS NULL", (child_id,))


async def buddies_of(db: Database, child_id: int) -> list[BuddyPair]:
    return await _BUDDIES.all(db, "WHERE b.child_id = ? ORDER BY b.id", (child_id,))


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


async def end_pairings_outside(db: Database, child_id: int, school_id: int, now: datetime) -> int:
    """Ends the child's open pairings with mentors who hold no staff role at `school_id` (a transfer: the old
    school's mentors let go; one who also works at the new school keeps the child)."""
    return await db.execute(
        "UPDATE pairings SET ended_at = ? WHERE child_id = ? AND ended_at IS NULL AND NOT EXISTS ("
        " SELECT 1 FROM staff_roles r LEFT JOIN classes c ON c.id = r.class_id"
        " WHERE r.user_id = pairings.mentor_id AND COALESCE(r.school_id, c.school_id) = ?)",
        (to_db(now), child_id, school_id),
    )


async def end_buddies_of(db: Database, child_id: int, *, on: date, by: int) -> int:
    """Ends the child's buddy pair, and any where the child is someone else's buddy."""
    return await db.execute(
        "UPDATE buddy_pairs SET ended_on = ?, ended_by = ? WHERE (child_id = ? OR buddy_child_id = ?)"
        " AND ended_on IS NULL",
        (on.isoformat(), by, child_id, child_id),
    )
