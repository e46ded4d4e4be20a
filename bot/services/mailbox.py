"""The anonymous mailbox (倾诉信箱): anyone writes to the counsellors without revealing who they are.

How the writer stays anonymous, and how replies still reach them:
- The writer's Telegram id is never stored in clear. `writer_hash` = HMAC-SHA256(security.secret, id) finds a
  writer's own tickets (to answer in the same ticket, to see replies) and counts their messages for the rate
  limit. Without the secret a dump cannot be tested against a guessed id.
- To push a counsellor's reply, the bot must know the chat. It is kept in `writer_box`, sealed with Fernet
  (AES-128-CBC + HMAC) under a key derived from the same secret (HKDF, its own label), with a random IV, so two
  tickets of one writer do not even look alike. A database dump alone reveals nothing; the running bot can open
  the box only to send the reply, and never shows it to anyone.
- Nothing else about the writer is written: the writing step is a conversation kept in memory only (not in
  the persisted conversations or user data), the mailbox's updates write no user row and are not kept in the
  inbox (bot.handlers.mailbox.belongs_to_mailbox), the writer's acts are not in the audit log (the log would link
  the id to the mailbox), and replies to the writer are sent directly, not through the outbox (its rows name
  their recipient). A reply that cannot be delivered waits in the ticket: /mailbox shows it.
- A letter names the school whose counsellors read it. With one school that is the school; with several the
  writer picks theirs on a button (held in memory until the letter is written, like the writing step). The
  school is the only fact about a writer a ticket holds, and a school names no one.
- No time finer than a day is kept: a ticket's or a message's second could be matched with the second some
  person's row was written. The rate limit counts per day for the same reason. The notice that tells the
  counsellors of a letter is an outbox row (so it survives a crash), deleted once it is delivered.
The cost: anyone holding both the database and the secret can open the boxes. Rotating the secret cuts writers
off from their old tickets (their hash changes) — that is the price of not storing them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.domain.models import School
from bot.domain.roles import Access, Actor, may_do, scope_for
from bot.domain.safety import MAILBOX_PER_DAY, MAX_MAILBOX, is_urgent
from bot.domain.validation import InvalidInput, clean_text
from bot.services import AccessDenied, NotFound, Services
from bot.storage import audit
from bot.storage import mailbox as store
from bot.storage import schools as schools_store


class Unsendable(ValueError):
    """A letter or reply that cannot be sent as it is; the writer may try again."""


class EmptyMessage(Unsendable):
    """Nothing to send (only spaces)."""


class TooLong(Unsendable):
    """Over MAX_MAILBOX characters."""


class Unreadable(Unsendable):
    """Holds control characters (not something a person types; refused rather than silently dropped)."""


class RateLimited(Exception):
    """This writer sent MAILBOX_PER_DAY messages in the last day."""


@dataclass(frozen=True)
class Written:
    ticket_id: int
    number: str
    urgent: bool
    new_ticket: bool
    message_id: int
    school_id: int


@dataclass(frozen=True)
class LetterNotice:
    """A writer's message the counsellors must hear of: its ticket number only, never who wrote or what; and the
    school whose counsellors are told."""

    message_id: int
    ticket_id: int
    number: str
    urgent: bool
    school_id: int


def writer_hash(secret: str, user_id: int) -> str:
    return hmac.new(secret.encode(), f"mailbox-writer:{user_id}".encode(), hashlib.sha256).hexdigest()


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"shouwang-mailbox-box").derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, chat_id: int) -> bytes:
    return _fernet(secret).encrypt(str(chat_id).encode())


def unseal(secret: str, box: bytes) -> int | None:
    """The writer's chat id, or None if the box was sealed under another secret."""
    try:
        return int(_fernet(secret).decrypt(box).decode())
    except (InvalidToken, ValueError):
        return None


def _clean(text: str) -> str:
    """The letter as typed (full-width punctuation, emoji), line ends made LF and the ends trimmed."""
    try:
        return clean_text(text, max_length=MAX_MAILBOX)
    except InvalidInput as problem:
        raise {"invalid.empty": EmptyMessage, "invalid.too_long": TooLong}.get(problem.reason, Unreadable)() from None


def _today(services: Services) -> date:
    return services.now().astimezone(services.config.school.timezone).date()


async def _check_rate(services: Services, hashed: str) -> None:
    if await store.writer_messages_on(services.db, hashed, _today(services)) >= MAILBOX_PER_DAY:
        raise RateLimited


async def schools_to_pick(services: Services) -> list[School]:
    """The schools a writer picks from before a new letter; empty where the deployment has one school (the letter
    is that school's and nothing is asked)."""
    found = await schools_store.list_schools(services.db)
    return found if len(found) > 1 else []


async def _letter_school(services: Services, picked: int | None) -> int:
    """The school of a new letter: the one picked, or the one school there is."""
    if picked is None:
        if await schools_to_pick(services):
            raise AccessDenied  # several schools and none picked
        return schools_store.FIRST_SCHOOL
    if await schools_store.get_school(services.db, picked) is None:
        raise AccessDenied
    return picked


async def write(
    services: Services, user_id: int, text: str, ticket_id: int | None = None, *, school_id: int | None = None
) -> Written:
    """A writer's message: a new ticket for `school_id` (None: the one school there is), or an answer in their
    own ticket (anyone else's is refused). A school that is not there is refused (ids come from the client)."""
    body = _clean(text)
    letter_school = await _letter_school(services, school_id) if ticket_id is None else schools_store.FIRST_SCHOOL
    secret = services.config.security.secret
    hashed = writer_hash(secret, user_id)
    await _check_rate(services, hashed)
    urgent = is_urgent(body)
    today = _today(services)
    async with services.db.transaction():
        if ticket_id is None:
            number = secrets.token_hex(4).upper()
            ticket_id = await store.create_ticket(
                services.db, number=number, writer_hash=hashed, writer_box=seal(secret, user_id), today=today,
                school_id=letter_school,
            )  # fmt: skip
            new_ticket = True
            ticket_school = letter_school
        else:
            ticket = await store.get_ticket(services.db, ticket_id)
            if ticket is None or not hmac.compare_digest(ticket.writer_hash, hashed):
                # Not audited at all: even without the actor's id, the row's time could be matched with theirs.
                raise AccessDenied
            number, new_ticket, ticket_school = ticket.number, False, ticket.school_id
        message_id = await store.add_message(
            services.db,
            ticket_id=ticket_id,
            from_writer=True,
            counsellor_id=None,
            body=body,
            urgent=urgent,
            today=today,
            writer_box=None if new_ticket else seal(secret, user_id),
        )
    return Written(ticket_id, number, urgent, new_ticket, message_id, ticket_school)


async def unnotified(services: Services) -> list[LetterNotice]:
    """Writers' messages the counsellors were not told of yet (a crash after the letter leaves them here)."""
    return [
        LetterNotice(message.id, message.ticket_id, number, message.urgent, school_id)
        for message, number, school_id in await store.unnotified(services.db)
    ]


async def mark_notified(services: Services, notice: LetterNotice) -> bool:
    """Inside the transaction that queues the notices: True if this caller is the one to queue them."""
    return await store.mark_notified(services.db, notice.message_id)


async def my_tickets(services: Services, user_id: int) -> list[tuple[store.Ticket, list[store.MailboxMessage]]]:
    """The writer's own latest tickets with their messages (replies wait here if they could not be pushed)."""
    hashed = writer_hash(services.config.security.secret, user_id)
    tickets = await store.tickets_of_writer(services.db, hashed, limit=5)
    return [(t, await store.ticket_messages(services.db, t.id)) for t in tickets]


async def owns(services: Services, user_id: int, ticket_id: int) -> bool:
    ticket = await store.get_ticket(services.db, ticket_id)
    hashed = writer_hash(services.config.security.secret, user_id)
    return ticket is not None and hmac.compare_digest(ticket.writer_hash, hashed)


# --- counsellors ---------------------------------------------------------------------------------------------


async def _refused(services: Services, actor: Actor, detail: str) -> AccessDenied:
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action="mailbox.denied", child_id=None,
        detail=detail,
    )  # fmt: skip
    return AccessDenied()


async def _counsellor_only(services: Services, actor: Actor, detail: str) -> None:
    if not may_do(actor, Access.READ_MAILBOX):
        raise await _refused(services, actor, detail)


def reading_schools(actor: Actor) -> frozenset[int]:
    """The schools whose letters the actor reads: those they are a counsellor of."""
    return scope_for(actor, Access.READ_MAILBOX).school_ids


async def _school_ticket(services: Services, actor: Actor, ticket_id: int, detail: str) -> store.Ticket:
    """The ticket, for a counsellor of its school; another school's letter is refused as if it were not theirs."""
    await _counsellor_only(services, actor, detail)
    ticket = await store.get_ticket(services.db, ticket_id)
    if ticket is None:
        raise NotFound
    if ticket.school_id not in reading_schools(actor):
        raise await _refused(services, actor, detail)
    return ticket


async def open_tickets(
    services: Services, actor: Actor, *, limit: int, offset: int = 0
) -> tuple[list[store.Ticket], int]:
    await _counsellor_only(services, actor, "list")
    return await store.open_tickets(services.db, reading_schools(actor), limit=limit, offset=offset)


async def read_ticket(
    services: Services, actor: Actor, ticket_id: int
) -> tuple[store.Ticket, list[store.MailboxMessage]]:
    ticket = await _school_ticket(services, actor, ticket_id, f"ticket={ticket_id}")
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action="mailbox.read", child_id=None,
        detail=f"ticket={ticket_id}",
    )  # fmt: skip
    return ticket, await store.ticket_messages(services.db, ticket_id)


async def reply(services: Services, actor: Actor, ticket_id: int, text: str) -> tuple[store.Ticket, int | None, str]:
    """Stores a counsellor's reply; returns the ticket, the writer's chat id to push it to (None: cannot) and the
    reply as stored."""
    body = _clean(text)
    ticket = await _school_ticket(services, actor, ticket_id, f"reply={ticket_id}")
    now = services.now()
    async with services.db.transaction():
        await store.add_message(
            services.db, ticket_id=ticket_id, from_writer=False, counsellor_id=actor.user_id, body=body,
            urgent=False, today=_today(services),
        )  # fmt: skip
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="mailbox.reply", child_id=None,
            detail=f"ticket={ticket_id}",
        )  # fmt: skip
    return ticket, unseal(services.config.security.secret, ticket.writer_box), body


async def close(services: Services, actor: Actor, ticket_id: int) -> bool:
    await _school_ticket(services, actor, ticket_id, f"close={ticket_id}")
    closed = await store.close_ticket(services.db, ticket_id, _today(services))
    if closed:
        await audit.record(
            services.db, at=services.now(), actor_id=actor.user_id, action="mailbox.close", child_id=None,
            detail=f"ticket={ticket_id}",
        )  # fmt: skip
    return closed


async def paper_schools(services: Services, actor: Actor) -> list[School]:
    """The schools whose paper letters the actor may type in: those they read the letters of."""
    found = await schools_store.list_schools(services.db)
    return [school for school in found if school.id in reading_schools(actor)]


async def enter_paper(services: Services, actor: Actor, school_id: int, text: str) -> Written:
    """A paper letter from the school's physical mailbox, typed in by one of its counsellors: a ticket like any
    other (urgent words flag it), whose writer is no one: a random hash no person's id gives, an empty box (a reply
    cannot be pushed), the message the writer's and not the counsellor's. The entry is audited, without its words."""
    body = _clean(text)
    await _counsellor_only(services, actor, f"paper={school_id}")
    if school_id not in reading_schools(actor):
        raise await _refused(services, actor, f"paper={school_id}")
    urgent = is_urgent(body)
    today = _today(services)
    number = secrets.token_hex(4).upper()
    async with services.db.transaction():
        ticket_id = await store.create_ticket(
            services.db, number=number, writer_hash=secrets.token_hex(32), writer_box=b"", today=today,
            school_id=school_id, paper=True,
        )  # fmt: skip
        message_id = await store.add_message(
            services.db, ticket_id=ticket_id, from_writer=True, counsellor_id=None, body=body, urgent=urgent,
            today=today,
        )  # fmt: skip
        await audit.record(
            services.db, at=services.now(), actor_id=actor.user_id, action="mailbox.paper", child_id=None,
            detail=f"ticket={ticket_id}",
        )  # fmt: skip
    return Written(ticket_id, number, urgent, True, message_id, school_id)


async def counsellor_ids(services: Services, school_id: int) -> list[int]:
    """Who hears of a letter to `school_id`: that school's counsellors."""
    return await store.counsellor_ids(services.db, school_id)
