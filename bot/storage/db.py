"""One aiosqlite connection for the whole process; every write runs under one lock in BEGIN IMMEDIATE."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]

# Set while the current task holds the database lock, so nested calls in a transaction do not deadlock.
_holding_lock: contextvars.ContextVar[bool] = contextvars.ContextVar("holding_lock", default=False)


class Database:
    """The single owner of the SQLite connection.

    SQLite allows one writer; with one shared connection, statements from concurrent tasks would
    interleave inside each other's transactions. Every statement therefore runs under one asyncio
    lock, and `transaction()` holds that lock from BEGIN IMMEDIATE to COMMIT.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Opens (creating folders as needed), sets the pragmas and applies pending migrations."""
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await conn.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows are overwritten with zeros, not left in free pages: what the bot deletes (an anonymous
        # letter's notice, an erased child, a handled message) must be gone from the file, not only from queries.
        await conn.execute("PRAGMA secure_delete = ON")
        # Up to 64 MB of pages kept in the process (SQLite's default is 2 MB): /stats over a county reads the same
        # indexes again and again, and small servers' kernels drop file cache pages quickly. A school's database
        # is far smaller and never gets near it.
        await conn.execute("PRAGMA cache_size = -65536")
        db = cls(conn, path)
        if await db.migrate():
            await db.checkpoint()  # the WAL would keep the pages as they were before the migrations
        return db

    async def checkpoint(self) -> None:
        """Copies the WAL into the database file and empties it, so old page images no longer exist anywhere."""
        async with self._locked():
            await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        if _holding_lock.get():
            yield
            return
        async with self._lock:
            token = _holding_lock.set(True)
            try:
                yield
            finally:
                _holding_lock.reset(token)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception; nested use joins the outer one."""
        if _holding_lock.get() and self._conn.in_transaction:
            yield
            return
        async with self._locked():
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns the number of changed rows."""
        async with self._locked():
            cursor = await self._conn.execute(sql, params)
            count = int(cursor.rowcount)
            await cursor.close()
            return count

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Runs one INSERT and returns the new row's id."""
        async with self._locked():
            cursor = await self._conn.execute(sql, params)
            row_id = int(cursor.lastrowid or 0)
            await cursor.close()
            return row_id

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._locked():
            await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._locked():
            async with self._conn.execute(sql, params) as cursor:
                row: sqlite3.Row | None = await cursor.fetchone()
                return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._locked():
            async with self._conn.execute(sql, params) as cursor:
                return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def migrate(self) -> list[str]:
        """Applies every migration not yet recorded, each in its own transaction; returns their names."""
        await self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        done = {row["name"] for row in await self.fetchall("SELECT name FROM schema_migrations")}
        applied = []
        for name, sql in migration_files():
            if name in done:
                continue
            async with self.transaction():
                for statement in split_statements(sql):
                    await self._conn.execute(statement)
                await self._conn.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))
            log.info("applied migration %s", name)
            applied.append(name)
        return applied


def migration_files() -> list[tuple[str, str]]:
    """The numbered .sql files in bot/storage/migrations, in order. Append-only: never edit a shipped one."""
    folder = resources.files("bot.storage") / "migrations"
    files = sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql") and entry.name[:4].isdigit()
    )
    return [(name.removesuffix(".sql"), text) for name, text in files]


def split_statements(script: str) -> list[str]:
    """Splits a script into complete statements (triggers included) so they can run inside one transaction."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError("migration ends with an incomplete statement")
    return statements
