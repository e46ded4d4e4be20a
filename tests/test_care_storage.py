"""The care schema: children already in the archive get their "enrolled" event when 0002 is applied, new ones get
it from the trigger, the current-status view follows the latest event, and the schema refuses bad rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage import db as db_module
from bot.storage.db import Database

NOW = "2026-03-01T17:30:00+00:00"  # 2 March 01:30 in Shanghai; the UTC date is 1 March


async def _seed_child(db: Database, child_id: int, created_at: str = NOW) -> None:
    await db.execute("INSERT OR IGNORE INTO users (id, full_name, created_at) VALUES (1, 'x', ?)", (NOW,))
    await db.execute("INSERT OR IGNORE INTO grades (id, name) VALUES (1, 'g')")
    columns = {r["name"] for r in await db.fetchall("PRAGMA table_info(classes)")}
    school = ("school_id, ", "1, ") if "school_id" in columns else ("", "")  # the schema as it was, or as it is
    await db.execute(f"INSERT OR IGNORE INTO classes (id, {school[0]}grade_id, name) VALUES (1, {school[1]}1, 'c')")
    await db.execute(
        "INSERT INTO children (id, name, sex, birth_date, class_id, parents_away, created_by, created_at, updated_at)"
        " VALUES (?, 'n', 'male', '2015-01-01', 1, 'both', 1, ?, ?)",
        (child_id, created_at, created_at),
    )


async def test_existing_children_are_backfilled_and_new_ones_get_the_trigger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = db_module.migration_files()
    monkeypatch.setattr(db_module, "migration_files", lambda: [m for m in every if m[0] < "0002"])
    db = await Database.open(tmp_path / "a.db")
    await _seed_child(db, 1)
    await db.close()
    monkeypatch.setattr(db_module, "migration_files", lambda: every)
    db = await Database.open(tmp_path / "a.db")
    try:
        await _seed_child(db, 2, "2026-03-05T02:00:00+00:00")
        rows = await db.fetchall("SELECT child_id, status, effective_date, source FROM enrolment_events ORDER BY id")
        assert [tuple(r) for r in rows] == [
            (1, "enrolled", "2026-03-01", "registration"),
            (2, "enrolled", "2026-03-05", "registration"),
        ]
        await db.execute(
            "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_by, recorded_at)"
            " VALUES (1, 'dropped_out', '2026-04-01', 1, ?)",
            (NOW,),
        )
        current = await db.fetchall("SELECT child_id, status FROM child_enrolment_current ORDER BY child_id")
        assert [tuple(r) for r in current] == [(1, "dropped_out"), (2, "enrolled")]
        assert await db.migrate() == []  # applying again changes nothing
    finally:
        await db.close()


async def test_the_schema_refuses_bad_rows(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "b.db")
    try:
        await _seed_child(db, 1)
        bad = [
            "INSERT INTO checkins (child_id, author_id, at, study, life, mood, health) VALUES (1, 1, 'x', 4, 3, 3, 3)",
            "INSERT INTO visits (child_id, kind, visit_date, author_id, created_at) VALUES (1, 'party', 'd', 1, 'x')",
            "INSERT INTO boarding_requests (child_id, requested_at, status) VALUES (1, 'x', 'granted')",
            "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_at)"
            " VALUES (1, 'expelled', 'd', 'x')",
        ]
        for sql in bad:
            with pytest.raises(sqlite3.IntegrityError):
                await db.execute(sql)
        await db.execute("INSERT INTO boarding_requests (child_id, requested_at) VALUES (1, 'x')")
        with pytest.raises(sqlite3.IntegrityError):  # one open request per child
            await db.execute("INSERT INTO boarding_requests (child_id, requested_at) VALUES (1, 'y')")
        await db.execute(
            "INSERT INTO buddy_pairs (child_id, buddy_name, started_on, created_at) VALUES (1, 'b', 'd', 'x')"
        )
        with pytest.raises(sqlite3.IntegrityError):  # one active buddy per child
            await db.execute(
                "INSERT INTO buddy_pairs (child_id, buddy_name, started_on, created_at) VALUES (1, 'c', 'd', 'x')"
            )
    finally:
        await db.close()
