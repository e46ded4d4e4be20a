"""The written designations of a child's entrusted carer (委托照护): one row per confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import to_db
from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class Designation:
    child_id: int
    carer_name: str
    relation: str
    phone: str
    address: str
    conditions: tuple[str, ...]
    school_year: int
    confirmed_on: date
    confirmed_by: int


async def latest(db: Database, child_id: int) -> Designation | None:
    """The child's latest confirmed designation."""
    row = await db.fetchone(
        "SELECT * FROM guardian_designations WHERE child_id = ? ORDER BY id DESC LIMIT 1", (child_id,)
    )
    if row is None:
        return None
    return Designation(
        row["child_id"], row["carer_name"], row["relation"], row["phone"], row["address"],
        tuple(c for c in row["conditions"].split(",") if c), row["school_year"],
        date.fromisoformat(row["confirmed_on"]), row["confirmed_by"],
    )  # fmt: skip


async def add(db: Database, designation: Designation, *, changed: bool, now: datetime) -> None:
    await db.execute(
        "INSERT INTO guardian_designations (child_id, carer_name, relation, phone, address, conditions, changed,"
        " school_year, confirmed_on, confirmed_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            designation.child_id, designation.carer_name, designation.relation, designation.phone,
            designation.address, ",".join(designation.conditions), int(changed), designation.school_year,
            designation.confirmed_on.isoformat(), designation.confirmed_by, to_db(now),
        ),
    )  # fmt: skip


async def count_without(db: Database, scope: ChildFilter) -> int:
    """Children of `scope` with no written designation at all."""
    within, params = children_within(scope, child="ch.id", klass="ch.class_id")
    return int(
        await db.fetchval(
            "SELECT COUNT(*) FROM children ch WHERE NOT EXISTS"
            f" (SELECT 1 FROM guardian_designations d WHERE d.child_id = ch.id) AND {within}",
            params,
        )
    )


async def due_for_year(db: Database, school_year: int) -> list[tuple[int, int]]:
    """(child, bound guardian) for every child whose latest designation is from an earlier school year, or who has
    none: the ones the yearly reminder asks to confirm."""
    rows = await db.fetchall(
        "SELECT g.child_id, g.user_id FROM guardians g WHERE g.unbound_at IS NULL AND COALESCE("
        " (SELECT MAX(d.school_year) FROM guardian_designations d WHERE d.child_id = g.child_id), -1) < ?"
        " ORDER BY g.child_id, g.user_id",
        (school_year,),
    )
    return [(row["child_id"], row["user_id"]) for row in rows]


async def names_by_id(db: Database, child_ids: list[int]) -> dict[int, str]:
    if not child_ids:
        return {}
    rows = await db.fetchall(f"SELECT id, name FROM children WHERE id IN ({','.join('?' * len(child_ids))})", child_ids)
    return {row["id"]: row["name"] for row in rows}
