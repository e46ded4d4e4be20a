"""The child archive (一人一档): plain SQL in, Child records out."""

from __future__ import annotations

from datetime import datetime

from bot.domain.archive import FIELDS_BY_NAME
from bot.domain.clock import to_db
from bot.domain.models import Child
from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.queries import among
from bot.storage.scopes import children_within

_SELECT = (
    "SELECT ch.*, g.name || c.name AS class_label, c.school_id FROM children ch "
    "JOIN classes c ON c.id = ch.class_id JOIN grades g ON g.id = c.grade_id"
)
# The sealed ID number is stored beside the archive's fields (which hold its masked form); see services/identity.
SEALED_ID = "id_number_sealed"
_COLUMNS = (*FIELDS_BY_NAME, SEALED_ID)


async def insert_child(
    db: Database,
    values: dict[str, str | int | None],
    *,
    created_by: int,
    now: datetime,
    flow_token: str | None = None,
) -> int:
    """Inserts a new archive from validated values; returns its id."""
    columns = [name for name in _COLUMNS if values.get(name) not in (None, "")]
    stamp = to_db(now)
    sql = (
        f"INSERT INTO children ({', '.join(columns)}, created_by, created_at, updated_at, flow_token) "
        f"VALUES ({', '.join('?' for _ in columns)}, ?, ?, ?, ?)"
    )
    return await db.insert(sql, [values[c] for c in columns] + [created_by, stamp, stamp, flow_token])


async def saved_by_flow(db: Database, flow_token: str | None) -> int | None:
    """The child a registration flow saved already (its answer handled again after a crash), if any."""
    if not flow_token:
        return None
    value = await db.fetchval("SELECT id FROM children WHERE flow_token = ?", (flow_token,))
    return None if value is None else int(value)


async def update_field(db: Database, child_id: int, field_name: str, value: str | int | None, now: datetime) -> None:
    if field_name not in FIELDS_BY_NAME:
        raise ValueError("unknown archive field")
    await db.execute(
        f"UPDATE children SET {field_name} = ?, updated_at = ? WHERE id = ?", (value, to_db(now), child_id)
    )


async def set_sealed_id(db: Database, child_id: int, sealed: str | None) -> None:
    await db.execute(f"UPDATE children SET {SEALED_ID} = ? WHERE id = ?", (sealed, child_id))


async def sealed_id(db: Database, child_id: int) -> str | None:
    value = await db.fetchval(f"SELECT {SEALED_ID} FROM children WHERE id = ?", (child_id,))
    return None if value is None else str(value)


async def get_child(db: Database, child_id: int) -> Child | None:
    row = await db.fetchone(_SELECT + " WHERE ch.id = ?", (child_id,))
    return Child.from_row(row) if row else None


async def recently_checked(db: Database, author_id: int, limit: int) -> list[Child]:
    """The children this author checked in on most recently, most recent first, read with their check-ins."""
    rows = await db.fetchall(
        _SELECT + " JOIN (SELECT child_id, MAX(at) AS last FROM checkins WHERE author_id = ? GROUP BY child_id"
        " ORDER BY last DESC LIMIT ?) recent ON recent.child_id = ch.id ORDER BY recent.last DESC",
        (author_id, limit),
    )
    return [Child.from_row(r) for r in rows]


async def get_children(db: Database, child_ids: list[int]) -> dict[int, Child]:
    """The children with these ids that exist, by id, in one statement."""
    if not child_ids:
        return {}
    among_ids, params = among("ch.id", child_ids)
    rows = await db.fetchall(_SELECT + " WHERE " + among_ids, params)
    return {child.id: child for child in map(Child.from_row, rows)}


async def find_duplicates(
    db: Database, *, name: str, birth_date: str, class_id: int, flow_token: str | None = None
) -> list[int]:
    """Children of the same name, birth date and class, but the one this flow saved itself."""
    rows = await db.fetchall(
        "SELECT id FROM children WHERE name = ? AND birth_date = ? AND class_id = ?"
        " AND (flow_token IS NOT ? OR flow_token IS NULL)",
        (name, birth_date, class_id, flow_token),
    )
    return [r["id"] for r in rows]


def _contains(query: str) -> str:
    """A LIKE pattern for names containing `query`, its own % and _ taken literally (ESCAPE '\\')."""
    return "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _matching(query: str, scope: ChildFilter) -> tuple[str, list[object]]:
    """The WHERE clause of the children within `scope` whose name contains `query` (empty: every name)."""
    within, params = children_within(scope)
    if not query:
        return " WHERE " + within, list(params)
    return " WHERE ch.name LIKE ? ESCAPE '\\' AND " + within, [_contains(query), *params]


async def listed(db: Database, query: str, scope: ChildFilter, *, limit: int, offset: int = 0) -> list[Child]:
    """Children whose name contains `query` (empty: all) within `scope`, in class order."""
    if scope.empty:
        return []
    clause, params = _matching(query, scope)
    rows = await db.fetchall(
        _SELECT + clause + " ORDER BY g.sort_order, g.name, c.name, ch.name, ch.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [Child.from_row(r) for r in rows]


async def search(
    db: Database,
    query: str,
    scope: ChildFilter,
    *,
    limit: int,
    offset: int = 0,
) -> tuple[list[Child], int]:
    """As listed, with how many there are in all (for a pager)."""
    if scope.empty:
        return [], 0
    clause, params = _matching(query, scope)
    total = await db.fetchval("SELECT COUNT(*) FROM children ch" + clause, params)
    return await listed(db, query, scope, limit=limit, offset=offset), int(total)


async def child_name(db: Database, child_id: int) -> str | None:
    value = await db.fetchval("SELECT name FROM children WHERE id = ?", (child_id,))
    return str(value) if value is not None else None


async def child_names(db: Database, child_ids: list[int]) -> list[str]:
    """Names of the children with these ids (the high-risk list, for instance), by name."""
    if not child_ids:
        return []
    among_ids, params = among("id", child_ids)
    rows = await db.fetchall("SELECT name FROM children WHERE " + among_ids + " ORDER BY name", params)
    return [row["name"] for row in rows]


async def search_all(
    db: Database, query: str, scope: ChildFilter, *, limit: int
) -> tuple[list[tuple[int, str, str]], int]:
    """(id, name, class label) of any child in `scope` whose name contains the query (admins, counsellors)."""
    if scope.empty:
        return [], 0
    within, within_params = children_within(scope)
    params: list[object] = [_contains(query), *within_params]
    rows = await db.fetchall(
        "SELECT ch.id, ch.name, g.name || c.name AS class_label FROM children ch JOIN classes c ON c.id = ch.class_id "
        f"JOIN grades g ON g.id = c.grade_id WHERE ch.name LIKE ? ESCAPE '\\' AND {within} ORDER BY ch.name, ch.id"
        " LIMIT ?",
        [*params, limit],
    )
    total = await db.fetchval(f"SELECT COUNT(*) FROM children ch WHERE ch.name LIKE ? ESCAPE '\\' AND {within}", params)
    return [(r["id"], r["name"], r["class_label"]) for r in rows], int(total or 0)


async def class_grades(db: Database, class_ids: list[int]) -> dict[int, str]:
    """The grade (the county's level) of each of these classes."""
    if not class_ids:
        return {}
    among_ids, params = among("c.id", class_ids)
    rows = await db.fetchall(
        "SELECT c.id, g.name FROM classes c JOIN grades g ON g.id = c.grade_id WHERE " + among_ids, params
    )
    return {row[0]: row[1] for row in rows}


async def sealed_ids(db: Database, child_ids: list[int]) -> dict[int, str]:
    """The sealed ID numbers of these children (those that have one)."""
    if not child_ids:
        return {}
    among_ids, params = among("id", child_ids)
    rows = await db.fetchall(
        f"SELECT id, {SEALED_ID} FROM children WHERE {SEALED_ID} IS NOT NULL AND " + among_ids, params
    )
    return {row[0]: str(row[1]) for row in rows}
