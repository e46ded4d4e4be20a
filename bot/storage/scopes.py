"""A /stats scope (the school, a grade or a class) as SQL conditions, and local days as stored instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.clock import to_db
from bot.domain.stats import Scope

# Children `ch` with their class `c` and grade `g`, for conditions from scope_clause.
CHILDREN_FROM = " FROM children ch JOIN classes c ON c.id = ch.class_id JOIN grades g ON g.id = c.grade_id "


def scope_clause(scope: Scope) -> tuple[str, list[Any]]:
    """A WHERE fragment over children `ch` joined to classes `c`."""
    if scope.kind == "grade":
        return "c.grade_id = ?", [scope.ref_id]
    if scope.kind == "class":
        return "ch.class_id = ?", [scope.ref_id]
    return "1 = 1", []


def child_filter(scope: Scope, column: str = "ch.id") -> tuple[str, dict[str, Any]]:
    """A condition that keeps the rows of a scope's children, with a named parameter; join-free, so the whole
    school is a plain count over an index, a class a lookup of its children, a grade of its classes' children."""
    if scope.kind == "school":
        return "1 = 1", {}
    if column == "ch.id":
        if scope.kind == "class":
            return "ch.class_id = :scope_id", {"scope_id": scope.ref_id}
        return "ch.class_id IN (SELECT id FROM classes WHERE grade_id = :scope_id)", {"scope_id": scope.ref_id}
    if scope.kind == "class":
        return f"{column} IN (SELECT id FROM children WHERE class_id = :scope_id)", {"scope_id": scope.ref_id}
    return (
        f"{column} IN (SELECT id FROM children WHERE class_id IN (SELECT id FROM classes WHERE grade_id = :scope_id))",
        {"scope_id": scope.ref_id},
    )


def utc_bound(day: date, local: str, plus_days: int = 0) -> str:
    """The stored (UTC ISO) form of local midnight at the start of `day` + plus_days."""
    seconds = int(local.split()[0])
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=plus_days, seconds=-seconds)
    return to_db(moment)
