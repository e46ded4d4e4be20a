"""Check-ins (日常关注): the quick and the detailed ones, and which are flagged for a concern."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.domain.care import Ratings
from bot.domain.clock import from_db, to_db
from bot.storage.db import Database
from bot.storage.queries import Rows, among, record


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


def _checkin(row: sqlite3.Row) -> Checkin:
    return record(
        Checkin,
        row,
        at=from_db(row["at"]),
        ratings=Ratings(row["study"], row["life"], row["mood"], row["health"]),
        worry=bool(row["worry"]),
        concern_wanted=None if row["concern_wanted"] is None else bool(row["concern_wanted"]),
        quick=bool(row["quick"]),
    )


_CHECKINS = Rows(
    "SELECT k.*, COALESCE(u.full_name, '') AS author_name FROM checkins k LEFT JOIN users u ON u.id = k.author_id",
    _checkin,
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
    return await db.insert_new(
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


async def get_checkin(db: Database, checkin_id: int) -> Checkin | None:
    return await _CHECKINS.one(db, "WHERE k.id = ?", (checkin_id,))


async def set_concern_wanted(db: Database, checkin_id: int, wanted: bool) -> None:
    await db.execute("UPDATE checkins SET concern_wanted = ? WHERE id = ?", (int(wanted), checkin_id))


async def checkins_of(db: Database, child_id: int) -> list[Checkin]:
    return await _CHECKINS.all(db, "WHERE k.child_id = ? ORDER BY k.at DESC, k.id DESC", (child_id,))


async def flagged_checkins(
    db: Database, *, child_ids: frozenset[int] | None, since: datetime | None, wanted_only: bool, limit: int
) -> list[Checkin]:
    """Flagged check-ins, newest first; child_ids None means every child."""
    where = ["k.worry = 1"]
    params: list[object] = []
    if child_ids is not None:
        if not child_ids:
            return []
        of_children, ids = among("k.child_id", child_ids)
        where.append(of_children)
        params.extend(ids)
    if since is not None:
        where.append("k.at >= ?")
        params.append(to_db(since))
    if wanted_only:
        where.append("k.concern_wanted = 1")
    return await _CHECKINS.all(
        db, "WHERE " + " AND ".join(where) + " ORDER BY k.at DESC, k.id DESC LIMIT ?", [*params, limit]
    )
