"""Guardian consent to keeping a child's record, and guardians' requests to correct or erase it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_db, to_db
from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.queries import record
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class Consent:
    child_id: int
    method: str
    given_by: str
    guardian_id: int | None
    recorded_by: int
    given_at: datetime


async def record_consent(
    db: Database,
    *,
    child_id: int,
    method: str,
    given_by: str,
    guardian_id: int | None,
    recorded_by: int,
    now: datetime,
) -> None:
    await db.execute(
        "INSERT INTO consents (child_id, method, given_by, guardian_id, recorded_by, given_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (child_id) DO UPDATE SET method = excluded.method, "
        "given_by = excluded.given_by, guardian_id = excluded.guardian_id, recorded_by = excluded.recorded_by, "
        "given_at = excluded.given_at",
        (child_id, method, given_by, guardian_id, recorded_by, to_db(now)),
    )


async def get_consent(db: Database, child_id: int) -> Consent | None:
    row = await db.fetchone("SELECT * FROM consents WHERE child_id = ?", (child_id,))
    return None if row is None else record(Consent, row, given_at=from_db(row["given_at"]))


def consented_child_filter_sql(column: str = "ch.id") -> str:
    """A WHERE fragment keeping only children whose guardian consent is recorded, e.g.
    `... FROM children ch WHERE <fragment>`. `column` is code, never user input."""
    if not column.replace(".", "").replace("_", "").isalnum():
        raise ValueError("column must be an identifier")
    return f"EXISTS (SELECT 1 FROM consents cs WHERE cs.child_id = {column})"


async def children_without_consent(db: Database, scope: ChildFilter) -> list[tuple[int, str]]:
    """(id, name) of the children in `scope` whose consent is missing, by name."""
    within, params = children_within(scope)
    rows = await db.fetchall(
        "SELECT ch.id, ch.name FROM children ch WHERE NOT "
        + consented_child_filter_sql("ch.id")
        + f" AND {within} ORDER BY ch.name",
        params,
    )
    return [(r["id"], r["name"]) for r in rows]


async def add_request(db: Database, *, child_id: int, requester_id: int, kind: str, detail: str, now: datetime) -> int:
    return await db.insert(
        "INSERT INTO data_requests (child_id, requester_id, kind, detail, created_at) VALUES (?, ?, ?, ?, ?)",
        (child_id, requester_id, kind, detail, to_db(now)),
    )


@dataclass(frozen=True)
class DataRequest:
    id: int
    child_id: int
    child_name: str
    requester_id: int
    kind: str
    detail: str
    created_at: datetime


async def open_requests(db: Database) -> list[DataRequest]:
    rows = await db.fetchall(
        "SELECT r.*, ch.name AS child_name FROM data_requests r JOIN children ch ON ch.id = r.child_id "
        "WHERE r.handled_at IS NULL ORDER BY r.id"
    )
    return [record(DataRequest, r, created_at=from_db(r["created_at"])) for r in rows]
