"""The storage modules' shared query helpers: the reader of a row, a kind of row, answers per class, the IN list,
the scope condition, and an INSERT OR IGNORE that tells a new row from one that existed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.queries import Rows, among, answered_by_class, optional, reader, record
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class _Row:
    id: int
    name: str
    day: date
    flag: bool


async def test_record_reads_each_field_from_its_column_unless_given(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        row = await db.fetchone("SELECT 7 AS id, 'Li' AS name, '2024-03-01' AS day, 1 AS flag, 'x' AS extra")
        assert row is not None
        got = record(_Row, row, day=date.fromisoformat(row["day"]), flag=bool(row["flag"]))
        assert got == _Row(7, "Li", date(2024, 3, 1), True)
    finally:
        await db.close()


async def test_a_reader_converts_the_named_columns_and_a_kind_of_row_finishes_its_select(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, day TEXT, flag INTEGER)")
        await db.executemany(
            "INSERT INTO t VALUES (?, ?, ?, ?)",
            [(1, "Li", "2024-03-01", 1), (2, "Wang", "2024-03-02", 0)],
        )
        read = reader(_Row, day=date.fromisoformat, flag=bool)
        rows = Rows("SELECT * FROM t", read)
        assert await rows.one(db, "WHERE id = ?", (1,)) == _Row(1, "Li", date(2024, 3, 1), True)
        assert await rows.one(db, "WHERE id = ?", (9,)) is None
        assert await rows.all(db, "ORDER BY id DESC") == [
            _Row(2, "Wang", date(2024, 3, 2), False),
            _Row(1, "Li", date(2024, 3, 1), True),
        ]
        # A joined table's columns under a prefix; NULL through optional() stays None, 0 stays a value.
        prefixed = await db.fetchone("SELECT 3 AS p_id, 'Zhao' AS p_name, NULL AS p_day, 0 AS p_flag")
        assert prefixed is not None
        got = reader(_Row, "p_", day=optional(date.fromisoformat), flag=optional(bool))(prefixed)
        assert got == _Row(3, "Zhao", None, False)  # type: ignore[arg-type]
    finally:
        await db.close()


async def test_answers_are_counted_per_class_in_the_rows_order_with_who_has_not_answered(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        rows = await db.fetchall(
            "SELECT * FROM (VALUES (20, '一(2)', NULL, 'Li'), (10, '一(1)', 'at', 'Wang'), (20, '一(2)', 'at', 'Zhao'),"
            " (20, '一(2)', NULL, NULL))"
        )
        named = [{"class_id": r[0], "label": r[1], "answered_at": r[2], "who": r[3]} for r in rows]
        assert answered_by_class(named, lambda row: row["who"]) == [  # type: ignore[arg-type]
            (20, "一(2)", 3, 1, ("Li", "")),
            (10, "一(1)", 1, 1, ()),
        ]
    finally:
        await db.close()


async def test_among_and_children_within_keep_exactly_the_named_ids(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, class_id INTEGER)")
        await db.executemany("INSERT INTO t (id, class_id) VALUES (?, ?)", [(1, 10), (2, 10), (3, 20), (4, 30)])

        async def ids(condition: str, params: list[int]) -> list[int]:
            return [r["id"] for r in await db.fetchall(f"SELECT id FROM t WHERE {condition} ORDER BY id", params)]

        assert await ids(*among("id", {4, 1})) == [1, 4]
        assert await ids(*among("id", set())) == []  # no ids: nothing, not everything
        await db.execute("INSERT INTO schools (id, name, created_at) VALUES (2, 'other', '2026-01-01')")
        await db.execute("INSERT INTO grades (id, name) VALUES (1, 'g')")
        await db.executemany(
            "INSERT INTO classes (id, school_id, grade_id, name) VALUES (?, ?, 1, ?)",
            [(10, 1, "a"), (20, 1, "b"), (30, 2, "a")],
        )
        named = ChildFilter(class_ids=frozenset({10}), child_ids=frozenset({4}))
        assert await ids(*children_within(named, child="id", klass="class_id")) == [1, 2, 4]
        school = ChildFilter(school_ids=frozenset({1}))
        assert await ids(*children_within(school, child="id", klass="class_id")) == [1, 2, 3]
        assert await ids(*children_within(ChildFilter(), child="id", klass="class_id")) == []  # nothing, not all
        assert await ids(*children_within(ChildFilter(everyone=True), child="id", klass="class_id")) == [1, 2, 3, 4]
    finally:
        await db.close()


async def test_insert_new_gives_the_new_id_or_none_when_ignored(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "q.db")
    try:
        await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, token TEXT UNIQUE)")
        await db.execute("INSERT INTO t (token) VALUES ('a')")
        first = await db.insert_new("INSERT OR IGNORE INTO t (token) VALUES (?)", ("b",))
        assert first == await db.fetchval("SELECT id FROM t WHERE token = 'b'")
        assert await db.insert_new("INSERT OR IGNORE INTO t (token) VALUES (?)", ("b",)) is None
    finally:
        await db.close()
