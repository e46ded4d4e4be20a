"""The anonymous mailbox's tickets and messages. Dates only, never times: see bot/services/mailbox.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.storage.db import Database
from bot.storage.queries import Rows, among, reader


@dataclass(frozen=True)
class Ticket:
    id: int
    number: str
    writer_hash: str
    writer_box: bytes
    urgent: bool
    status: str
    updated_on: date
    school_id: int  # whose counsellors read it (a school names no writer)
    paper: bool = False  # typed in by a counsellor from the physical mailbox: no one to push a reply to


@dataclass(frozen=True)
class MailboxMessage:
    id: int
    ticket_id: int
    from_writer: bool
    body: str
    urgent: bool
    created_on: date


_TICKETS = Rows(
    "SELECT * FROM mailbox_tickets",
    reader(Ticket, writer_box=bytes, urgent=bool, updated_on=date.fromisoformat, paper=bool),
)
_message = reader(MailboxMessage, from_writer=bool, urgent=bool, created_on=date.fromisoformat)


async def create_ticket(
    db: Database, *, number: str, writer_hash: str, writer_box: bytes, today: date, school_id: int,
    paper: bool = False,
) -> int:  # fmt: skip
    return await db.insert(
        "INSERT INTO mailbox_tickets (number, writer_hash, writer_box, created_on, updated_on, school_id, paper)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (number, writer_hash, writer_box, today.isoformat(), today.isoformat(), school_id, int(paper)),
    )


async def add_message(
    db: Database,
    *,
    ticket_id: int,
    from_writer: bool,
    counsellor_id: int | None,
    body: str,
    urgent: bool,
    today: date,
    writer_box: bytes | None = None,
) -> int:
    """Adds a message; a writer's message re-opens the ticket, refreshes the sealed chat id, may mark it urgent
    and waits for the counsellors to be told of it (`notified = 0`)."""
    message_id = await db.insert(
        "INSERT INTO mailbox_messages (ticket_id, from_writer, counsellor_id, body, urgent, created_on, notified)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ticket_id, int(from_writer), counsellor_id, body, int(urgent), today.isoformat(), int(not from_writer)),
    )
    await db.execute(
        "UPDATE mailbox_tickets SET updated_on = ?, urgent = MAX(urgent, ?), "
        "status = CASE WHEN ? THEN 'open' ELSE status END, writer_box = COALESCE(?, writer_box) WHERE id = ?",
        (today.isoformat(), int(urgent), int(from_writer), writer_box, ticket_id),
    )
    return message_id


async def get_ticket(db: Database, ticket_id: int) -> Ticket | None:
    return await _TICKETS.one(db, "WHERE id = ?", (ticket_id,))


async def tickets_of_writer(db: Database, writer_hash: str, *, limit: int = 10) -> list[Ticket]:
    return await _TICKETS.all(
        db, "WHERE writer_hash = ? ORDER BY updated_on DESC, id DESC LIMIT ?", (writer_hash, limit)
    )


async def open_tickets(
    db: Database, school_ids: frozenset[int], *, limit: int, offset: int = 0
) -> tuple[list[Ticket], int]:
    """Open tickets of these schools for their counsellors: urgent first, then the longest waiting."""
    schools, params = among("school_id", school_ids)
    page = await _TICKETS.all(
        db,
        f"WHERE {schools} AND status = 'open' ORDER BY urgent DESC, updated_on, id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    total = await db.fetchval(f"SELECT COUNT(*) FROM mailbox_tickets WHERE {schools} AND status = 'open'", params)
    return page, int(total or 0)


async def ticket_messages(db: Database, ticket_id: int) -> list[MailboxMessage]:
    rows = await db.fetchall("SELECT * FROM mailbox_messages WHERE ticket_id = ? ORDER BY id", (ticket_id,))
    return [_message(r) for r in rows]


async def writer_messages_on(db: Database, writer_hash: str, day: date) -> int:
    """How many messages this writer sent on that day (the rate limit counts per day: no finer time is kept)."""
    value = await db.fetchval(
        "SELECT COUNT(*) FROM mailbox_messages m JOIN mailbox_tickets t ON t.id = m.ticket_id "
        "WHERE t.writer_hash = ? AND m.from_writer = 1 AND m.created_on = ?",
        (writer_hash, day.isoformat()),
    )
    return int(value or 0)


async def unnotified(db: Database) -> list[tuple[MailboxMessage, str, int]]:
    """Writers' messages the counsellors have not been told of yet, with their ticket's number and school."""
    rows = await db.fetchall(
        "SELECT m.*, t.number, t.school_id FROM mailbox_messages m JOIN mailbox_tickets t ON t.id = m.ticket_id "
        "WHERE m.notified = 0 ORDER BY m.id"
    )
    return [(_message(r), r["number"], r["school_id"]) for r in rows]


async def mark_notified(db: Database, message_id: int) -> bool:
    """True for the one caller that marks it (a job and a handler may race for the same message)."""
    return await db.execute("UPDATE mailbox_messages SET notified = 1 WHERE id = ? AND notified = 0", (message_id,)) > 0


async def close_ticket(db: Database, ticket_id: int, today: date) -> bool:
    changed = await db.execute(
        "UPDATE mailbox_tickets SET status = 'closed', updated_on = ? WHERE id = ? AND status = 'open'",
        (today.isoformat(), ticket_id),
    )
    return changed > 0


async def counsellor_ids(db: Database, school_id: int) -> list[int]:
    """The counsellors of one school: only they hear of its letters."""
    rows = await db.fetchall(
        "SELECT DISTINCT user_id FROM staff_roles WHERE role = 'counsellor' AND school_id = ? ORDER BY user_id",
        (school_id,),
    )
    return [r["user_id"] for r in rows]
