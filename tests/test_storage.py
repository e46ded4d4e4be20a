"""The database: migrations from empty and twice, pragmas, transactions, and the JSON persistence."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest

from bot.storage import db as db_module
from bot.storage.db import Database, migration_files, split_statements
from bot.telegram_io.persistence import SqlitePersistence


async def schema(db: Database) -> list[tuple[str, str, str]]:
    rows = await db.fetchall("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
    return [(r["type"], r["name"], r["sql"]) for r in rows]


async def test_migrations_from_empty_then_twice(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "shouwang.db"  # the folder does not exist yet
    db = await Database.open(path)
    try:
        names = [r["name"] for r in await db.fetchall("SELECT name FROM schema_migrations ORDER BY name")]
        assert names == [name for name, _ in migration_files()]
        assert "0001_foundation" in names
        first = await schema(db)
        tables = {name for kind, name, _ in first if kind == "table"}
        assert {"users", "children", "guardians", "invitations", "audit_log", "ptb_conversations"} <= tables
        assert await db.migrate() == []  # the second run applies nothing
        assert await schema(db) == first
    finally:
        await db.close()
    again = await Database.open(path)  # and a restart applies nothing either
    try:
        assert await again.migrate() == []
        assert await schema(again) == first
        count = await again.fetchval("SELECT COUNT(*) FROM schema_migrations")
        assert count == len(migration_files())
    finally:
        await again.close()


def test_migration_files_are_numbered_and_unique() -> None:
    names = [name for name, _ in migration_files()]
    numbers = [name[:4] for name in names]
    assert names == sorted(names)
    assert len(set(numbers)) == len(numbers), "two migrations share a number"
    for _, sql in migration_files():
        assert split_statements(sql), "an empty migration"


async def test_failed_migration_rolls_back_and_is_not_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = await Database.open(tmp_path / "s.db")
    try:
        bad = ("9999_broken", "CREATE TABLE half_done (a INTEGER);\nINSERT INTO no_such_table VALUES (1);\n")
        monkeypatch.setattr(db_module, "migration_files", lambda: [*migration_files(), bad])
        with pytest.raises(db_module.MigrationFailed) as failed:
            await db.migrate()
        assert failed.value.name == "9999_broken" and isinstance(failed.value.error, sqlite3.OperationalError)
        assert await db.fetchval("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'") == 0
        assert await db.fetchval("SELECT COUNT(*) FROM schema_migrations WHERE name = '9999_broken'") == 0
        # The database still works after the failed attempt.
        await db.execute("INSERT INTO grades (name) VALUES ('一年级')")
        assert await db.fetchval("SELECT COUNT(*) FROM grades") == 1
    finally:
        await db.close()


def test_split_statements_keeps_triggers_whole() -> None:
    script = """
    -- a comment
    CREATE TABLE a (x INTEGER);

    CREATE TRIGGER a_t AFTER INSERT ON a BEGIN
        UPDATE a SET x = x + 1;
        SELECT 1;
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    with pytest.raises(ValueError):
        split_statements("CREATE TABLE b (x INTEGER)")


async def test_pragmas_wal_foreign_keys_busy_timeout(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "s.db")
    try:
        assert str(await db.fetchval("PRAGMA journal_mode")).lower() == "wal"
        assert await db.fetchval("PRAGMA foreign_keys") == 1
        assert int(await db.fetchval("PRAGMA busy_timeout")) > 0
        with pytest.raises(sqlite3.IntegrityError):
            await db.execute("INSERT INTO classes (school_id, grade_id, name) VALUES (1, 999, '1班')")
    finally:
        await db.close()


async def test_failing_transaction_rolls_back(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "s.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO grades (name) VALUES ('一年级')")
                async with db.transaction():  # a nested use joins the outer transaction
                    await db.execute("INSERT INTO grades (name) VALUES ('二年级')")
                raise RuntimeError("boom")
        assert await db.fetchval("SELECT COUNT(*) FROM grades") == 0
        # A constraint failure half-way also leaves nothing behind.
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction():
                await db.execute("INSERT INTO grades (name) VALUES ('三年级')")
                await db.execute("INSERT INTO grades (name) VALUES ('三年级')")
        assert await db.fetchval("SELECT COUNT(*) FROM grades") == 0
        async with db.transaction():
            await db.execute("INSERT INTO grades (name) VALUES ('四年级')")
        assert await db.fetchval("SELECT COUNT(*) FROM grades") == 1
    finally:
        await db.close()


async def test_concurrent_transactions_do_not_interleave(tmp_path: Path) -> None:
    """Two tasks writing at once: each transaction sees only its own rows until it commits."""
    db = await Database.open(tmp_path / "s.db")
    seen: list[int] = []

    async def writer(name: str, fail: bool) -> None:
        async with db.transaction():
            await db.execute("INSERT INTO grades (name) VALUES (?)", (name,))
            await asyncio.sleep(0)
            seen.append(int(await db.fetchval("SELECT COUNT(*) FROM grades")))
            if fail:
                raise RuntimeError("one of them fails")

    try:
        results = await asyncio.gather(writer("甲", True), writer("乙", False), return_exceptions=True)
        assert isinstance(results[0], RuntimeError) and results[1] is None
        assert seen == [1, 1]
        names = [r["name"] for r in await db.fetchall("SELECT name FROM grades")]
        assert names == ["乙"]
    finally:
        await db.close()


async def test_persistence_json_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = await Database.open(path)
    persistence = SqlitePersistence(db)
    draft = {"flow": "register", "register_draft": {"nonce": "a1b2c3", "step": 3, "values": {"name": "张<小>明&"}}}
    await persistence.update_user_data(42, draft)
    await persistence.update_chat_data(42, {"note": "—"})
    await persistence.update_conversation("register", (42, 42), 1)
    await persistence.update_conversation("invite", (43, 43), 2)
    await persistence.flush()
    await db.close()

    db = await Database.open(path)
    try:
        persistence = SqlitePersistence(db)
        assert await persistence.get_user_data() == {42: draft}
        assert await persistence.get_chat_data() == {42: {"note": "—"}}
        assert await persistence.get_conversations("register") == {(42, 42): 1}
        assert await persistence.get_conversations("invite") == {(43, 43): 2}
        assert await persistence.get_conversations("nothing") == {}
        assert await persistence.get_bot_data() == {}
        # Stored as readable JSON, never pickle.
        raw = await db.fetchval("SELECT data FROM ptb_user_data WHERE user_id = 42")
        assert json.loads(raw) == draft and "张<小>明&" in raw
        # An ended conversation and an emptied draft leave no row behind.
        await persistence.update_conversation("register", (42, 42), None)
        await persistence.update_user_data(42, {})
        await persistence.drop_chat_data(42)
        assert await persistence.get_conversations("register") == {}
        assert await persistence.get_user_data() == {}
        assert await persistence.get_chat_data() == {}
    finally:
        await db.close()


async def test_repository_returns_dataclasses(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.domain.models import Child, SchoolClass
    from bot.domain.roles import ChildFilter
    from bot.storage import children, people

    db = await Database.open(tmp_path / "s.db")
    try:
        now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
        school_class = await people.ensure_class(db, 1, "三年级", "2班")
        assert isinstance(school_class, SchoolClass) and school_class.label == "三年级2班"
        assert await people.ensure_class(db, 1, "三年级", "2班") == school_class  # idempotent
        await people.ensure_user(db, 7, "李老师", now)
        child_id = await children.insert_child(
            db,
            {
                "name": "张小明",
                "sex": "male",
                "birth_date": "2015-03-08",
                "class_id": school_class.id,
                "parents_away": "both",
                "boarding": "no",
                "notes": "",
            },
            created_by=7,
            now=now,
        )
        child = await children.get_child(db, child_id)
        assert isinstance(child, Child)
        assert child.name == "张小明" and child.class_label == "三年级2班" and child.notes is None
        assert child.birth_date.isoformat() == "2015-03-08"
        assert await children.get_child(db, child_id + 100) is None
        found, total = await children.search(db, "小%", ChildFilter(everyone=True), limit=5)
        assert (found, total) == ([], 0)  # LIKE wildcards typed by a user are literal
    finally:
        await db.close()


def _child_rows(columns: dict[str, object], count: int = 2) -> list[sqlite3.Row]:
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    connection.execute(f"CREATE TABLE t ({', '.join(columns)})")
    connection.executemany(
        f"INSERT INTO t VALUES ({', '.join('?' for _ in columns)})", [list(columns.values())] * count
    )
    return connection.execute("SELECT * FROM t").fetchall()


def test_a_child_read_from_a_row_is_the_child_its_fields_make() -> None:
    from dataclasses import MISSING, fields, replace
    from datetime import date

    from bot.domain.models import Child

    # The table's own columns: the joined ones (class_label, school_id) and the civil fields but one left out.
    own = {f.name: "x" for f in fields(Child) if f.default is MISSING}
    values: dict[str, object] = {**own, "id": 7, "class_id": 3, "birth_date": "2015-03-08", "away_since": None}
    values |= {"created_at": "2026-01-01", "id_number_sealed": "sealed"}  # columns that are not the child's
    rows = _child_rows({**values, "ethnicity": "汉族"})
    child = Child.from_row(rows[0])
    given = {k: v for k, v in values.items() if k in own}
    expected = Child(**{**given, "birth_date": date(2015, 3, 8), "ethnicity": "汉族"})
    assert child == expected and Child.from_row(rows[1]) == child and hash(child) == hash(expected)
    assert child.class_label == "" and child.school_id == 0 and child.away_since is None
    assert not hasattr(child, "created_at") and not hasattr(child, "id_number_sealed")
    assert replace(child, name="李华").name == "李华" and child.name == "x"
    with pytest.raises(AttributeError):
        child.name = "改"  # type: ignore[misc]
    with pytest.raises(ValueError, match="birth_date"):
        Child.from_row(_child_rows({k: v for k, v in values.items() if k != "birth_date"})[0])
