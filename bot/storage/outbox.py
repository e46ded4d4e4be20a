"""The durable outbox: every scheduled or routine message is written here before anyone tries to send it.

Rows are unique per (recipient_id, kind, dedup_key), so the same reminder for the same period can never be
queued twice, whatever the number of ticks, restarts or double taps. The one sender (bot/jobs/outbox.py)
claims a row, sends it, and marks it; see that module for what happens across a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.clock import from_db, to_db
from bot.storage.db import Database
from bot.storage.queries import Rows, reader

QUEUED = "queued"
SENDING = "sending"
SENT = "sent"
SKIPPED = "skipped"
FAILED = "failed"
UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class OutboxRow:
    id: int
    recipient_id: int
    kind: str
    dedup_key: str
    text: str
    markup: dict[str, Any] | None
    urgent: bool
    not_before: datetime
    created_at: datetime
    status: str
    attempts: int
    reason: str | None
    school_id: int | None = None  # whose quiet hours a routine row keeps (None: the config's)
    media: dict[str, str] | None = None  # parents: {"kind": photo|document|voice, "file_id": ...}, text its caption


def _json(value: str | None) -> Any:
    return json.loads(value) if value else None


_OUTBOX = Rows(
    "SELECT * FROM outbox",
    reader(OutboxRow, markup=_json, urgent=bool, not_before=from_db, created_at=from_db, media=_json),
)


async def enqueue(
    db: Database,
    *,
    recipient_id: int,
    kind: str,
    dedup_key: str,
    text: str,
    markup: dict[str, Any] | None = None,
    urgent: bool = False,
    not_before: datetime | None = None,
    now: datetime,
    school_id: int | None = None,
) -> bool:
    """Queues one message (HTML text, inline keyboard as a Bot API dict); False if (recipient, kind, dedup_key)
    was already queued — the same reminder can never be queued twice. Urgent messages ignore quiet hours and
    are sent before routine ones; routine ones keep the quiet hours of `school_id` (None: the config's)."""
    due = to_db(not_before or now)
    changed = await db.execute(
        "INSERT INTO outbox (recipient_id, kind, dedup_key, text, markup, urgent, not_before, created_at,"
        " next_attempt_at, school_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (recipient_id, kind, dedup_key) DO NOTHING",
        (
            recipient_id,
            kind,
            dedup_key,
            text,
            json.dumps(markup, ensure_ascii=False) if markup else None,
            int(urgent),
            due,
            to_db(now),
            due,
            school_id,
        ),
    )
    return changed == 1


async def enqueue_many(
    db: Database,
    *,
    kind: str,
    dedup_key: str,
    messages: list[tuple[int, str, dict[str, Any] | None]],
    not_before: datetime | None = None,
    now: datetime,
    school_id: int | None = None,
) -> int:
    """Queues many routine messages of one kind and period at once: (recipient, text, markup) each, keeping the
    quiet hours of `school_id`; rows already queued for (recipient, kind, dedup_key) are left alone. Returns how
    many were new."""
    due = to_db(not_before or now)
    created = to_db(now)
    sql = "SELECT COUNT(*) FROM outbox WHERE kind = ? AND dedup_key = ?"
    async with db.transaction():
        before = int(await db.fetchval(sql, (kind, dedup_key)))
        await db.executemany(
            "INSERT INTO outbox (recipient_id, kind, dedup_key, text, markup, urgent, not_before, created_at,"
            " next_attempt_at, school_id) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)"
            " ON CONFLICT (recipient_id, kind, dedup_key) DO NOTHING",
            (
                (recipient, kind, dedup_key, text, json.dumps(markup, ensure_ascii=False) if markup else None, due,
                 created, due, school_id)
                for recipient, text, markup in messages
            ),
        )  # fmt: skip
        after = int(await db.fetchval(sql, (kind, dedup_key)))
    return after - before


async def ready(db: Database, now: datetime, limit: int) -> list[OutboxRow]:
    """Queued rows whose time has come: urgent first, then oldest due first."""
    return await _OUTBOX.all(
        db,
        "WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY urgent DESC, next_attempt_at, id LIMIT ?",
        (to_db(now), limit),
    )


async def queued_keys(db: Database, kind: str) -> set[tuple[int, str]]:
    """(recipient, dedup key) of every row of one kind ever queued: what a tick need not queue again."""
    rows = await db.fetchall("SELECT recipient_id, dedup_key FROM outbox WHERE kind = ?", (kind,))
    return {(row["recipient_id"], row["dedup_key"]) for row in rows}


async def has_ready(db: Database, now: datetime) -> bool:
    value = await db.fetchval(
        "SELECT 1 FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? LIMIT 1", (to_db(now),)
    )
    return value is not None


async def claim(db: Database, row_id: int, now: datetime) -> bool:
    """queued -> sending, committed before the send; False if someone else already took it."""
    changed = await db.execute(
        "UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1"
        " WHERE id = ? AND status = 'queued'",
        (to_db(now), row_id),
    )
    return changed == 1


async def mark_sent(db: Database, row_id: int, now: datetime, message_id: int | None) -> None:
    await db.execute(
        "UPDATE outbox SET status = 'sent', done_at = ?, message_id = ?, reason = NULL WHERE id = ?",
        (to_db(now), message_id, row_id),
    )


async def mark_done(db: Database, row_id: int, status: str, reason: str, now: datetime) -> None:
    """Ends a row without sending it (skipped / failed), recording why."""
    await db.execute(
        "UPDATE outbox SET status = ?, done_at = ?, reason = ? WHERE id = ?", (status, to_db(now), reason, row_id)
    )


async def forget(db: Database, row_id: int) -> None:
    await db.execute("DELETE FROM outbox WHERE id = ?", (row_id,))


async def forget_done(db: Database, kind: str) -> int:
    """Deletes a kind's rows that are done, whatever the outcome; returns how many."""
    return await db.execute("DELETE FROM outbox WHERE kind = ? AND status NOT IN ('queued', 'sending')", (kind,))


async def skip_stale(db: Database, now: datetime, max_age: timedelta) -> int:
    """Marks every queued routine row that fell due more than `max_age` ago as skipped ('stale'), in one statement;
    returns how many. After downtime there can be tens of thousands: one by one they would hold up replies."""
    return await db.execute(
        "UPDATE outbox SET status = 'skipped', done_at = ?, reason = 'stale'"
        " WHERE status = 'queued' AND urgent = 0 AND not_before < ?",
        (to_db(now), to_db(now - max_age)),
    )


async def release(db: Database, row_id: int, at: datetime, reason: str, *, count_attempt: bool = True) -> None:
    """sending -> queued again, to be tried at `at` (after a 429, a network error or a 5xx)."""
    await db.execute(
        "UPDATE outbox SET status = 'queued', next_attempt_at = ?, reason = ?, attempts = attempts - ? WHERE id = ?",
        (to_db(at), reason, 0 if count_attempt else 1, row_id),
    )


async def defer(db: Database, row_id: int, at: datetime, reason: str) -> None:
    """A queued row waits (quiet hours, the chat's one-a-second limit) without counting an attempt."""
    await db.execute(
        "UPDATE outbox SET next_attempt_at = ?, reason = ? WHERE id = ? AND status = 'queued'",
        (to_db(at), reason, row_id),
    )


async def recover(db: Database, now: datetime) -> tuple[int, int]:
    """At start-up: rows left in 'sending' by a stopped process. Routine ones become 'uncertain' (never re-sent:
    at most once); urgent ones are queued again (at least once). Returns (uncertain, requeued)."""
    async with db.transaction():
        requeued = await db.execute(
            "UPDATE outbox SET status = 'queued', next_attempt_at = ?, reason = 'restarted'"
            " WHERE status = 'sending' AND urgent = 1",
            (to_db(now),),
        )
        uncertain = await db.execute(
            "UPDATE outbox SET status = 'uncertain', done_at = ?, reason = 'stopped_while_sending'"
            " WHERE status = 'sending'",
            (to_db(now),),
        )
    return uncertain, requeued


async def get(db: Database, row_id: int) -> OutboxRow | None:
    return await _OUTBOX.one(db, "WHERE id = ?", (row_id,))


async def find(db: Database, *, recipient_id: int | None = None, kind: str | None = None) -> list[OutboxRow]:
    """Rows by recipient and/or kind, oldest first (tests, staff views)."""
    clauses: list[str] = ["1"]
    params: list[Any] = []
    if recipient_id is not None:
        clauses.append("recipient_id = ?")
        params.append(recipient_id)
    if kind is not None:
        clauses.append("kind = ?")
        params.append(kind)
    return await _OUTBOX.all(db, f"WHERE {' AND '.join(clauses)} ORDER BY id", params)


async def backlog(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM outbox WHERE status = 'queued'"))


async def oldest_due(db: Database, now: datetime) -> datetime | None:
    """When the longest-waiting queued row whose time has come fell due (None: nothing is due)."""
    value = await db.fetchval(
        "SELECT MIN(not_before) FROM outbox WHERE status = 'queued' AND next_attempt_at <= ?", (to_db(now),)
    )
    return None if value is None else from_db(value)


async def kind_of_sent_message(db: Database, recipient_id: int, message_id: int, kinds: tuple[str, ...]) -> str | None:
    """The kind of the outbox row that became Telegram message `message_id` to this person, if it is one of `kinds`."""
    marks = ", ".join("?" for _ in kinds)
    value = await db.fetchval(
        f"SELECT kind FROM outbox WHERE recipient_id = ? AND message_id = ? AND kind IN ({marks})",
        (recipient_id, message_id, *kinds),
    )
    return None if value is None else str(value)


async def last_sent_to(db: Database, recipient_id: int) -> datetime | None:
    value = await db.fetchval(
        "SELECT MAX(done_at) FROM outbox WHERE recipient_id = ? AND status = 'sent'", (recipient_id,)
    )
    return None if value is None else from_db(value)


async def recipient_state(db: Database, recipient_id: int) -> tuple[str, bool] | None:
    """(status, opted out) of a message's recipient, None if they are not stored: what decides whether it goes."""
    row = await db.fetchone("SELECT status, opted_out FROM users WHERE id = ?", (recipient_id,))
    return None if row is None else (str(row["status"]), bool(row["opted_out"]))


async def mark_unreachable(db: Database, recipient_id: int) -> None:
    """The recipient blocked the bot: their routine messages are skipped until they write again."""
    await db.execute("UPDATE users SET status = 'unreachable' WHERE id = ?", (recipient_id,))


def backoff(attempts: int) -> timedelta:
    """Network errors and 5xx: 5 s, 10 s, 20 s ... at most 30 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 1800))


# --- parents: notices with a photo, document or voice message ------------------------------------------------


async def enqueue_notices(
    db: Database,
    *,
    kind: str,
    dedup_key: str,
    school_id: int,
    messages: list[tuple[int, str, dict[str, Any] | None]],
    media: dict[str, str] | None,
    now: datetime,
) -> int:
    """As enqueue_many, inside the caller's transaction, each row carrying `media` (sent by its file_id with the
    text as its caption) and the school whose quiet hours it keeps. Returns how many were new."""
    stored = to_db(now)
    media_json = json.dumps(media) if media else None
    new = 0
    for recipient, text, markup in messages:
        new += await db.execute(
            "INSERT INTO outbox (recipient_id, kind, dedup_key, text, markup, urgent, not_before, created_at,"
            " next_attempt_at, school_id, media) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)"
            " ON CONFLICT (recipient_id, kind, dedup_key) DO NOTHING",
            (recipient, kind, dedup_key, text, json.dumps(markup, ensure_ascii=False) if markup else None, stored,
             stored, stored, school_id, media_json),
        )  # fmt: skip
    return new
