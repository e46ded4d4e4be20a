"""A scope of the access policy (a ChildFilter) as an SQL condition: the one translation every list query uses,
so that no query can forget a school."""

from __future__ import annotations

from bot.domain.roles import ChildFilter


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


def school_of_child(child: str) -> str:
    """An SQL expression for the school of the child whose id is in column `child`."""
    return f"(SELECT c.school_id FROM children x JOIN classes c ON c.id = x.class_id WHERE x.id = {child})"
