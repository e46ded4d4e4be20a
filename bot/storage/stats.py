"""The leadership group's figures, each a single SQL aggregate over a scope (school, grade or class)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.archive import FIELDS_BY_NAME
from bot.domain.clock import to_db
from bot.domain.models import Child
from bot.domain.stats import Scope
from bot.storage.db import Database

# "Has a way to reach a guardian": a second guardian's phone on the card, or a bound guardian account
# that Telegram has not reported as unreachable.
_REACHABLE = (
    "(COALESCE(ch.guardian_phone, '') != '' OR EXISTS (SELECT 1 FROM guardians gd JOIN users u ON u.id = gd.user_id"
    " WHERE gd.child_id = ch.id AND gd.unbound_at IS NULL AND u.status = 'active'))"
)
_DESIGNATED = "(COALESCE(ch.guardian_name, '') != '')"
_PAIRED = "EXISTS (SELECT 1 FROM pairings p WHERE p.child_id = ch.id AND p.ended_at IS NULL)"

# Lists of children that need action, by short code (used in callback data).
LIST_CONDITIONS: dict[str, str] = {
    "nog": f"NOT {_DESIGNATED}",
    "unr": f"NOT {_REACHABLE}",
    "nom": f"NOT {_PAIRED}",
}


def scope_clause(scope: Scope) -> tuple[str, list[Any]]:
    """A WHERE fragment over children `ch` joined to classes `c`."""
    if scope.kind == "grade":
        return "c.grade_id = ?", [scope.ref_id]
    if scope.kind == "class":
        return "ch.class_id = ?", [scope.ref_id]
    return "1 = 1", []


_FROM = " FROM children ch JOIN classes c ON c.id = ch.class_id JOIN grades g ON g.id = c.grade_id "


@dataclass(frozen=True)
class GradeRow:
    grade_id: int
    grade_name: str
    father: int
    mother: int
    both: int

    @property
    def total(self) -> int:
        return self.father + self.mother + self.both


@dataclass(frozen=True)
class ClassRow:
    class_id: int
    label: str
    children: int


@dataclass
class Summary:
    """Every figure of /stats for one scope. Care figures stay None while their tables do not exist."""

    total: int = 0
    father: int = 0
    mother: int = 0
    both: int = 0
    no_designated: int = 0
    unreachable: int = 0
    paired: int = 0
    boarding_requested: int = 0
    boarding_yes: int = 0
    by_grade: list[GradeRow] = field(default_factory=list)
    by_class: list[ClassRow] = field(default_factory=list)
    care: dict[str, int] = field(default_factory=dict)
    weekly_calls: list[tuple[date, int, int]] = field(default_factory=list)  # (week start, agreed, confirmed)

    @property
    def no_mentor(self) -> int:
        return self.total - self.paired


async def summary(db: Database, scope: Scope) -> Summary:
    """The children figures of a scope: by kind, by grade, guardians, pairings, boarding."""
    where, params = scope_clause(scope)
    row = await db.fetchone(
        "SELECT COUNT(*) AS total,"
        " COALESCE(SUM(ch.parents_away = 'father'), 0) AS father,"
        " COALESCE(SUM(ch.parents_away = 'mother'), 0) AS mother,"
        " COALESCE(SUM(ch.parents_away = 'both'), 0) AS both_away,"
        f" COALESCE(SUM(NOT {_DESIGNATED}), 0) AS no_designated,"
        f" COALESCE(SUM(NOT {_REACHABLE}), 0) AS unreachable,"
        f" COALESCE(SUM({_PAIRED}), 0) AS paired,"
        " COALESCE(SUM(ch.boarding = 'requested'), 0) AS boarding_requested,"
        " COALESCE(SUM(ch.boarding = 'yes'), 0) AS boarding_yes" + _FROM + "WHERE " + where,
        params,
    )
    assert row is not None
    grades = await db.fetchall(
        "SELECT g.id, g.name, SUM(ch.parents_away = 'father') AS father, SUM(ch.parents_away = 'mother') AS mother,"
        " SUM(ch.parents_away = 'both') AS both_away" + _FROM + "WHERE " + where + " GROUP BY g.id"
        " ORDER BY g.sort_order, g.name",
        params,
    )
    classes = await db.fetchall(
        "SELECT c.id, g.name || c.name AS label, COUNT(ch.id) AS n FROM classes c JOIN grades g ON g.id = c.grade_id"
        " LEFT JOIN children ch ON ch.class_id = c.id WHERE "
        + where.replace("ch.class_id", "c.id")
        + " GROUP BY c.id ORDER BY g.sort_order, g.name, c.name",
        params,
    )
    return Summary(
        total=row["total"],
        father=row["father"],
        mother=row["mother"],
        both=row["both_away"],
        no_designated=row["no_designated"],
        unreachable=row["unreachable"],
        paired=row["paired"],
        boarding_requested=row["boarding_requested"],
        boarding_yes=row["boarding_yes"],
        by_grade=[GradeRow(r["id"], r["name"], r["father"], r["mother"], r["both_away"]) for r in grades],
        by_class=[ClassRow(r["id"], r["label"], r["n"]) for r in classes],
    )


@dataclass(frozen=True)
class ListedChild:
    child_id: int
    name: str
    class_label: str
    detail: str = ""  # e.g. the date of the last visit, for the overdue list


async def attention_list(
    db: Database, scope: Scope, kind: str, *, limit: int, offset: int
) -> tuple[list[ListedChild], int]:
    """One page of the children of a scope that need action of `kind`, and how many there are."""
    condition = LIST_CONDITIONS[kind]
    where, params = scope_clause(scope)
    clause = f" WHERE {where} AND {condition}"
    total = await db.fetchval("SELECT COUNT(*)" + _FROM + clause, params)
    rows = await db.fetchall(
        "SELECT ch.id, ch.name, g.name || c.name AS label" + _FROM + clause + " ORDER BY g.sort_order, g.name, c.name,"
        " ch.name, ch.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [ListedChild(r["id"], r["name"], r["label"]) for r in rows], int(total)


async def grades_and_classes(db: Database) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(grade id, grade name, [(class id, class name)]) in display order, for drill-down buttons."""
    rows = await db.fetchall(
        "SELECT g.id AS gid, g.name AS gname, c.id AS cid, c.name AS cname FROM grades g"
        " JOIN classes c ON c.grade_id = g.id ORDER BY g.sort_order, g.name, c.name"
    )
    grouped: dict[int, tuple[int, str, list[tuple[int, str]]]] = {}
    for r in rows:
        grouped.setdefault(r["gid"], (r["gid"], r["gname"], []))[2].append((r["cid"], r["cname"]))
    return list(grouped.values())


async def scope_label(db: Database, scope: Scope) -> str | None:
    """The grade's or class's name; None when it does not exist (a forged or stale id). School: ""."""
    if scope.kind == "grade":
        value = await db.fetchval("SELECT name FROM grades WHERE id = ?", (scope.ref_id,))
    elif scope.kind == "class":
        value = await db.fetchval(
            "SELECT g.name || c.name FROM classes c JOIN grades g ON g.id = c.grade_id WHERE c.id = ?", (scope.ref_id,)
        )
    else:
        return ""
    return None if value is None else str(value)


async def class_ids_of(db: Database, scope: Scope) -> list[int]:
    where, params = scope_clause(scope)
    rows = await db.fetchall(
        "SELECT c.id FROM classes c JOIN grades g ON g.id = c.grade_id WHERE "
        + where.replace("ch.class_id", "c.id")
        + " ORDER BY g.sort_order, g.name, c.name",
        params,
    )
    return [r["id"] for r in rows]


def day_start(day: date, tz: Any) -> str:
    """The UTC ISO string of local midnight at the start of `day` (for comparing with stored times)."""
    return to_db(datetime(day.year, day.month, day.day, tzinfo=tz))


def day_after(day: date, tz: Any) -> str:
    return day_start(day + timedelta(days=1), tz)


async def children_in_scope(db: Database, scope: Scope) -> list[Child]:
    """Every archive of a scope, in grade, class and name order (for the roster export)."""
    where, params = scope_clause(scope)
    rows = await db.fetchall(
        "SELECT ch.*, g.name || c.name AS class_label" + _FROM + "WHERE " + where + " ORDER BY g.sort_order, g.name,"
        " c.name, ch.name, ch.id",
        params,
    )
    return [Child.from_row(r) for r in rows]


async def class_labels(db: Database) -> dict[int, str]:
    rows = await db.fetchall(
        "SELECT c.id, g.name || c.name AS label FROM classes c JOIN grades g ON g.id = c.grade_id"
        " ORDER BY g.sort_order, g.name, c.name"
    )
    return {r["id"]: r["label"] for r in rows}


async def archive_keys(db: Database, class_ids: list[int] | None) -> set[tuple[str, str, int]]:
    """(name, birth date, class id) of every archive (in the given classes), to spot duplicates on import."""
    if class_ids is None:
        rows = await db.fetchall("SELECT name, birth_date, class_id FROM children")
    else:
        rows = await db.fetchall(
            f"SELECT name, birth_date, class_id FROM children WHERE class_id IN ({','.join('?' * len(class_ids))})",
            class_ids,
        )
    return {(r["name"], r["birth_date"], r["class_id"]) for r in rows}


# --- import staging ----------------------------------------------------------------------------------


async def stage_import(db: Database, *, user_id: int, file_name: str, rows: list[dict[str, Any]], now: datetime) -> int:
    """Keeps checked rows until the user confirms; earlier pending batches of the user are cancelled."""
    async with db.transaction():
        await db.execute(
            "UPDATE import_batches SET status = 'cancelled', rows_json = '[]' WHERE user_id = ? AND status = 'pending'",
            (user_id,),
        )
        return await db.insert(
            "INSERT INTO import_batches (user_id, file_name, rows_json, row_count, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, file_name, json.dumps(rows, ensure_ascii=False), len(rows), to_db(now)),
        )


async def pending_import(db: Database, batch_id: int) -> tuple[int, str, list[dict[str, Any]]] | None:
    """(owner, status, rows) of a batch; None when there is no such batch."""
    row = await db.fetchone("SELECT user_id, status, rows_json FROM import_batches WHERE id = ?", (batch_id,))
    if row is None:
        return None
    return int(row["user_id"]), str(row["status"]), list(json.loads(row["rows_json"]))


async def close_import(db: Database, batch_id: int, status: str) -> bool:
    """Marks a pending batch imported or cancelled (and drops its rows); False if it was no longer pending."""
    changed = await db.execute(
        "UPDATE import_batches SET status = ?, rows_json = '[]' WHERE id = ? AND status = 'pending'",
        (status, batch_id),
    )
    return changed > 0


async def insert_children(db: Database, rows: list[dict[str, Any]], *, created_by: int, now: datetime) -> list[int]:
    """Inserts validated archives (inside the caller's transaction); returns their ids in order."""
    stamp = to_db(now)
    ids = []
    for values in rows:
        columns = [name for name in FIELDS_BY_NAME if values.get(name) not in (None, "")]
        ids.append(
            await db.insert(
                f"INSERT INTO children ({', '.join(columns)}, created_by, created_at, updated_at) "
                f"VALUES ({', '.join('?' for _ in columns)}, ?, ?, ?)",
                [values[c] for c in columns] + [created_by, stamp, stamp],
            )
        )
    return ids
