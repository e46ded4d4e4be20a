"""Notices to families: the notice, the families it went to, and their confirmations or answers."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_db, to_db
from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.queries import answered_by_class
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class Notice:
    id: int
    school_id: int
    sender_id: int
    kind: str
    audience: str
    text: str
    media_kind: str | None
    media_file: str | None
    choices: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True)
class Family:
    """A bound parent in a notice's audience, with the class of (the first of) their children there."""

    user_id: int
    class_id: int
    language: str | None


@dataclass(frozen=True)
class ClassStatus:
    class_id: int
    class_label: str
    families: int
    answered: int
    waiting: tuple[str, ...]  # the names of the families still to answer


def _notice(r: sqlite3.Row) -> Notice:
    return Notice(
        r["id"], r["school_id"], r["sender_id"], r["kind"], r["audience"], r["text"], r["media_kind"],
        r["media_file"], tuple(json.loads(r["choices"] or "[]")), from_db(r["created_at"]),
    )  # fmt: skip


async def families(db: Database, scope: ChildFilter, *, left_behind_only: bool) -> list[Family]:
    """Active bound parents of the children of `scope` (both parents away only, if asked), one row each."""
    within, params = children_within(scope, child="ch.id", klass="ch.class_id")
    extra = " AND ch.parents_away = 'both'" if left_behind_only else ""
    rows = await db.fetchall(
        "SELECT g.user_id, MIN(ch.class_id) AS class_id, u.language FROM guardians g"
        " JOIN children ch ON ch.id = g.child_id JOIN users u ON u.id = g.user_id"
        f" WHERE g.unbound_at IS NULL AND {within}{extra} GROUP BY g.user_id ORDER BY g.user_id",
        params,
    )
    return [Family(row["user_id"], row["class_id"], row["language"]) for row in rows]


async def create(
    db: Database, *, school_id: int, sender_id: int, kind: str, audience: str, text: str,
    media_kind: str | None, media_file: str | None, choices: list[str], remind_at: datetime | None,
    recipients: list[Family], now: datetime,
) -> int:  # fmt: skip
    """Stores the notice and its recipients (inside the caller's transaction); returns its id."""
    notice_id = await db.insert(
        "INSERT INTO notices (school_id, sender_id, kind, audience, text, media_kind, media_file, choices,"
        " remind_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            school_id, sender_id, kind, audience, text, media_kind, media_file,
            json.dumps(choices, ensure_ascii=False) if choices else None,
            to_db(remind_at) if remind_at else None, to_db(now),
        ),
    )  # fmt: skip
    await db.executemany(
        "INSERT INTO notice_recipients (notice_id, user_id, class_id) VALUES (?, ?, ?)",
        ((notice_id, family.user_id, family.class_id) for family in recipients),
    )
    return notice_id


async def get(db: Database, notice_id: int) -> Notice | None:
    row = await db.fetchone("SELECT * FROM notices WHERE id = ?", (notice_id,))
    return None if row is None else _notice(row)


async def sent_by(db: Database, sender_id: int, limit: int) -> list[tuple[Notice, int, int]]:
    """The sender's latest notices with (families, answered)."""
    rows = await db.fetchall(
        "SELECT n.*, (SELECT COUNT(*) FROM notice_recipients r WHERE r.notice_id = n.id) AS families,"
        " (SELECT COUNT(*) FROM notice_recipients r WHERE r.notice_id = n.id AND r.answered_at IS NOT NULL)"
        " AS answered FROM notices n WHERE n.sender_id = ? ORDER BY n.id DESC LIMIT ?",
        (sender_id, limit),
    )
    return [(_notice(row), row["families"], row["answered"]) for row in rows]


async def answer(db: Database, notice_id: int, user_id: int, choice: int | None, now: datetime) -> str:
    """Records a family's confirmation or answer: 'done', 'again' (already answered: the first answer stands)
    or 'not_sent' (the notice did not go to them)."""
    changed = await db.execute(
        "UPDATE notice_recipients SET answered_at = ?, choice = ? WHERE notice_id = ? AND user_id = ?"
        " AND answered_at IS NULL",
        (to_db(now), choice, notice_id, user_id),
    )
    if changed:
        return "done"
    exists = await db.fetchval(
        "SELECT 1 FROM notice_recipients WHERE notice_id = ? AND user_id = ?", (notice_id, user_id)
    )
    return "again" if exists else "not_sent"


async def status(db: Database, notice_id: int) -> list[ClassStatus]:
    """Per class of the audience: families, how many answered, and who has not (by name)."""
    rows = await db.fetchall(
        "SELECT r.class_id, g.name || c.name AS label, r.answered_at, u.full_name FROM notice_recipients r"
        " JOIN classes c ON c.id = r.class_id JOIN grades g ON g.id = c.grade_id"
        " LEFT JOIN users u ON u.id = r.user_id WHERE r.notice_id = ? ORDER BY g.sort_order, c.name, u.full_name",
        (notice_id,),
    )
    return [ClassStatus(*line) for line in answered_by_class(rows, lambda row: row["full_name"])]


async def choice_counts(db: Database, notice_id: int) -> dict[int, int]:
    rows = await db.fetchall(
        "SELECT choice, COUNT(*) AS n FROM notice_recipients WHERE notice_id = ? AND choice IS NOT NULL"
        " GROUP BY choice",
        (notice_id,),
    )
    return {row["choice"]: row["n"] for row in rows}


async def due_reminders(db: Database, now: datetime) -> list[Notice]:
    rows = await db.fetchall(
        "SELECT * FROM notices WHERE reminded_at IS NULL AND remind_at IS NOT NULL AND remind_at <= ? ORDER BY id",
        (to_db(now),),
    )
    return [_notice(row) for row in rows]


async def unanswered(db: Database, notice_id: int) -> list[tuple[int, str | None]]:
    """(family, language) of those who have not answered yet."""
    rows = await db.fetchall(
        "SELECT r.user_id, u.language FROM notice_recipients r LEFT JOIN users u ON u.id = r.user_id"
        " WHERE r.notice_id = ? AND r.answered_at IS NULL ORDER BY r.user_id",
        (notice_id,),
    )
    return [(row["user_id"], row["language"]) for row in rows]


async def mark_reminded(db: Database, notice_id: int, now: datetime) -> None:
    await db.execute("UPDATE notices SET reminded_at = ? WHERE id = ?", (to_db(now), notice_id))


# --- the weekly update's acknowledgements ------------------------------------------------------------------


async def acknowledge_week(db: Database, user_id: int, week: str, now: datetime) -> bool:
    """True if this is the family's first ✅ for that week."""
    changed = await db.execute(
        "INSERT INTO weekly_acks (user_id, week, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (user_id, week, to_db(now)),
    )
    return changed == 1


async def weekly_read_rates(db: Database, scope: ChildFilter, weeks: list[str]) -> list[tuple[int, str, int, int]]:
    """(class, label, weekly updates sent to its families, acknowledged) over `weeks`, per class of `scope`."""
    if not weeks:
        return []
    within, params = children_within(scope, child="ch.id", klass="ch.class_id")
    marks = ",".join("?" * len(weeks))
    rows = await db.fetchall(
        "SELECT c.id, g.name || c.name AS label, COUNT(DISTINCT o.id) AS sent,"
        " COUNT(DISTINCT CASE WHEN a.user_id IS NOT NULL THEN o.id END) AS acked"
        " FROM outbox o JOIN guardians gu ON gu.user_id = o.recipient_id AND gu.unbound_at IS NULL"
        " JOIN children ch ON ch.id = gu.child_id JOIN classes c ON c.id = ch.class_id"
        " JOIN grades g ON g.id = c.grade_id"
        " LEFT JOIN weekly_acks a ON a.user_id = o.recipient_id AND a.week = o.dedup_key"
        f" WHERE o.kind = 'green.weekly' AND o.status = 'sent' AND o.dedup_key IN ({marks}) AND {within}"
        " GROUP BY c.id ORDER BY g.sort_order, c.name",
        (*weeks, *params),
    )
    return [(row["id"], row["label"], row["sent"], row["acked"]) for row in rows]


async def weekly_unread(db: Database, weeks: list[str]) -> list[tuple[int, int, int]]:
    """(family, child, class) of bound families sent every one of `weeks`' updates who acknowledged none."""
    marks = ",".join("?" * len(weeks))
    rows = await db.fetchall(
        "SELECT gu.user_id, gu.child_id, ch.class_id FROM guardians gu JOIN children ch ON ch.id = gu.child_id"
        " WHERE gu.unbound_at IS NULL AND (SELECT COUNT(DISTINCT o.dedup_key) FROM outbox o WHERE o.kind ="
        f" 'green.weekly' AND o.status = 'sent' AND o.recipient_id = gu.user_id AND o.dedup_key IN ({marks})) = ?"
        f" AND NOT EXISTS (SELECT 1 FROM weekly_acks a WHERE a.user_id = gu.user_id AND a.week IN ({marks}))"
        " ORDER BY gu.user_id, gu.child_id",
        (*weeks, len(weeks), *weeks),
    )
    return [(row["user_id"], row["child_id"], row["class_id"]) for row in rows]


async def last_ack(db: Database, user_id: int) -> str | None:
    value = await db.fetchval("SELECT MAX(week) FROM weekly_acks WHERE user_id = ?", (user_id,))
    return None if value is None else str(value)


async def week_of_message(db: Database, user_id: int, message_id: int) -> str | None:
    """The week of the weekly update that became Telegram message `message_id` to this family."""
    value = await db.fetchval(
        "SELECT dedup_key FROM outbox WHERE recipient_id = ? AND message_id = ? AND kind = 'green.weekly'",
        (user_id, message_id),
    )
    return None if value is None else str(value)


async def recent_weeks(db: Database, count: int) -> list[str]:
    """The latest `count` weeks a weekly update was sent in, newest first."""
    rows = await db.fetchall(
        "SELECT DISTINCT dedup_key FROM outbox WHERE kind = 'green.weekly' AND status = 'sent'"
        " ORDER BY dedup_key DESC LIMIT ?",
        (count,),
    )
    return [row["dedup_key"] for row in rows]


# --- answers in a family's own words, voice message or photo -------------------------------------------------


@dataclass(frozen=True)
class FreeAnswer:
    user_id: int
    name: str
    class_label: str
    text: str
    media_kind: str | None
    media_file: str | None
    seconds: int | None


async def answer_freely(
    db: Database, notice_id: int, user_id: int, *, text: str, media_kind: str | None, media_file: str | None,
    seconds: int | None, now: datetime,
) -> str:  # fmt: skip
    """Records a family's own answer: 'done', 'again' (the first answer stands) or 'not_sent'."""
    changed = await db.execute(
        "UPDATE notice_recipients SET answered_at = ?, answer_text = ?, answer_media_kind = ?, answer_media_file = ?,"
        " answer_seconds = ? WHERE notice_id = ? AND user_id = ? AND answered_at IS NULL",
        (to_db(now), text, media_kind, media_file, seconds, notice_id, user_id),
    )
    if changed:
        return "done"
    exists = await db.fetchval(
        "SELECT 1 FROM notice_recipients WHERE notice_id = ? AND user_id = ?", (notice_id, user_id)
    )
    return "again" if exists else "not_sent"


async def is_waiting(db: Database, notice_id: int, user_id: int) -> str:
    """'waiting' (the notice went to this family, no answer yet), 'again' or 'not_sent'."""
    row = await db.fetchone(
        "SELECT answered_at FROM notice_recipients WHERE notice_id = ? AND user_id = ?", (notice_id, user_id)
    )
    if row is None:
        return "not_sent"
    return "again" if row["answered_at"] else "waiting"


async def free_answers(db: Database, notice_id: int, user_id: int | None = None) -> list[FreeAnswer]:
    """The families' own answers (one family's, with `user_id`), by class, then name."""
    one = " AND r.user_id = ?" if user_id is not None else ""
    rows = await db.fetchall(
        "SELECT r.user_id, u.full_name, g.name || c.name AS label, r.answer_text, r.answer_media_kind,"
        " r.answer_media_file, r.answer_seconds FROM notice_recipients r JOIN classes c ON c.id = r.class_id"
        " JOIN grades g ON g.id = c.grade_id LEFT JOIN users u ON u.id = r.user_id"
        " WHERE r.notice_id = ? AND r.answered_at IS NOT NULL"
        f" AND (r.answer_text IS NOT NULL OR r.answer_media_file IS NOT NULL){one}"
        " ORDER BY g.sort_order, c.name, u.full_name",
        (notice_id, user_id) if user_id is not None else (notice_id,),
    )
    return [_free_answer(row) for row in rows]


def _free_answer(r: sqlite3.Row) -> FreeAnswer:
    return FreeAnswer(
        r["user_id"], r["full_name"] or "", r["label"], r["answer_text"] or "", r["answer_media_kind"],
        r["answer_media_file"], r["answer_seconds"],
    )  # fmt: skip
