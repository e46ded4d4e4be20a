"""Home visits and talks (家访/谈话), and the follow-ups they leave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import from_db, to_db
from bot.storage.columns import optional_datetime
from bot.storage.db import Database
from bot.storage.queries import Rows, reader


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


_VISITS = Rows(
    "SELECT v.*, COALESCE(u.full_name, '') AS author_name FROM visits v LEFT JOIN users u ON u.id = v.author_id",
    reader(Visit, visit_date=date.fromisoformat, created_at=from_db),
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
    return await db.insert_new(
        "INSERT OR IGNORE INTO visits (child_id, kind, visit_date, participants, notes, author_id, pairing_id,"
        " created_at, flow_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (child_id, kind, visit_date.isoformat(), participants, notes, author_id, pairing_id, to_db(now), flow_token),
    )


async def visits_of(db: Database, child_id: int) -> list[Visit]:
    return await _VISITS.all(db, "WHERE v.child_id = ? ORDER BY v.visit_date DESC, v.id DESC", (child_id,))


async def insert_followup(
    db: Database, *, visit_id: int, child_id: int, owner_id: int, action: str, due: date, now: datetime
) -> int:
    return await db.insert(
        "INSERT INTO followups (visit_id, child_id, owner_id, action, due_date, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (visit_id, child_id, owner_id, action, due.isoformat(), to_db(now)),
    )


_FOLLOWUPS = Rows(
    "SELECT f.*, ch.name AS child_name, COALESCE(u.full_name, '') AS done_by_name FROM followups f "
    "JOIN children ch ON ch.id = f.child_id LEFT JOIN users u ON u.id = f.done_by",
    reader(Followup, due_date=date.fromisoformat, created_at=from_db, done_at=optional_datetime),
)


async def get_followup(db: Database, followup_id: int) -> Followup | None:
    return await _FOLLOWUPS.one(db, "WHERE f.id = ?", (followup_id,))


async def open_followups(db: Database, owner_id: int, *, limit: int, offset: int) -> tuple[list[Followup], int]:
    total = await db.fetchval("SELECT COUNT(*) FROM followups WHERE owner_id = ? AND done_at IS NULL", (owner_id,))
    page = await _FOLLOWUPS.all(
        db,
        "WHERE f.owner_id = ? AND f.done_at IS NULL ORDER BY f.due_date, f.id LIMIT ? OFFSET ?",
        (owner_id, limit, offset),
    )
    return page, int(total)


async def followups_of(db: Database, child_id: int) -> list[Followup]:
    return await _FOLLOWUPS.all(db, "WHERE f.child_id = ? ORDER BY f.id", (child_id,))


async def mark_followup_done(db: Database, followup_id: int, by: int, now: datetime) -> bool:
    """Marks an open follow-up done; False when it was done already (a double tap)."""
    changed = await db.execute(
        "UPDATE followups SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL", (to_db(now), by, followup_id)
    )
    return changed > 0
