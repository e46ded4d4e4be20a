"""Care activities, the children who took part, and the guardians' consent to activity photos."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import from_db, to_db
from bot.domain.stats import Scope
from bot.storage.db import Database
from bot.storage.queries import Rows, among, reader
from bot.storage.scopes import CHILDREN_FROM, child_filter


@dataclass(frozen=True)
class ChildActivity:
    """An activity a child took part in, for their timeline."""

    id: int
    kind: str
    held_on: date
    created_at: datetime
    recorded_by_name: str
    photo: bool


@dataclass(frozen=True)
class PhotoFamily:
    """A bound parent of a child in the activity whose guardians agreed to photos."""

    user_id: int
    language: str | None


async def create(
    db: Database, *, school_id: int, kind: str, held_on: date, photo_file: str | None, recorded_by: int,
    child_ids: list[int], token: str, now: datetime,
) -> int | None:  # fmt: skip
    """Stores the activity and its participants (inside the caller's transaction); None if this flow's token was
    saved already."""
    activity_id = await db.insert_new(
        "INSERT OR IGNORE INTO activities (school_id, kind, held_on, photo_file, recorded_by, created_at, flow_token)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (school_id, kind, held_on.isoformat(), photo_file, recorded_by, to_db(now), token),
    )
    if activity_id is None:
        return None
    await db.executemany(
        "INSERT INTO activity_children (activity_id, child_id) VALUES (?, ?)",
        ((activity_id, child_id) for child_id in sorted(set(child_ids))),
    )
    return activity_id


_CHILD_ACTIVITIES = Rows(
    "SELECT a.id, a.kind, a.held_on, a.created_at, COALESCE(u.full_name, '') AS recorded_by_name,"
    " a.photo_file IS NOT NULL AS photo FROM activity_children ac JOIN activities a ON a.id = ac.activity_id"
    " LEFT JOIN users u ON u.id = a.recorded_by",
    reader(ChildActivity, held_on=date.fromisoformat, created_at=from_db, photo=bool),
)


async def of_child(db: Database, child_id: int) -> list[ChildActivity]:
    return await _CHILD_ACTIVITIES.all(db, "WHERE ac.child_id = ? ORDER BY a.held_on, a.id", (child_id,))


async def kinds_between(
    db: Database, first_day: date, last_day: date, child_ids: Collection[int]
) -> dict[int, list[str]]:
    """The kinds of the activities each child of `child_ids` took part in between two local days (inclusive), in
    date order."""
    found: dict[int, list[str]] = defaultdict(list)
    of_children, ids = among("ac.child_id", child_ids)
    for row in await db.fetchall(
        "SELECT ac.child_id, a.kind FROM activities a JOIN activity_children ac ON ac.activity_id = a.id"
        f" WHERE {of_children} AND a.held_on >= ? AND a.held_on <= ? ORDER BY a.held_on, a.id",
        (*ids, first_day.isoformat(), last_day.isoformat()),
    ):
        found[row["child_id"]].append(row["kind"])
    return dict(found)


async def per_month(db: Database, scope: Scope, first_day: date, last_day: date) -> list[tuple[str, int]]:
    """(YYYY-MM, activities) between two local days that a child of `scope` took part in, by month."""
    where, params = child_filter(scope, "ac.child_id")
    rows = await db.fetchall(
        "SELECT substr(a.held_on, 1, 7) AS month, COUNT(DISTINCT a.id) AS n FROM activities a"
        f" JOIN activity_children ac ON ac.activity_id = a.id WHERE {where}"
        " AND a.held_on >= :first AND a.held_on <= :last GROUP BY month ORDER BY month",
        {**params, "first": first_day.isoformat(), "last": last_day.isoformat()},
    )
    return [(r["month"], int(r["n"])) for r in rows]


_UNREACHED = (
    "NOT EXISTS (SELECT 1 FROM activity_children ac JOIN activities a ON a.id = ac.activity_id"
    " WHERE ac.child_id = ch.id AND a.held_on >= :first AND a.held_on <= :last)"
)


async def unreached(
    db: Database, scope: Scope, first_day: date, last_day: date, *, limit: int, offset: int
) -> tuple[list[tuple[int, str, str]], int]:
    """(id, name, class label) of one page of the children of `scope` no activity reached between two local days,
    and how many there are."""
    where, named = child_filter(scope)
    params = {**named, "first": first_day.isoformat(), "last": last_day.isoformat()}
    clause = f" WHERE {where} AND {_UNREACHED}"
    total = int(await db.fetchval("SELECT COUNT(*) FROM children ch" + clause, params))
    rows = await db.fetchall(
        "SELECT ch.id, ch.name, g.name || c.name AS label" + CHILDREN_FROM + clause
        + " ORDER BY g.sort_order, g.name, c.name, ch.name, ch.id LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )  # fmt: skip
    return [(r["id"], r["name"], r["label"]) for r in rows], total


async def photo_families(db: Database, child_ids: list[int]) -> list[PhotoFamily]:
    """The bound parents of those of `child_ids` whose guardians agreed to photos, one row each."""
    if not child_ids:
        return []
    marks = ",".join("?" * len(child_ids))
    rows = await db.fetchall(
        "SELECT g.user_id, u.language FROM guardians g JOIN users u ON u.id = g.user_id"
        " JOIN photo_consents pc ON pc.child_id = g.child_id"
        f" WHERE g.unbound_at IS NULL AND g.child_id IN ({marks}) GROUP BY g.user_id ORDER BY g.user_id",
        tuple(child_ids),
    )
    return [PhotoFamily(r["user_id"], r["language"]) for r in rows]


async def photo_consent(db: Database, child_id: int) -> bool:
    return await db.fetchval("SELECT 1 FROM photo_consents WHERE child_id = ?", (child_id,)) is not None


async def set_photo_consent(db: Database, child_id: int, guardian_id: int, given: bool, now: datetime) -> None:
    if given:
        await db.execute(
            "INSERT INTO photo_consents (child_id, guardian_id, given_at) VALUES (?, ?, ?)"
            " ON CONFLICT (child_id) DO UPDATE SET guardian_id = excluded.guardian_id, given_at = excluded.given_at",
            (child_id, guardian_id, to_db(now)),
        )
    else:
        await db.execute("DELETE FROM photo_consents WHERE child_id = ?", (child_id,))
