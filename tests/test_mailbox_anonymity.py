"""The mailbox's promise (不会知道你是谁) holds for the database file itself, not only for the screens.

Two writers — a student never seen before and a bound parent — write, get a counsellor's reply and answer it.
Then every column of every table, and the raw bytes of the database and its WAL, are read: nothing written
while they used the mailbox names them, and no stored time dates their letters finer than a day.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.jobs.mailbox import notify
from bot.storage import db as db_module
from bot.storage.db import Database
from tests.green_fixture import drain
from tests.harness import Harness
from tests.test_safety_school import ADMIN_IDS, COUNSELLOR_ID, PARENT_ID, School, build_school

STUDENT_ID, STUDENT_NAME = 777123456, "小同学"
PARENT_NAME = "张妈妈"
TIME_OF_DAY = re.compile(r"\d{2}:\d{2}")

Rows = dict[str, set[tuple[Any, ...]]]


@pytest.fixture
async def school(tmp_path: Path) -> School:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        yield await build_school(h)  # type: ignore[misc]


def every_row(db_file: Path) -> Rows:
    conn = sqlite3.connect(db_file)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: set(conn.execute(f'SELECT * FROM "{t}"')) for t in tables}
    finally:
        conn.close()


def mentions(row: tuple[Any, ...], needles: list[str]) -> bool:
    text = " ".join(str(v) for v in row)
    return any(n in text for n in needles)


class FakeJobContext:
    def __init__(self, h: Harness) -> None:
        self.application = h.app


async def settle(school: School) -> None:
    """What the bot does between updates: the mailbox job, the sender, persistence."""
    await notify(FakeJobContext(school.h))
    await drain(school.h)
    await notify(FakeJobContext(school.h))
    await school.h.app.update_persistence()


async def test_nothing_in_the_file_links_a_writer_to_a_letter(school: School) -> None:
    h = school.h
    db_file = h.config.storage.database
    await settle(school)
    await h.db.checkpoint()  # the WAL from here on holds only what the mailbox's use wrote
    before = every_row(db_file)

    student = h.user(STUDENT_ID, STUDENT_NAME)
    parent = school.people["parent"]
    for writer, letter in ((student, "我最近很想爸爸妈妈，晚上睡不着。"), (parent, "孩子爸爸喝酒后会打人，我不敢说。")):
        await writer.send("/mailbox")
        await writer.press("写一封信")
        await writer.send(letter)
        assert "已送到" in writer.last_text
    await settle(school)
    counsellor = school.people["counsellor"]
    ticket_ids = [r["id"] for r in await h.fetchall("SELECT id FROM mailbox_tickets ORDER BY id")]
    assert len(ticket_ids) == 2
    for ticket_id in ticket_ids:
        await counsellor.send("/mailbox")
        await counsellor.press_data(f"mb:t:{ticket_id}", message=counsellor.last)
        await counsellor.press("回复")
        await counsellor.send("谢谢你告诉我，我们可以慢慢说。")
        assert "已送达" in counsellor.last_text
    for writer in (student, parent):
        assert "心理辅导老师回复了你的信" in writer.last_text
        await writer.press("继续写")
        await writer.send("谢谢老师。")
        assert "已送到" in writer.last_text
        await writer.send("/mailbox")  # and reads the conversation again
    await settle(school)
    notices = [m for m in h.api.messages(COUNSELLOR_ID) if "倾诉信箱收到新信" in m.text]
    assert len(notices) == 4  # every letter and answer reached the counsellor

    after = every_row(db_file)
    student_marks = [str(STUDENT_ID), STUDENT_NAME]
    parent_marks = [str(PARENT_ID), PARENT_NAME]
    # The student, never seen before, is nowhere; the parent only where they already were.
    for table, rows in after.items():
        assert not [r for r in rows if mentions(r, student_marks)], table
        new_or_changed = rows - before.get(table, set())
        assert not [r for r in new_or_changed if mentions(r, parent_marks)], table
        gone = before.get(table, set()) - rows
        assert not [r for r in gone if mentions(r, parent_marks)], table
    # The mailbox keeps days, not times; no notice of a letter is left in the outbox.
    for table in ("mailbox_tickets", "mailbox_messages"):
        for row in after[table]:
            assert not [v for v in row if isinstance(v, str) and TIME_OF_DAY.search(v)], (table, row)
    assert not [r for r in after["outbox"] if r[2] == "mailbox"]
    # Nothing written while they wrote carries a time but the counsellor's own acts (audited, by the counsellor).
    written = {t: rows - before.get(t, set()) for t, rows in after.items()}
    audit_actors = {r[2] for r in written["audit_log"]}
    assert audit_actors <= {COUNSELLOR_ID}, audit_actors
    for table in ("users", "ptb_user_data", "ptb_chat_data", "ptb_conversations"):
        assert not [r for r in written[table] if not mentions(r, [str(COUNSELLOR_ID)])], table
    # The raw bytes: neither the file nor its WAL holds the student, and the WAL holds nothing of the parent.
    wal = db_file.with_name(db_file.name + "-wal")
    raw = db_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for mark in student_marks:
        assert mark.encode() not in raw
    wal_bytes = wal.read_bytes() if wal.exists() else b""
    for mark in parent_marks:
        assert mark.encode() not in wal_bytes


async def test_upgrading_forgets_strangers_and_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database from before keeps its people with a role or a child, and its letters by their day."""
    db_file = tmp_path / "old.db"
    every_migration = db_module.migration_files()
    monkeypatch.setattr(db_module, "migration_files", lambda: [m for m in every_migration if m[0] < "0009"])
    old = await Database.open(db_file)
    for sql in (
        "INSERT INTO users (id, full_name, created_at) VALUES (1, '王校长', '2026-09-01T08:00:00Z')",
        "INSERT INTO staff_roles (user_id, role, granted_at) VALUES (1, 'admin', '2026-09-01T08:00:00Z')",
        "INSERT INTO users (id, full_name, created_at) VALUES (2, '小同学', '2026-10-09T11:42:17Z')",
        "INSERT INTO users (id, full_name, language, created_at) VALUES (3, 'Tom', 'en', '2026-10-09T11:42:17Z')",
        "INSERT INTO mailbox_tickets (id, number, writer_hash, writer_box, created_at, updated_at)"
        " VALUES (1, 'AB12CD34', 'h', x'00', '2026-10-09T11:42:17Z', '2026-10-09T12:00:00Z')",
        "INSERT INTO mailbox_messages (ticket_id, from_writer, body, created_at)"
        " VALUES (1, 1, '信', '2026-10-09T11:42:17Z')",
    ):
        await old.execute(sql)
    await old.close()
    monkeypatch.setattr(db_module, "migration_files", lambda: every_migration)
    db = await Database.open(db_file)
    try:
        users = {r["id"]: r["full_name"] for r in await db.fetchall("SELECT id, full_name FROM users")}
        assert users == {1: "王校长", 3: ""}
        ticket = await db.fetchone("SELECT created_on, updated_on FROM mailbox_tickets")
        assert ticket is not None and tuple(ticket) == ("2026-10-09", "2026-10-09")
        assert await db.fetchval("SELECT created_on FROM mailbox_messages") == "2026-10-09"
        assert await db.fetchval("SELECT notified FROM mailbox_messages") == 1  # told when it was written
    finally:
        await db.close()
    wal = db_file.with_name(db_file.name + "-wal")
    raw = db_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert "小同学".encode() not in raw and b"11:42:17" not in raw
