"""One-time, expiring invitation codes."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import to_db
from bot.domain.models import Invitation
from bot.storage.db import Database


async def create(
    db: Database,
    *,
    code: str,
    kind: str,
    role: str | None,
    class_id: int | None,
    child_id: int | None,
    relationship: str | None,
    created_by: int,
    now: datetime,
    expires_at: datetime,
    school_id: int | None = None,
) -> None:
    await db.execute(
        "INSERT INTO invitations (code, kind, role, class_id, child_id, relationship, created_by, "
        "created_at, expires_at, school_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (code, kind, role, class_id, child_id, relationship, created_by, to_db(now), to_db(expires_at), school_id),
    )


async def get(db: Database, code: str) -> Invitation | None:
    row = await db.fetchone(
        "SELECT code, kind, role, class_id, child_id, relationship, created_by, expires_at, used_by, school_id "
        "FROM invitations WHERE code = ?",
        (code,),
    )
    if row is None:
        return None
    return Invitation(**{key: row[key] for key in row.keys()})


async def mark_used(db: Database, code: str, user_id: int, now: datetime) -> bool:
    """Claims the code for this user; False if someone already used it (the race is decided here)."""
    changed = await db.execute(
        "UPDATE invitations SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
        (user_id, to_db(now), code),
    )
    return changed == 1


async def families_reached(db: Database, child_ids: list[int], now: datetime) -> set[int]:
    """Of these children, those with a bound guardian or a guardian invitation still open."""
    if not child_ids:
        return set()
    marks = ",".join("?" * len(child_ids))
    rows = await db.fetchall(
        f"SELECT child_id FROM guardians WHERE unbound_at IS NULL AND child_id IN ({marks}) "
        f"UNION SELECT child_id FROM invitations WHERE kind = 'guardian' AND used_by IS NULL AND expires_at > ? "
        f"AND child_id IN ({marks})",
        [*child_ids, to_db(now), *child_ids],
    )
    return {int(r["child_id"]) for r in rows}
