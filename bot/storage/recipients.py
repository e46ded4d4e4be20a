"""Who hears about a child (the class's head teachers, the mentor) and in which language."""

from __future__ import annotations

from bot.storage.db import Database


async def head_teachers(db: Database, class_id: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT user_id FROM staff_roles WHERE class_id = ? AND role = 'head_teacher' ORDER BY user_id", (class_id,)
    )
    return [row["user_id"] for row in rows]


async def mentor_of(db: Database, child_id: int) -> int | None:
    value = await db.fetchval("SELECT mentor_id FROM pairings WHERE child_id = ? AND ended_at IS NULL", (child_id,))
    return None if value is None else int(value)


async def head_teachers_by_class(db: Database) -> dict[int, list[int]]:
    rows = await db.fetchall(
        "SELECT class_id, user_id FROM staff_roles WHERE role = 'head_teacher' ORDER BY class_id, user_id"
    )
    found: dict[int, list[int]] = {}
    for row in rows:
        found.setdefault(row["class_id"], []).append(row["user_id"])
    return found


async def mentors_by_child(db: Database) -> dict[int, int]:
    rows = await db.fetchall("SELECT child_id, mentor_id FROM pairings WHERE ended_at IS NULL")
    return {row["child_id"]: row["mentor_id"] for row in rows}


async def user_languages(db: Database, user_ids: list[int]) -> dict[int, str | None]:
    if not user_ids:
        return {}
    marks = ",".join("?" * len(user_ids))
    rows = await db.fetchall(f"SELECT id, language FROM users WHERE id IN ({marks})", user_ids)
    return {row["id"]: row["language"] for row in rows}


async def user_language(db: Database, user_id: int) -> str | None:
    """The person's chosen language, or None (no choice, or no such person)."""
    row = await db.fetchone("SELECT language FROM users WHERE id = ?", (user_id,))
    return row["language"] if row else None
