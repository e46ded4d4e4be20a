"""One aiosqlite connection for the whole process; every write runs under one lock in BEGIN IMMEDIATE."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.domain.clock import from_db
from bot.storage.backup import backup_to

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")

# Set while the current task holds the database lock, so nested calls in a transaction do not deadlock.
_holding_lock: contextvars.ContextVar[bool] = contextvars.ContextVar("holding_lock", default=False)


class MigrationError(Exception):
    """The database cannot be brought up to this version's schema; it was left as it was."""


class SchemaTooNew(MigrationError):
    """The database names migrations this code does not have: it was written by a newer version."""

    def __init__(self, unknown: list[str]) -> None:
        super().__init__("the database was written by a newer version (unknown migrations: " + ", ".join(unknown) + ")")
        self.unknown = unknown


class MigrationFailed(MigrationError):
    """One migration failed and was rolled back; `backup` is the copy made before the upgrade, if any."""

    def __init__(self, name: str, error: Exception, backup: Path | None) -> None:
        super().__init__(f"migration {name} failed ({type(error).__name__}: {error}); it was rolled back")
        self.name = name
        self.error = error
        self.backup = backup


@dataclass(frozen=True)
class DatabaseState:
    """What a read-only look at a database file finds (for `python -m bot check`)."""

    exists: bool
    integrity: str  # "ok", or the first problem integrity_check reports
    pending: list[str]  # migrations this version would apply, in order
    unknown: list[str]  # migrations the database records that this version does not have


# What runs in aiosqlite's thread (Database._in_worker): a statement from start to its cursor's close.


def _rowcount(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    cursor = conn.execute(sql, params)
    try:
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _lastrowid(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    cursor = conn.execute(sql, params)
    try:
        return int(cursor.lastrowid or 0)
    finally:
        cursor.close()


def _inserted(conn: sqlite3.Connection, sql: str, params: Params) -> int | None:
    """The new row's id; None when nothing was inserted (an INSERT OR IGNORE that met its row)."""
    cursor = conn.execute(sql, params)
    try:
        return int(cursor.lastrowid or 0) if cursor.rowcount > 0 else None
    finally:
        cursor.close()


def _fetchone(conn: sqlite3.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    cursor = conn.execute(sql, params)
    try:
        row: sqlite3.Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _fetchall(conn: sqlite3.Connection, sql: str, params: Params) -> list[sqlite3.Row]:
    cursor = conn.execute(sql, params)
    try:
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _batch(conn: sqlite3.Connection, statements: Sequence[tuple[str, Params]], own: bool) -> None:
    """The statements in one transaction: its own (`own`; one statement alone is one already), else the one the
    connection is in."""
    begin = own and len(statements) > 1
    if begin:
        conn.execute("BEGIN IMMEDIATE").close()
    try:
        for sql, params in statements:
            conn.execute(sql, params).close()
    except BaseException:
        if begin:
            conn.execute("ROLLBACK").close()
        raise
    if begin:
        conn.execute("COMMIT").close()


def _executemany(conn: sqlite3.Connection, sql: str, rows: list[Params]) -> None:
    conn.executemany(sql, rows).close()


def _after(conn: sqlite3.Connection, first: Sequence[tuple[str, Params]], work: Callable[..., T], *args: Any) -> T:
    """`first` (a transaction's BEGIN and the writes deferred to its next hand-over), then `work`."""
    for sql, params in first:
        conn.execute(sql, params).close()
    return work(conn, *args)


class Database:
    """The single owner of the SQLite connection.

    SQLite allows one writer; with one shared connection, statements from concurrent tasks would
    interleave inside each other's transactions. Every statement therefore runs under one asyncio
    lock, and `transaction()` holds that lock from BEGIN IMMEDIATE to COMMIT.

    A hand-over to the database thread costs more CPU than a short statement, so a transaction's BEGIN goes with
    its first statement, and a write whose outcome nobody reads (`defer`: an audit row) with the next statement
    or the COMMIT. Only the task holding the lock reaches the pending BEGIN and the deferred writes.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path
        self._begin_pending = False  # in a transaction whose BEGIN IMMEDIATE has not been run yet
        self._deferred: list[tuple[str, Params]] = []

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Opens (creating folders as needed), sets the pragmas and applies pending migrations (after a backup
        of a database that has any); raises MigrationError, with the connection closed, if it cannot."""
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
        try:
            applied = await db.migrate()
        except BaseException:
            await conn.close()
            raise
        if applied:
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

    async def _in_worker(self, work: Callable[..., T], *args: Any) -> T:
        """Runs `work(connection, *args)` in aiosqlite's thread in one hand-over: its own execute(), fetch and
        close are a hand-over each (a queue put, a thread wake-up and a loop wake-up, some 45 µs of CPU apiece),
        and every update runs several statements."""
        if self._begin_pending or self._deferred:
            first: list[tuple[str, Params]] = [("BEGIN IMMEDIATE", ())] if self._begin_pending else []
            first += self._deferred
            self._begin_pending, self._deferred = False, []
            work, args = _after, (first, work, *args)
        result: T = await self._conn._execute(work, self._conn._conn, *args)  # type: ignore[no-untyped-call]
        return result

    def _in_own_transaction(self) -> bool:
        """This task holds the lock in a transaction (begun, or its BEGIN pending)."""
        return _holding_lock.get() and (self._begin_pending or self._conn.in_transaction)

    async def _statement(self, work: Callable[..., T], *args: Any) -> T:
        """One hand-over under the lock. Nothing runs nested in it, so unlike `_locked` it does not mark the task
        as holding the lock: one asyncio.Lock, not a generator-based context manager and a context variable, per
        statement."""
        if _holding_lock.get():
            return await self._in_worker(work, *args)
        async with self._lock:
            return await self._in_worker(work, *args)

    def locked(self) -> AbstractAsyncContextManager[None]:
        """The database to this task alone, with no transaction yet (statements of others wait)."""
        return self._locked()

    async def run_batch(self, statements: Sequence[tuple[str, Params]]) -> None:
        """Runs these statements in one transaction (the task's own if it is in one) with one hand-over to the
        database thread, not the three or more of BEGIN, each statement and COMMIT."""
        if statements:
            await self._statement(_batch, statements, not self._in_own_transaction())

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception; nested use joins the outer one. BEGIN runs
        with the first statement; a transaction that ran none and deferred none costs nothing."""
        if self._in_own_transaction():
            yield
            return
        async with self._locked():
            self._begin_pending = True
            try:
                yield
                if self._deferred or not self._begin_pending:  # something ran, or waits to run with the COMMIT
                    await self._in_worker(_rowcount, "COMMIT", ())
            except BaseException:  # in the body, or a deferred write failing with the COMMIT
                self._begin_pending, self._deferred = False, []
                if self._conn.in_transaction:
                    await self._in_worker(_rowcount, "ROLLBACK", ())
                raise
            finally:
                self._begin_pending = False

    async def defer(self, sql: str, params: Params = ()) -> None:
        """A write whose outcome nobody reads (an audit row): in this task's transaction it goes to the database
        thread with the transaction's next statement or its COMMIT, and fails or rolls back with it; outside a
        transaction it runs at once."""
        if self._in_own_transaction():
            self._deferred.append((sql, params))
        else:
            await self._statement(_rowcount, sql, params)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns the number of changed rows."""
        return await self._statement(_rowcount, sql, params)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Runs one INSERT and returns the new row's id."""
        return await self._statement(_lastrowid, sql, params)

    async def insert_new(self, sql: str, params: Params = ()) -> int | None:
        """Runs one INSERT OR IGNORE; the new row's id, or None when it was ignored (the row exists already)."""
        return await self._statement(_inserted, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._statement(_executemany, sql, list(rows))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return await self._statement(_fetchone, sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await self._statement(_fetchall, sql, params)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def migrate(self) -> list[str]:
        """Applies every migration not yet recorded, each in its own transaction; returns their names.

        A database written by a newer version is refused before anything changes. Before the first pending
        migration of a database that already has some, a plain copy is made beside it
        (`<name>.before-<migration>`): it needs no passphrase to restore, and the nightly rotation in the backup
        folder never deletes it. A failing migration is rolled back and named (MigrationFailed)."""
        await self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        done = {row["name"] for row in await self.fetchall("SELECT name FROM schema_migrations")}
        files = migration_files()
        pending, unknown = compare_migrations(done, [name for name, _ in files])
        if unknown:
            raise SchemaTooNew(unknown)
        backup: Path | None = None
        if pending and done and str(self.path) != ":memory:":
            backup = await self.copy_before_upgrade(pending[0])
        applied = []
        for name, sql in files:
            if name not in pending:
                continue
            rebuilds = sql.startswith(REBUILDS_TABLES)
            try:
                if rebuilds:  # SQLite's way to rebuild a table others refer to; the check below stands in
                    await self._conn.execute("PRAGMA foreign_keys = OFF")
                async with self.transaction():
                    for statement in split_statements(sql):
                        await self._in_worker(_rowcount, statement, ())
                    if rebuilds and await self._in_worker(_fetchone, "PRAGMA foreign_key_check", ()) is not None:
                        raise sqlite3.IntegrityError("the rebuilt tables break a foreign key")
                    await self._in_worker(_rowcount, "INSERT INTO schema_migrations (name) VALUES (?)", (name,))
            except (sqlite3.Error, ValueError) as exc:
                log.error("migration %s failed and was rolled back (%s)", name, type(exc).__name__)
                raise MigrationFailed(name, exc, backup) from exc
            finally:
                if rebuilds:
                    await self._conn.execute("PRAGMA foreign_keys = ON")
            log.info("applied migration %s", name)
            applied.append(name)
        return applied

    async def copy_before_upgrade(self, first_pending: str) -> Path:
        """A consistent copy of the database as it is, beside it, before `first_pending` is applied."""
        target = self.path.with_name(f"{self.path.name}.before-{first_pending}")
        async with self._locked():  # nothing writes while the copy is taken
            await backup_to(self.path, target)
        log.info("copied the database to %s before upgrading it", target.name)
        return target


async def created_at(db: Database) -> datetime | None:
    """When the first migration ran: the day this installation's database was made."""
    value = await db.fetchval("SELECT MIN(applied_at) FROM schema_migrations")
    return None if value is None else from_db(value)


def size_on_disk(path: Path) -> int:
    """Bytes the database takes: the file and its write-ahead log (which can grow large between checkpoints)."""
    total = 0
    for part in (path, Path(f"{path}-wal")):
        try:
            total += part.stat().st_size
        except OSError:
            continue
    return total


def compare_migrations(done: Iterable[str], known: Sequence[str]) -> tuple[list[str], list[str]]:
    """(pending: known but not done, in order; unknown: done but not known, sorted)."""
    done_set = set(done)
    return [name for name in known if name not in done_set], sorted(done_set - set(known))


def inspect(path: Path, *, thorough: bool = True) -> DatabaseState:
    """Looks at a database file without changing it: integrity (integrity_check, or the faster quick_check),
    and which migrations it lacks or has beyond this version's. Raises sqlite3.Error if it cannot be read."""
    known = [name for name, _ in migration_files()]
    if not path.exists():
        return DatabaseState(exists=False, integrity="ok", pending=known, unknown=[])
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("PRAGMA integrity_check" if thorough else "PRAGMA quick_check").fetchone()
        integrity = "ok" if row is not None and row[0] == "ok" else str(row[0] if row else "no answer")
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        done = [r[0] for r in conn.execute("SELECT name FROM schema_migrations")] if has_table else []
    finally:
        conn.close()
    pending, unknown = compare_migrations(done, known)
    return DatabaseState(exists=True, integrity=integrity, pending=pending, unknown=unknown)


# A migration whose first line is this rebuilds tables that others refer to: it runs with foreign keys off and
# must leave every reference whole (PRAGMA foreign_key_check), as https://sqlite.org/lang_altertable.html says.
REBUILDS_TABLES = "-- rebuilds tables"


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
