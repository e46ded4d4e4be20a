"""What the weekly update and the admins' digest are made of: recipients, check-ins, visits, calls."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import to_db
from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.queries import among
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class WeeklyRecipient:
    """A bound parent who receives the weekly update, and one of their children."""

    user_id: int
    language: str | None
    child_id: int
    child_name: str
    school_id: int = 1  # the child's school: whose week (and quiet hours) the update keeps


async def weekly_recipients(db: Database, scope: ChildFilter, *, after: int, parents: int) -> list[WeeklyRecipient]:
    """(parent, child) bindings of active parents who have neither paused the update nor stopped all messages,
    for the children of `scope`: those of the first `parents` such parents with an id above `after` (a page, so
    a county's 100,000 parents are never held at once), by parent id."""
    within, params = children_within(scope, child="g.child_id", klass="c.class_id")
    bound = (
        " FROM guardians g JOIN users u ON u.id = g.user_id JOIN children c ON c.id = g.child_id"
        " JOIN classes k ON k.id = c.class_id WHERE g.unbound_at IS NULL AND u.weekly_paused = 0"
        f" AND u.opted_out = 0 AND u.status = 'active' AND {within}"
    )
    rows = await db.fetchall(
        "SELECT g.user_id, g.child_id, u.language, c.name, k.school_id" + bound + " AND g.user_id IN"
        " (SELECT DISTINCT g.user_id" + bound + " AND g.user_id > ? ORDER BY g.user_id LIMIT ?)"
        " ORDER BY g.user_id, c.name, c.id",
        (*params, *params, after, parents),
    )
    return [
        WeeklyRecipient(row["user_id"], row["language"], row["child_id"], row["name"], row["school_id"]) for row in rows
    ]


@dataclass(frozen=True)
class CheckinAverages:
    """How many check-ins a child had in a period and the rounded average of each rating (None if unrated)."""

    count: int
    study: float | None
    life: float | None
    mood: float | None
    health: float | None


async def checkin_averages(
    db: Database, start: datetime, end: datetime, child_ids: Collection[int]
) -> dict[int, CheckinAverages]:
    """Check-in count and rounded average ratings per child id of `child_ids`, for check-ins between start and
    end."""
    of_children, ids = among("child_id", child_ids)
    rows = await db.fetchall(
        "SELECT child_id, COUNT(*) AS n, ROUND(AVG(study)) AS study, ROUND(AVG(life)) AS life,"
        " ROUND(AVG(mood)) AS mood, ROUND(AVG(health)) AS health FROM checkins"
        f" WHERE {of_children} AND at >= ? AND at <= ? GROUP BY child_id",
        (*ids, to_db(start), to_db(end)),
    )
    return {
        row["child_id"]: CheckinAverages(row["n"], row["study"], row["life"], row["mood"], row["health"])
        for row in rows
    }


async def visit_counts(
    db: Database, first_day: date, last_day: date, child_ids: Collection[int]
) -> dict[int, dict[str, int]]:
    """Visits per child id of `child_ids` and kind, between two days (inclusive)."""
    counts: dict[int, dict[str, int]] = {}
    of_children, ids = among("child_id", child_ids)
    for row in await db.fetchall(
        f"SELECT child_id, kind, COUNT(*) AS n FROM visits WHERE {of_children} AND visit_date >= ?"
        " AND visit_date <= ? GROUP BY child_id, kind",
        (*ids, first_day.isoformat(), last_day.isoformat()),
    ):
        counts.setdefault(row["child_id"], {})[row["kind"]] = row["n"]
    return counts


async def notes_since(db: Database, since: datetime, child_ids: Collection[int]) -> list[tuple[int, str]]:
    """(child id, text) of the head teachers' notes for parents about `child_ids` written since a moment, oldest
    first."""
    of_children, ids = among("child_id", child_ids)
    rows = await db.fetchall(
        f"SELECT child_id, text FROM parent_notes WHERE {of_children} AND created_at >= ? ORDER BY id",
        (*ids, to_db(since)),
    )
    return [(row["child_id"], row["text"]) for row in rows]


async def count_checkins_since(db: Database, since: datetime, scope: ChildFilter) -> int:
    """The number of check-ins about children in `scope` since a moment."""
    within, params = _about(scope)
    return int(
        await db.fetchval(f"SELECT COUNT(*) FROM checkins x WHERE at >= ? AND {within}", (to_db(since), *params))
    )


async def count_visits_since(db: Database, since: date, scope: ChildFilter) -> int:
    """The number of visits to children in `scope` on or after a day."""
    within, params = _about(scope)
    return int(
        await db.fetchval(
            f"SELECT COUNT(*) FROM visits x WHERE visit_date >= ? AND {within}", (since.isoformat(), *params)
        )
    )


async def count_calls_since(db: Database, since: datetime, scope: ChildFilter) -> int:
    """The number of family calls of children in `scope` confirmed as made since a moment."""
    within, params = _about(scope)
    return int(
        await db.fetchval(
            f"SELECT COUNT(*) FROM family_call_answers x WHERE outcome = 'called' AND at >= ? AND {within}",
            (to_db(since), *params),
        )
    )


def _about(scope: ChildFilter) -> tuple[str, list[int]]:
    """A condition on rows `x` with a child_id: the child is in `scope`."""
    if scope.everyone:
        return "1", []
    within, params = children_within(scope, child="ch.id", klass="ch.class_id")
    return f"x.child_id IN (SELECT ch.id FROM children ch WHERE {within})", params


async def children_without_contact(db: Database, limit: datetime, scope: ChildFilter) -> list[str]:
    """Names of children in `scope` whose active plan is older than limit and who had no confirmed call after it,
    by name."""
    within, params = children_within(scope, child="c.id", klass="c.class_id")
    rows = await db.fetchall(
        "SELECT c.name FROM family_call_plans p JOIN children c ON c.id = p.child_id WHERE p.active = 1"
        " AND p.updated_at <= ? AND NOT EXISTS (SELECT 1 FROM family_call_answers a WHERE a.child_id = p.child_id"
        f" AND a.outcome = 'called' AND a.at > ?) AND {within} ORDER BY c.name",
        (to_db(limit), to_db(limit), *params),
    )
    return [row["name"] for row in rows]
