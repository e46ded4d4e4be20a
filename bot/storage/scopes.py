"""The scopes as SQL conditions: a scope of the access policy (a ChildFilter), the one translation every list
query uses, so that no query can forget a school; a /stats scope (the county, a school, a grade of a school or a
class); and local days as stored instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.clock import to_db
from bot.domain.roles import ChildFilter
from bot.domain.stats import Scope
from bot.storage.db import Database

# Children `ch` with their class `c` and grade `g`, for conditions from scope_clause.
CHILDREN_FROM = " FROM children ch JOIN classes c ON c.id = ch.class_id JOIN grades g ON g.id = c.grade_id "


def _placeholders(values: frozenset[int]) -> str:
    return ",".join("?" * len(values))


def children_within(scope: ChildFilter, *, child: str = "ch.id", klass: str = "ch.class_id") -> tuple[str, list[int]]:
    """(condition, parameters) true of the children `scope` holds, given the columns holding a child's id and
    class; "0" when it holds none. A school is reached through its classes."""
    if scope.everyone:
        return "1", []
    parts: list[str] = []
    params: list[int] = []
    if scope.school_ids:
        parts.append(f"{klass} IN (SELECT id FROM classes WHERE school_id IN ({_placeholders(scope.school_ids)}))")
        params.extend(sorted(scope.school_ids))
    if scope.class_ids:
        parts.append(f"{klass} IN ({_placeholders(scope.class_ids)})")
        params.extend(sorted(scope.class_ids))
    if scope.child_ids:
        parts.append(f"{child} IN ({_placeholders(scope.child_ids)})")
        params.extend(sorted(scope.child_ids))
    if not parts:
        return "0", []
    return "(" + " OR ".join(parts) + ")", params


def scope_clause(scope: Scope) -> tuple[str, list[Any]]:
    """A WHERE fragment over children `ch` joined to classes `c`."""
    if scope.kind == "grade":
        return "c.grade_id = ? AND c.school_id = ?", [scope.ref_id, scope.school_id]
    if scope.kind == "class":
        return "ch.class_id = ?", [scope.ref_id]
    if scope.kind == "school":
        return "c.school_id = ?", [scope.ref_id]
    return "1 = 1", []


def child_filter(scope: Scope, column: str = "ch.id") -> tuple[str, dict[str, Any]]:
    """A condition that keeps the rows of a scope's children, with named parameters; join-free, so the whole
    county is a plain count over an index, a class a lookup of its children, a school or a grade of its classes'
    children."""
    if scope.kind == "county":
        return "1 = 1", {}
    if scope.kind == "class":
        classes, params = ":scope_id", {"scope_id": scope.ref_id}
    elif scope.kind == "school":
        classes, params = "(SELECT id FROM classes WHERE school_id = :scope_id)", {"scope_id": scope.ref_id}
    else:
        classes = "(SELECT id FROM classes WHERE grade_id = :scope_id AND school_id = :scope_school)"
        params = {"scope_id": scope.ref_id, "scope_school": scope.school_id}
    test = "=" if scope.kind == "class" else "IN"
    if column == "ch.id":
        return f"ch.class_id {test} {classes}", params
    return f"{column} IN (SELECT id FROM children WHERE class_id {test} {classes})", params


def utc_bound(day: date, local: str, plus_days: int = 0) -> str:
    """The stored (UTC ISO) form of local midnight at the start of `day` + plus_days."""
    seconds = int(local.split()[0])
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=plus_days, seconds=-seconds)
    return to_db(moment)


async def filter_of(db: Database, scope: Scope) -> ChildFilter:
    """A /stats scope as a scope of the access policy, for the queries that take one: a grade of a school is its
    classes there."""
    if scope.kind == "county":
        return ChildFilter(everyone=True)
    if scope.kind == "school":
        return ChildFilter(school_ids=frozenset({scope.ref_id}))
    if scope.kind == "class":
        return ChildFilter(class_ids=frozenset({scope.ref_id}))
    rows = await db.fetchall(
        "SELECT id FROM classes WHERE grade_id = ? AND school_id = ?", (scope.ref_id, scope.school_id)
    )
    return ChildFilter(class_ids=frozenset(row["id"] for row in rows))
