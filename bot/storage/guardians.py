"""Parents and their children: who is bound to whom, and each parent's message settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.queries import named_in


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


async def unreachable_guardians(db: Database) -> int:
    """Bound guardians Telegram reported as unreachable (they blocked the bot or deleted their account)."""
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM users u WHERE u.status = 'unreachable'"
            " AND EXISTS (SELECT 1 FROM guardians g WHERE g.user_id = u.id AND g.unbound_at IS NULL)"
        )
    )


@dataclass(frozen=True)
class ParentBinding:
    """One of a parent's current children: the relationship, the child's name and class, the parent's name."""

    relationship: str
    child_name: str
    class_id: int
    parent_name: str


async def parent_bindings(db: Database, user_id: int) -> list[ParentBinding]:
    """The parent's current bindings to children, with names and classes."""
    rows = await db.fetchall(
        "SELECT g.relationship, c.name, c.class_id, u.full_name FROM guardians g JOIN children c ON c.id = g.child_id"
        " JOIN users u ON u.id = g.user_id WHERE g.user_id = ? AND g.unbound_at IS NULL",
        (user_id,),
    )
    return [ParentBinding(row["relationship"], row["name"], row["class_id"], row["full_name"]) for row in rows]


async def parent_children(db: Database, parent_id: int) -> list[tuple[int, str, int]]:
    """(child id, name, class id) of the parent's currently bound children, by name."""
    rows = await db.fetchall(
        "SELECT c.id, c.name, c.class_id FROM guardians g JOIN children c ON c.id = g.child_id"
        " WHERE g.user_id = ? AND g.unbound_at IS NULL ORDER BY c.name",
        (parent_id,),
    )
    return [(row["id"], row["name"], row["class_id"]) for row in rows]


async def children_in_view(db: Database, scope: ChildFilter) -> list[tuple[int, str]]:
    """(id, name) of the children in `scope`, by name, id. A school-wide scope holds only the children with an
    active plan (the whole school would be too long a list to read)."""
    clauses: list[str] = []
    params: list[int] = []
    if scope.everyone:
        clauses.append("c.id IN (SELECT child_id FROM family_call_plans WHERE active = 1)")
    named, ids = named_in(scope, class_column="c.class_id", child_column="c.id")
    clauses.extend(named)
    params.extend(ids)
    if not clauses:
        return []
    rows = await db.fetchall(
        "SELECT c.id, c.name FROM children c WHERE " + " OR ".join(clauses) + " ORDER BY c.name, c.id", params
    )
    return [(row["id"], row["name"]) for row in rows]


_SETTINGS = {"weekly_paused", "opted_out"}


async def set_message_setting(db: Database, user_id: int, setting: str, value: bool) -> None:
    """Sets one of a person's message settings ('weekly_paused' or 'opted_out'); returns nothing."""
    if setting not in _SETTINGS:
        raise ValueError(setting)
    await db.execute(f"UPDATE users SET {setting} = ? WHERE id = ?", (int(value), user_id))  # column: checked above
