"""Referrals of a child to partners outside the school, the card fields each shares, and its partner person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import to_db
from bot.storage.columns import optional_datetime
from bot.storage.db import Database
from bot.storage.queries import Rows, reader

OPEN_STATUSES = ("sent", "accepted")  # a partner person reads the shared fields only while the referral is one


@dataclass(frozen=True)
class Referral:
    id: int
    child_id: int
    body: str
    reason: str
    fields: tuple[str, ...]
    status: str
    partner_name: str | None
    partner_id: int | None
    created_by: int
    invite_expires_at: datetime | None

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES


def _names(stored: str) -> tuple[str, ...]:
    """The card fields a referral shares, stored comma-separated."""
    return tuple(name for name in stored.split(",") if name)


_REFERRALS = Rows(
    "SELECT id, child_id, body, reason, fields, status, partner_name, partner_id, created_by, invite_expires_at"
    " FROM referrals",
    reader(Referral, fields=_names, invite_expires_at=optional_datetime),
)


async def insert(
    db: Database,
    *,
    child_id: int,
    body: str,
    reason: str,
    fields: tuple[str, ...],
    partner_name: str | None,
    invite_code: str | None,
    invite_expires_at: datetime | None,
    created_by: int,
    now: datetime,
    flow_token: str | None,
) -> tuple[int, bool]:
    """Stores a referral; (its id, True), or (the one saved first under this flow token, False)."""
    if flow_token is not None:
        saved = await db.fetchval("SELECT id FROM referrals WHERE flow_token = ?", (flow_token,))
        if saved is not None:
            return int(saved), False
    referral_id = await db.insert(
        "INSERT INTO referrals (child_id, body, reason, fields, partner_name, invite_code, invite_expires_at,"
        " created_by, created_at, flow_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            child_id, body, reason, ",".join(fields), partner_name, invite_code,
            to_db(invite_expires_at) if invite_expires_at else None, created_by, to_db(now), flow_token,
        ),
    )  # fmt: skip
    return referral_id, True


async def get(db: Database, referral_id: int) -> Referral | None:
    return await _REFERRALS.one(db, "WHERE id = ?", (referral_id,))


async def by_code(db: Database, code: str) -> Referral | None:
    return await _REFERRALS.one(db, "WHERE invite_code = ?", (code,))


async def of_child(db: Database, child_id: int) -> list[Referral]:
    return await _REFERRALS.all(db, "WHERE child_id = ? ORDER BY id", (child_id,))


async def claim_partner(db: Database, referral_id: int, user_id: int) -> bool:
    """Names this user the referral's partner person; False if someone already is, or the referral closed."""
    changed = await db.execute(
        "UPDATE referrals SET partner_id = ? WHERE id = ? AND partner_id IS NULL AND status IN ('sent', 'accepted')",
        (user_id, referral_id),
    )
    return changed == 1


async def set_status(db: Database, referral_id: int, status: str, user_id: int, now: datetime) -> bool:
    """Moves an open referral on; a closed one (declined, done) stays closed: False."""
    changed = await db.execute(
        "UPDATE referrals SET status = ?, status_by = ?, status_at = ? WHERE id = ? AND status IN ('sent', 'accepted')"
        " AND status != ?",
        (status, user_id, to_db(now), referral_id, status),
    )
    return changed == 1
