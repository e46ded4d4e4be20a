"""Voice letters (亲情语音信): a child's voice message for the parents, and the parents' answers kept until the
child hears them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_db, to_db
from bot.storage.columns import optional_datetime
from bot.storage.db import Database
from bot.storage.queries import Rows, among, reader


@dataclass(frozen=True)
class Letter:
    id: int
    child_id: int
    sender_id: int
    file_id: str
    seconds: int
    families: int
    created_at: datetime


@dataclass(frozen=True)
class LetterAnswer:
    id: int
    letter_id: int
    parent_id: int
    parent_name: str
    text: str
    media_kind: str | None
    media_file: str | None
    media_seconds: int | None
    created_at: datetime
    heard_at: datetime | None


_LETTERS = Rows("SELECT * FROM voice_letters", reader(Letter, created_at=from_db))
_ANSWERS = Rows(
    "SELECT a.*, COALESCE(u.full_name, '') AS parent_name FROM voice_letter_answers a"
    " LEFT JOIN users u ON u.id = a.parent_id",
    reader(LetterAnswer, created_at=from_db, heard_at=optional_datetime),
)


async def create(
    db: Database, *, child_id: int, sender_id: int, file_id: str, seconds: int, families: int, now: datetime
) -> int:
    return await db.insert(
        "INSERT INTO voice_letters (child_id, sender_id, file_id, seconds, families, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (child_id, sender_id, file_id, seconds, families, to_db(now)),
    )


async def get(db: Database, letter_id: int) -> Letter | None:
    return await _LETTERS.one(db, "WHERE id = ?", (letter_id,))


async def add_answer(
    db: Database, *, letter_id: int, parent_id: int, text: str, media_kind: str | None, media_file: str | None,
    media_seconds: int | None, now: datetime,
) -> int:  # fmt: skip
    return await db.insert(
        "INSERT INTO voice_letter_answers (letter_id, parent_id, text, media_kind, media_file, media_seconds,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (letter_id, parent_id, text, media_kind, media_file, media_seconds, to_db(now)),
    )


async def get_answer(db: Database, answer_id: int) -> LetterAnswer | None:
    return await _ANSWERS.one(db, "WHERE a.id = ?", (answer_id,))


async def for_child(db: Database, child_id: int, limit: int) -> list[tuple[Letter, list[LetterAnswer]]]:
    """The child's latest letters, newest first, each with its answers (oldest first)."""
    letters = await _LETTERS.all(db, "WHERE child_id = ? ORDER BY id DESC LIMIT ?", (child_id, limit))
    if not letters:
        return []
    of_letters, ids = among("a.letter_id", {letter.id for letter in letters})
    answers = await _ANSWERS.all(db, f"WHERE {of_letters} ORDER BY a.id", ids)
    return [(letter, [a for a in answers if a.letter_id == letter.id]) for letter in letters]


async def counts(db: Database, child_id: int) -> tuple[int, int]:
    """(letters sent, answers still waiting for the child to hear) of a child."""
    row = await db.fetchone(
        "SELECT (SELECT COUNT(*) FROM voice_letters WHERE child_id = :child) AS letters,"
        " (SELECT COUNT(*) FROM voice_letter_answers a JOIN voice_letters l ON l.id = a.letter_id"
        " WHERE l.child_id = :child AND a.heard_at IS NULL) AS waiting",
        {"child": child_id},
    )
    return (int(row["letters"]), int(row["waiting"])) if row else (0, 0)


async def mark_heard(db: Database, answer_id: int, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE voice_letter_answers SET heard_at = ? WHERE id = ? AND heard_at IS NULL", (to_db(now), answer_id)
    )
    return changed == 1


async def letter_of_message(db: Database, parent_id: int, message_id: int) -> int | None:
    """The letter that became Telegram message `message_id` to this parent (a reply to it answers the letter)."""
    value = await db.fetchval(
        "SELECT dedup_key FROM outbox WHERE recipient_id = ? AND message_id = ? AND kind = 'voice.letter'",
        (parent_id, message_id),
    )
    return None if value is None else int(value)
