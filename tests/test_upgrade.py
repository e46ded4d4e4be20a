"""Upgrades are safe: a database kept by the previous release is copied before its new migrations run and keeps
every record; a failing migration leaves it as it was and is named; one from a newer version is refused."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.storage import backup
from bot.storage import db as db_module
from bot.storage.db import Database, MigrationFailed, SchemaTooNew
from tests.test_stats_speed import _random_school

EVERY = db_module.migration_files()
# The previous release's migrations: up to the inbox (the release before schools).
PREVIOUS = [m for m in EVERY if m[0] <= "0010_inbox"]
FIRST_NEW = EVERY[len(PREVIOUS)][0]


def _rows(path: Path) -> dict[str, set[tuple[object, ...]]]:
    """Every row of every table, by table (as the file holds them now)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: set(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables if t != "sqlite_sequence"}
    finally:
        conn.close()


def _columns(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    finally:
        conn.close()


def _copies(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".before-" in p.name)


async def _previous_release_school(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "migration_files", lambda: PREVIOUS)
    db = await Database.open(path)
    await _random_school(db, seed=5, enrolment=False, schools=False)
    await db.close()
    monkeypatch.setattr(db_module, "migration_files", lambda: EVERY)


async def test_an_upgrade_keeps_every_record_and_leaves_a_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "shouwang.db"
    await _previous_release_school(path, monkeypatch)
    before = _rows(path)
    assert sum(len(rows) for rows in before.values()) > 100

    db = await Database.open(path)
    try:
        names = {r["name"] for r in await db.fetchall("SELECT name FROM schema_migrations")}
    finally:
        await db.close()
    assert names == {name for name, _ in EVERY}

    copy = tmp_path / f"shouwang.db.before-{FIRST_NEW}"
    for table, rows in before.items():
        # Compared on the columns both schemas have (a migration may rename one, e.g. the mailbox's dates).
        common = [c for c in _columns(copy, table) if c in _columns(path, table)]
        assert common, table
        select = f'SELECT {", ".join(common)} FROM "{table}"'
        conn = sqlite3.connect(path)
        try:
            kept = set(conn.execute(select).fetchall())
        finally:
            conn.close()
        old = sqlite3.connect(copy)
        try:
            assert kept >= set(old.execute(select).fetchall()), table
        finally:
            old.close()
        assert len(rows) > 0 or table not in ("children", "pairings", "visits", "users"), table

    backup.check(copy)  # a sound Shouwang database, which `python -m bot restore` accepts
    assert _rows(copy) == before  # the copy is the database as the previous release left it


async def test_a_new_database_needs_no_copy(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.db")
    await db.close()
    assert _copies(tmp_path) == []


async def test_a_failing_migration_is_rolled_back_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "shouwang.db"
    await _previous_release_school(path, monkeypatch)
    done = EVERY[: len(PREVIOUS)]
    broken = (
        "9999_broken",
        "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\n"
        "ALTER TABLE children ADD COLUMN shoe_size INTEGER;\n"
        "INSERT INTO no_such_table VALUES (1);\n",
    )
    # Only the broken one is pending, so "as it was" is exactly the previous release's file.
    monkeypatch.setattr(db_module, "migration_files", lambda: [*done, broken])
    before = _rows(path)
    with pytest.raises(MigrationFailed) as failed:
        await Database.open(path)
    assert failed.value.name == "9999_broken"
    assert failed.value.backup == tmp_path / "shouwang.db.before-9999_broken"
    assert _rows(path) == before  # no half_done table, no shoe_size column, no record of 9999
    assert "shoe_size" not in _columns(path, "children")


async def test_a_newer_database_is_refused_before_anything_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shouwang.db"
    db = await Database.open(path)
    await db.execute("INSERT INTO schema_migrations (name) VALUES ('0999_from_the_future')")
    await db.close()
    before = _rows(path)
    with pytest.raises(SchemaTooNew) as refused:
        await Database.open(path)
    assert refused.value.unknown == ["0999_from_the_future"]
    assert _rows(path) == before
    assert _copies(tmp_path) == []


def _config(folder: Path, language: str = "zh_CN") -> Path:
    path = folder / "config.toml"
    path.write_text(
        '[telegram]\ntoken = "123:abc"\nbase_url = "http://127.0.0.1:9/bot"\n'
        f'[school]\nname = "思源"\nlanguage = "{language}"\n[storage]\ndatabase = "shouwang.db"\n'
        '[security]\nsecret = "s3cret-for-tests"\n[backup]\npassphrase = "pass"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh_CN", "数据库 {path} 来自更新的版本"), ("en", "The database {path} was written by a newer version")],
)
def test_the_bot_refuses_to_start_on_a_newer_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], language: str, expected: str
) -> None:
    config = _config(tmp_path, language)

    async def newer() -> None:
        db = await Database.open(tmp_path / "shouwang.db")
        await db.execute("INSERT INTO schema_migrations (name) VALUES ('0999_from_the_future')")
        await db.close()

    asyncio.run(newer())
    code = main(["--config", str(config)])
    assert code == 2
    err = capsys.readouterr().err
    assert expected.format(path=tmp_path / "shouwang.db") in err
    assert "0999_from_the_future" in err


def test_the_bot_says_which_migration_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)
    asyncio.run(_previous_release_school(tmp_path / "shouwang.db", monkeypatch))
    monkeypatch.setattr(db_module, "migration_files", lambda: [*PREVIOUS, ("9999_broken", "SELECT * FROM nowhere;")])
    code = main(["--config", str(config)])
    assert code == 2
    err = capsys.readouterr().err
    assert "迁移 9999_broken 失败，已回滚" in err
    assert str(tmp_path / "shouwang.db.before-9999_broken") in err


async def test_a_school_of_one_database_becomes_the_countys_first_school(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database kept by one school (before there were schools) upgrades in place: every class, staff role and
    enrolment event is the first school's, which takes the config's name at start; nothing else changes."""
    from bot.storage import people, schools

    path = tmp_path / "shouwang.db"
    await _previous_release_school(path, monkeypatch)
    old = sqlite3.connect(path)
    try:
        old.execute("INSERT INTO staff_roles (user_id, role, granted_at) VALUES (1, 'admin', '2026-01-01T00:00:00Z')")
        old.commit()
        classes = old.execute("SELECT id, grade_id, name FROM classes ORDER BY id").fetchall()
        events = old.execute("SELECT COUNT(*) FROM enrolment_events").fetchone()[0]
    finally:
        old.close()
    db = await Database.open(path)
    try:
        await schools.name_first_school(db, "利川思源实验学校", "利川市")
        rows = await db.fetchall("SELECT id, grade_id, name, school_id FROM classes ORDER BY id")
        assert [(r["id"], r["grade_id"], r["name"]) for r in rows] == classes
        assert {r["school_id"] for r in rows} == {schools.FIRST_SCHOOL}
        first = await schools.get_school(db, schools.FIRST_SCHOOL)
        assert first is not None and (first.name, first.county) == ("利川思源实验学校", "利川市")
        actor = await people.load_actor(db, 1)
        assert actor.admin_schools == frozenset({schools.FIRST_SCHOOL}) and actor.keeper
        assert await db.fetchval("SELECT COUNT(*) FROM enrolment_events WHERE school_id = 1") == events
        # The name is the config's only while the school has none: a name given later is kept.
        await schools.name_first_school(db, "另一个名字", "")
        again = await schools.get_school(db, schools.FIRST_SCHOOL)
        assert again is not None and again.name == "利川思源实验学校"
    finally:
        await db.close()
