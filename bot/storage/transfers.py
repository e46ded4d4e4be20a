"""Transfers between the county's schools (学籍转移): proposed by the old school, decided by the new one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_db, to_db
from bot.domain.roles import ChildScope
from bot.storage.columns import optional_datetime
from bot.storage.db import Database
from bot.storage.queries import Rows, reader


@dataclass(frozen=True)
class Transfer:
    id: int
    child_id: int
    child_name: str
    from_school_id: int
    from_school_name: str
    from_class_id: int
    from_class_label: str
    to_school_id: int
    to_school_name: str
    to_class_id: int
    to_class_label: str
    status: str
    proposed_by: int
    proposed_at: datetime
    decided_by: int | None
    decided_at: datetime | None

    @property
    def destination(self) -> ChildScope:
        """The child as they would be once accepted: who may accept is decided against this."""
        return ChildScope(self.child_id, self.to_class_id, self.to_school_id)


_TRANSFERS = Rows(
    "SELECT t.*, ch.name AS child_name, fs.name AS from_school_name, fg.name || fc.name AS from_class_label,"
    " ts.name AS to_school_name, tg.name || tc.name AS to_class_label FROM transfers t"
    " JOIN children ch ON ch.id = t.child_id"
    " JOIN schools fs ON fs.id = t.from_school_id JOIN classes fc ON fc.id = t.from_class_id"
    " JOIN grades fg ON fg.id = fc.grade_id"
    " JOIN schools ts ON ts.id = t.to_school_id JOIN classes tc ON tc.id = t.to_class_id"
    " JOIN grades tg ON tg.id = tc.grade_id",
    reader(Transfer, proposed_at=from_db, decided_at=optional_datetime),
)


async def propose(
    db: Database,
    *,
    child_id: int,
    from_class_id: int,
    from_school_id: int,
    to_class_id: int,
    to_school_id: int,
    by: int,
    now: datetime,
    flow_token: str,
) -> int | None:
    """Stores a proposed transfer; None when the child has one open already or this flow saved one."""
    return await db.insert_new(
        "INSERT OR IGNORE INTO transfers (child_id, from_school_id, from_class_id, to_school_id, to_class_id,"
        " proposed_by, proposed_at, flow_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (child_id, from_school_id, from_class_id, to_school_id, to_class_id, by, to_db(now), flow_token),
    )


async def saved_by_flow(db: Database, flow_token: str) -> int | None:
    value = await db.fetchval("SELECT id FROM transfers WHERE flow_token = ?", (flow_token,))
    return int(value) if value is not None else None


async def get_transfer(db: Database, transfer_id: int) -> Transfer | None:
    return await _TRANSFERS.one(db, "WHERE t.id = ?", (transfer_id,))


async def open_transfer(db: Database, child_id: int) -> Transfer | None:
    return await _TRANSFERS.one(db, "WHERE t.child_id = ? AND t.status = 'proposed'", (child_id,))


async def open_transfers(db: Database) -> list[Transfer]:
    """Every transfer still waiting for a decision, oldest first (few: the policy picks the reader's)."""
    return await _TRANSFERS.all(db, "WHERE t.status = 'proposed' ORDER BY t.proposed_at, t.id")


async def decide(db: Database, transfer_id: int, *, status: str, by: int, now: datetime) -> bool:
    """Closes an open transfer as accepted, declined or withdrawn; False if it was closed already."""
    changed = await db.execute(
        "UPDATE transfers SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'proposed'",
        (status, by, to_db(now), transfer_id),
    )
    return changed > 0


async def move_child(db: Database, child_id: int, class_id: int, now: datetime) -> None:
    """Puts the child in their new class (the class tallies' triggers follow)."""
    await db.execute("UPDATE children SET class_id = ?, updated_at = ? WHERE id = ?", (class_id, to_db(now), child_id))
