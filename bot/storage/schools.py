"""The schools of the county this deployment serves, and what each sets for itself."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, time

from bot.domain.clock import to_db
from bot.domain.models import School
from bot.domain.roles import ChildFilter
from bot.domain.stats import Scope, TermStarts
from bot.storage.db import Database
from bot.storage.scopes import children_within, scope_clause

# The school a database of one school became; the config's school.
FIRST_SCHOOL = 1


@dataclass(frozen=True)
class SchoolSettings:
    """What a school set for itself; None: the config's."""

    weekly_update_day: int | None
    weekly_update_time: time | None
    quiet_start: time | None
    quiet_end: time | None
    term_starts: TermStarts | None = None


def _month_day(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    month, day = value.split("-")
    return int(month), int(day)


def _school(row: sqlite3.Row) -> School:
    return School(id=row["id"], name=row["name"], township=row["township"], county=row["county"])


async def name_first_school(db: Database, name: str, county: str) -> None:
    """Gives the first school the config's name while it has none (a database upgraded from one school)."""
    await db.execute(
        "UPDATE schools SET name = ?, county = CASE WHEN county = '' THEN ? ELSE county END WHERE id = ? AND name = ''",
        (name, county, FIRST_SCHOOL),
    )


async def add_school(
    db: Database, *, name: str, township: str, county: str, created_by: int, now: datetime
) -> int | None:
    """Adds a school; None if the county has one of that name in that township already."""
    try:
        return await db.insert(
            "INSERT INTO schools (name, township, county, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, township, county, created_by, to_db(now)),
        )
    except sqlite3.IntegrityError:
        return None


async def get_school(db: Database, school_id: int) -> School | None:
    row = await db.fetchone("SELECT id, name, township, county FROM schools WHERE id = ?", (school_id,))
    return _school(row) if row else None


async def list_schools(db: Database) -> list[School]:
    rows = await db.fetchall("SELECT id, name, township, county FROM schools ORDER BY township, name, id")
    return [_school(r) for r in rows]


async def school_names(db: Database) -> dict[int, str]:
    return {r["id"]: r["name"] for r in await db.fetchall("SELECT id, name FROM schools")}


async def school_of_class(db: Database, class_id: int) -> int | None:
    value = await db.fetchval("SELECT school_id FROM classes WHERE id = ?", (class_id,))
    return None if value is None else int(value)


async def school_of_child(db: Database, child_id: int) -> int | None:
    value = await db.fetchval(
        "SELECT c.school_id FROM children ch JOIN classes c ON c.id = ch.class_id WHERE ch.id = ?", (child_id,)
    )
    return None if value is None else int(value)


def _clock(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


async def settings(db: Database) -> dict[int, SchoolSettings]:
    """Every school's own settings, by school id."""
    rows = await db.fetchall(
        "SELECT id, weekly_update_day, weekly_update_time, quiet_start, quiet_end, autumn_term_start,"
        " spring_term_start FROM schools"
    )
    found = {}
    for r in rows:
        autumn, spring = _month_day(r["autumn_term_start"]), _month_day(r["spring_term_start"])
        found[r["id"]] = SchoolSettings(
            weekly_update_day=r["weekly_update_day"],
            weekly_update_time=_clock(r["weekly_update_time"]),
            quiet_start=_clock(r["quiet_start"]),
            quiet_end=_clock(r["quiet_end"]),
            term_starts=(autumn, spring) if autumn and spring else None,
        )
    return found


async def set_term_starts(db: Database, school_id: int, starts: TermStarts) -> None:
    (am, ad), (sm, sd) = starts
    await db.execute(
        "UPDATE schools SET autumn_term_start = ?, spring_term_start = ? WHERE id = ?",
        (f"{am:02d}-{ad:02d}", f"{sm:02d}-{sd:02d}", school_id),
    )


async def set_weekly_update(db: Database, school_id: int, day: int, at: time) -> None:
    await db.execute(
        "UPDATE schools SET weekly_update_day = ?, weekly_update_time = ? WHERE id = ?",
        (day, at.strftime("%H:%M"), school_id),
    )


async def set_quiet_hours(db: Database, school_id: int, start: time, end: time) -> None:
    await db.execute(
        "UPDATE schools SET quiet_start = ?, quiet_end = ? WHERE id = ?",
        (start.strftime("%H:%M"), end.strftime("%H:%M"), school_id),
    )


@dataclass(frozen=True)
class SchoolOverview:
    """One line of the county office's list of schools."""

    school: School
    classes: int
    children: int
    has_admin: bool


async def overview(db: Database, scope: ChildFilter) -> list[SchoolOverview]:
    """Every school with its classes, the children of `scope` in it, and whether it has an admin yet."""
    within, params = children_within(scope)
    rows = await db.fetchall(
        "SELECT s.id, s.name, s.township, s.county,"
        " (SELECT COUNT(*) FROM classes c WHERE c.school_id = s.id) AS classes,"
        " (SELECT COUNT(*) FROM children ch JOIN classes c ON c.id = ch.class_id"
        f" WHERE c.school_id = s.id AND {within}) AS children,"
        " EXISTS (SELECT 1 FROM staff_roles r WHERE r.role = 'admin' AND r.school_id = s.id) AS has_admin"
        " FROM schools s ORDER BY s.township, s.name, s.id",
        params,
    )
    return [SchoolOverview(_school(r), r["classes"], r["children"], bool(r["has_admin"])) for r in rows]


async def schools_of_classes(db: Database) -> dict[int, int]:
    """Every class's school, by class id (one read for a tick's worth of reminders)."""
    return {r["id"]: r["school_id"] for r in await db.fetchall("SELECT id, school_id FROM classes")}


async def schools_of_children(db: Database, child_ids: list[int]) -> dict[int, int]:
    """The school of each of these children, by child id."""
    if not child_ids:
        return {}
    marks = ",".join("?" * len(child_ids))
    rows = await db.fetchall(
        f"SELECT ch.id, c.school_id FROM children ch JOIN classes c ON c.id = ch.class_id WHERE ch.id IN ({marks})",
        child_ids,
    )
    return {r["id"]: r["school_id"] for r in rows}


# --- a school's grades and classes, as /stats drills down into them ---------------------------------------


async def grades_and_classes(db: Database, school_id: int) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(grade id, grade name, [(class id, class name)]) of one school in display order, for drill-down buttons."""
    rows = await db.fetchall(
        "SELECT g.id AS gid, g.name AS gname, c.id AS cid, c.name AS cname FROM grades g"
        " JOIN classes c ON c.grade_id = g.id WHERE c.school_id = ? ORDER BY g.sort_order, g.name, c.name",
        (school_id,),
    )
    grouped: dict[int, tuple[int, str, list[tuple[int, str]]]] = {}
    for r in rows:
        grouped.setdefault(r["gid"], (r["gid"], r["gname"], []))[2].append((r["cid"], r["cname"]))
    return list(grouped.values())


async def scope_label(db: Database, scope: Scope) -> str | None:
    """The school's, grade's or class's name; None when it does not exist (a forged or stale id). County: ""."""
    if scope.kind == "school":
        value = await db.fetchval("SELECT name FROM schools WHERE id = ?", (scope.ref_id,))
    elif scope.kind == "grade":
        value = await db.fetchval(
            "SELECT name FROM grades WHERE id = ? AND EXISTS (SELECT 1 FROM schools WHERE id = ?)",
            (scope.ref_id, scope.school_id),
        )
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


async def class_labels(db: Database, within: ChildFilter) -> dict[int, str]:
    """The labels of the classes wholly in `within`, in display order."""
    whole, params = children_within(
        ChildFilter(everyone=within.everyone, school_ids=within.school_ids, class_ids=within.class_ids),
        child="NULL",
        klass="c.id",
    )
    rows = await db.fetchall(
        "SELECT c.id, g.name || c.name AS label FROM classes c JOIN grades g ON g.id = c.grade_id WHERE "
        + whole
        + " ORDER BY g.sort_order, g.name, c.name",
        params,
    )
    return {r["id"]: r["label"] for r in rows}
