"""Users, staff roles, grades and classes, guardian bindings: everything that decides an Actor."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.domain.clock import to_db
from bot.domain.models import SchoolClass, User
from bot.domain.roles import Actor, ChildFilter, Role
from bot.storage.db import Database
from bot.storage.queries import record


async def ensure_user(db: Database, user_id: int, full_name: str, now: datetime) -> None:
    """Stores someone who becomes staff or a guardian (their records refer to them), with their display name."""
    await db.execute(
        "INSERT INTO users (id, full_name, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET full_name = excluded.full_name, status = 'active' "
        "WHERE users.full_name != excluded.full_name OR users.status != 'active'",
        (user_id, full_name, to_db(now)),
    )


async def refresh_name(db: Database, user_id: int, full_name: str) -> None:
    """Keeps the display name of staff and guardians current (and marks them reachable: they just wrote).
    Nobody else is given a name, not even someone stored because they picked a language."""
    await db.execute(
        "UPDATE users SET full_name = ?, status = 'active' WHERE id = ? AND (full_name != ? OR status != 'active')"
        " AND (EXISTS (SELECT 1 FROM staff_roles WHERE user_id = users.id)"
        " OR EXISTS (SELECT 1 FROM guardians WHERE user_id = users.id))",
        (full_name, user_id, full_name),
    )


async def get_user(db: Database, user_id: int) -> User | None:
    row = await db.fetchone(
        "SELECT id, full_name, language, status, weekly_paused, opted_out FROM users WHERE id = ?", (user_id,)
    )
    if row is None:
        return None
    return record(User, row, weekly_paused=bool(row["weekly_paused"]), opted_out=bool(row["opted_out"]))


async def set_language(db: Database, user_id: int, language: str, now: datetime) -> None:
    """Stores the choice; someone not stored yet is, by id and language only (the day, not the time: nothing
    about a stranger needs more)."""
    await db.execute(
        "INSERT INTO users (id, language, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET language = excluded.language",
        (user_id, language, to_db(now)[:10]),
    )


# Who someone is, in one statement: it runs for every update, and each statement is a trip to the database
# thread. Each row is (what, a role or NULL, a class or child id or a language, the school a staff role is in).
_ACTOR_SQL = (
    "SELECT 'language', NULL, language, NULL FROM users WHERE id = ?1"
    " UNION ALL SELECT 'role', r.role, r.class_id, COALESCE(r.school_id, c.school_id) FROM staff_roles r"
    " LEFT JOIN classes c ON c.id = r.class_id WHERE r.user_id = ?1"
    " UNION ALL SELECT 'county', NULL, NULL, NULL FROM county_staff WHERE user_id = ?1"
    " UNION ALL SELECT 'no county', NULL, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM county_staff)"
    " UNION ALL SELECT 'mentee', NULL, child_id, NULL FROM pairings WHERE mentor_id = ?1 AND ended_at IS NULL"
    " UNION ALL SELECT 'guarded', NULL, child_id, NULL FROM guardians WHERE user_id = ?1 AND unbound_at IS NULL"
    " UNION ALL SELECT 'shared', fields, child_id, NULL FROM referrals WHERE partner_id = ?1"
    " AND status IN ('sent', 'accepted')"
)


async def load_actor(db: Database, user_id: int) -> Actor:
    """Everything that decides what this user may do, read fresh for each update."""
    language: str | None = None
    county = False
    no_county = False
    roles: list[tuple[str, int | None, int]] = []
    mentees: set[int] = set()
    guarded: set[int] = set()
    shares: set[tuple[int, str]] = set()
    for what, role, value, school in await db.fetchall(_ACTOR_SQL, (user_id,)):
        if what == "language":
            language = value
        elif what == "role":
            roles.append((role, value, school))
        elif what == "county":
            county = True
        elif what == "no county":
            no_county = True
        elif what == "mentee":
            mentees.add(value)
        elif what == "shared":  # an open referral's fields, for the partner person it invited
            shares.update((value, name) for name in str(role).split(",") if name)
        else:
            guarded.add(value)
    return Actor(
        user_id=user_id,
        language=language,
        admin_schools=frozenset(s for role, _, s in roles if role == Role.ADMIN),
        counsellor_schools=frozenset(s for role, _, s in roles if role == Role.COUNSELLOR),
        county=county,
        keeper=county or (no_county and any(role == Role.ADMIN for role, _, _ in roles)),
        head_classes=frozenset(c for role, c, _ in roles if role == Role.HEAD_TEACHER and c is not None),
        subject_classes=frozenset(c for role, c, _ in roles if role == Role.SUBJECT_TEACHER and c is not None),
        mentee_ids=frozenset(mentees),
        guarded_ids=frozenset(guarded),
        staff_schools=frozenset(s for _, _, s in roles),
        partner_shares=frozenset(shares),
    )


async def grant_role(
    db: Database,
    *,
    user_id: int,
    role: Role,
    class_id: int | None,
    granted_by: int | None,
    now: datetime,
    school_id: int | None = None,
) -> bool:
    """Grants a staff role (a school-wide one for `school_id`, a class one for `class_id`); returns False if the
    user already held it."""
    if class_id is None and school_id is None:
        raise ValueError("a school-wide role names its school")
    changed = await db.execute(
        "INSERT OR IGNORE INTO staff_roles (user_id, role, class_id, school_id, granted_by, granted_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (user_id, role.value, class_id, None if class_id is not None else school_id, granted_by, to_db(now)),
    )
    return changed > 0


async def ensure_admins(db: Database, admin_ids: tuple[int, ...], school_id: int, now: datetime) -> None:
    """Makes the administrators named in config exist with the admin role of `school_id` (idempotent)."""
    async with db.transaction():
        for admin_id in admin_ids:
            await db.execute(
                "INSERT OR IGNORE INTO users (id, full_name, created_at) VALUES (?, '', ?)",
                (admin_id, to_db(now)),
            )
            await grant_role(
                db, user_id=admin_id, role=Role.ADMIN, class_id=None, school_id=school_id, granted_by=None, now=now
            )


async def ensure_county_staff(db: Database, user_ids: tuple[int, ...], now: datetime) -> None:
    """Makes the county office's people named in config exist as such (idempotent)."""
    async with db.transaction():
        for user_id in user_ids:
            await db.execute(
                "INSERT OR IGNORE INTO users (id, full_name, created_at) VALUES (?, '', ?)", (user_id, to_db(now))
            )
            await db.execute(
                "INSERT OR IGNORE INTO county_staff (user_id, granted_at) VALUES (?, ?)", (user_id, to_db(now))
            )


async def county_staff_ids(db: Database) -> list[int]:
    rows = await db.fetchall("SELECT user_id FROM county_staff ORDER BY user_id")
    return [r["user_id"] for r in rows]


async def admin_ids(db: Database, school_id: int) -> list[int]:
    """The administrators of one school."""
    rows = await db.fetchall(
        "SELECT DISTINCT user_id FROM staff_roles WHERE role = 'admin' AND school_id = ? ORDER BY user_id",
        (school_id,),
    )
    return [r["user_id"] for r in rows]


async def keeper_ids(db: Database) -> list[int]:
    """Who looks after the installation itself (its health, its errors): the county office where there is one,
    else the administrators (of the one school)."""
    rows = await db.fetchall(
        "SELECT user_id FROM county_staff UNION SELECT user_id FROM staff_roles WHERE role = 'admin'"
        " AND NOT EXISTS (SELECT 1 FROM county_staff) ORDER BY user_id"
    )
    return [r["user_id"] for r in rows]


async def staff_of_class(db: Database, class_id: int, role: Role) -> list[int]:
    rows = await db.fetchall(
        "SELECT user_id FROM staff_roles WHERE class_id = ? AND role = ? ORDER BY user_id", (class_id, role.value)
    )
    return [r["user_id"] for r in rows]


_CLASS_SELECT = (
    "SELECT c.id, c.grade_id, g.name AS grade_name, c.name, c.school_id FROM classes c"
    " JOIN grades g ON g.id = c.grade_id"
)


def _class(row: sqlite3.Row) -> SchoolClass:
    return record(SchoolClass, row)


async def ensure_class(db: Database, school_id: int, grade_name: str, class_name: str) -> SchoolClass:
    """Finds or creates a grade (the county's level) and a class of one school by name."""
    async with db.transaction():
        await db.execute("INSERT OR IGNORE INTO grades (name) VALUES (?)", (grade_name,))
        grade_id = await db.fetchval("SELECT id FROM grades WHERE name = ?", (grade_name,))
        await db.execute(
            "INSERT OR IGNORE INTO classes (school_id, grade_id, name) VALUES (?, ?, ?)",
            (school_id, grade_id, class_name),
        )
        row = await db.fetchone(
            _CLASS_SELECT + " WHERE c.school_id = ? AND c.grade_id = ? AND c.name = ?",
            (school_id, grade_id, class_name),
        )
    assert row is not None
    return _class(row)


async def get_class(db: Database, class_id: int) -> SchoolClass | None:
    row = await db.fetchone(_CLASS_SELECT + " WHERE c.id = ?", (class_id,))
    return _class(row) if row else None


async def list_classes(db: Database, scope: ChildFilter) -> list[SchoolClass]:
    """The classes wholly in `scope` (of its schools, or named), in grade order."""
    rows = await db.fetchall(_CLASS_SELECT + " ORDER BY g.sort_order, g.name, c.name")
    return [c for c in map(_class, rows) if scope.includes_class(c.id, c.school_id)]


async def guardians_of(db: Database, child_id: int) -> list[tuple[int, str, str]]:
    """(user id, display name, relationship) of each guardian bound to a child."""
    rows = await db.fetchall(
        "SELECT g.user_id, u.full_name, g.relationship FROM guardians g JOIN users u ON u.id = g.user_id "
        "WHERE g.child_id = ? AND g.unbound_at IS NULL ORDER BY g.bound_at",
        (child_id,),
    )
    return [(r["user_id"], r["full_name"], r["relationship"]) for r in rows]


async def bind_guardian(db: Database, *, user_id: int, child_id: int, relationship: str, now: datetime) -> bool:
    changed = await db.execute(
        "INSERT OR IGNORE INTO guardians (user_id, child_id, relationship, bound_at) VALUES (?, ?, ?, ?)",
        (user_id, child_id, relationship, to_db(now)),
    )
    return changed > 0


async def mentors_of(db: Database, child_id: int) -> list[int]:
    rows = await db.fetchall("SELECT mentor_id FROM pairings WHERE child_id = ? AND ended_at IS NULL", (child_id,))
    return [r["mentor_id"] for r in rows]
