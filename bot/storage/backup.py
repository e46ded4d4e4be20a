"""Online backups of the SQLite database (the backup API copies a consistent snapshot while the bot runs),
their encryption for sending, and the restore with an integrity check."""

from __future__ import annotations

import asyncio
import base64
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

PREFIX = "shouwang-"
SUFFIX = ".db"
MAGIC = b"SHOUWANG-BACKUP-1\n"
SALT_BYTES = 16


class RestoreError(Exception):
    """The file is not a sound Shouwang database (or not one at all); nothing was changed."""


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


async def backup_to(source: Path, target: Path) -> Path:
    """Copies the live database to `target` with SQLite's online backup API (in a thread: it reads the whole file).
    The copy is written under a temporary name and renamed, so a half-written backup never looks complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    partial.unlink(missing_ok=True)
    await asyncio.to_thread(_copy, source, partial)
    os.replace(partial, target)
    return target


def backup_name(now: datetime) -> str:
    return f"{PREFIX}{now.strftime('%Y%m%d-%H%M%S')}{SUFFIX}"


async def nightly(source: Path, folder: Path, now: datetime, keep: int) -> Path:
    """Makes tonight's backup and deletes all but the newest `keep`."""
    made = await backup_to(source, folder / backup_name(now))
    for old in list_backups(folder)[keep:]:
        old.unlink(missing_ok=True)
    return made


def list_backups(folder: Path) -> list[Path]:
    """Backups in the folder, newest first."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p.is_file()), reverse=True)


def newest_backup_at(folder: Path) -> datetime | None:
    """When the newest backup in the folder was written (its file's time: a copied-in file keeps its own)."""
    times = []
    for path in list_backups(folder):
        try:
            times.append(path.stat().st_mtime)
        except OSError:  # rotated away since it was listed
            continue
    return datetime.fromtimestamp(max(times), UTC) if times else None


def _key(passphrase: str, salt: bytes) -> bytes:
    raw = Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())
    return base64.urlsafe_b64encode(raw)


def encrypt(data: bytes, passphrase: str) -> bytes:
    """Fernet (AES + HMAC) under a key stretched from the passphrase with scrypt and a random salt."""
    salt = os.urandom(SALT_BYTES)
    return MAGIC + salt + Fernet(_key(passphrase, salt)).encrypt(data)


def decrypt(blob: bytes, passphrase: str) -> bytes:
    if not blob.startswith(MAGIC):
        raise RestoreError("not an encrypted Shouwang backup")
    body = blob[len(MAGIC) :]
    salt, token = body[:SALT_BYTES], body[SALT_BYTES:]
    try:
        return Fernet(_key(passphrase, salt)).decrypt(token)
    except InvalidToken:
        raise RestoreError("wrong passphrase, or the file was damaged") from None


def check(path: Path) -> None:
    """Refuses a file that is not an SQLite database passing integrity_check, or has no migrations table."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()
            if result is None or result[0] != "ok":
                raise RestoreError("integrity check failed")
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"not a database ({type(exc).__name__})") from None
    if not {"schema_migrations", "children", "audit_log"} <= names:
        raise RestoreError("not a Shouwang database")


def restore(source: Path, database: Path, passphrase: str = "") -> Path | None:
    """Restores `source` (a plain backup, or an encrypted one with the passphrase) over `database`, after an
    integrity check; the bot must be stopped. The current database is first kept beside it as *.before-restore.
    Returns that safety copy (None if there was no database)."""
    data = source.read_bytes()
    plain = database.with_name(database.name + ".restoring")
    plain.unlink(missing_ok=True)
    if data.startswith(MAGIC):
        if not passphrase:
            raise RestoreError("the file is encrypted: set backup.passphrase")
        plain.write_bytes(decrypt(data, passphrase))
    else:
        plain.write_bytes(data)
    try:
        check(plain)
    except RestoreError:
        plain.unlink(missing_ok=True)
        raise
    kept: Path | None = None
    if database.exists():
        kept = database.with_name(database.name + ".before-restore")
        _copy(database, kept)
    for extra in ("-wal", "-shm"):
        Path(str(database) + extra).unlink(missing_ok=True)
    os.replace(plain, database)
    return kept


def dump(path: Path) -> list[str]:
    """The database as SQL lines (for comparing a restore with its source)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()
