"""`python -m bot check`: is this installation ready to run? One outcome per check, worded by the catalogue.

The same checks run at every start, before polling; there a Bot API that cannot be reached is only reported (the
bot waits for the network with backoff), and so are a missing secret or passphrase (an installation that has run
without them keeps running; `check` still fails for them).
"""

from __future__ import annotations

import asyncio
import html
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from bot.config import Config
from bot.storage import db as storage
from bot.texts import Texts

MIN_FREE_MB = 100  # a nightly backup of a school's database is a few MB; a county's a few hundred
TOKEN_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Phrase:
    """A catalogue key with its values, used as a value inside another line."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """One check's result: `key` and `values` word it; `fatal` is whether it stops the bot at start."""

    name: str
    ok: bool
    key: str
    values: dict[str, object] = field(default_factory=dict)
    fatal: bool = True


def render(outcome: Outcome, texts: Texts) -> str:
    """One line for a terminal or the journal (the catalogue speaks HTML; a terminal does not)."""
    line = _phrase(Phrase(outcome.key, outcome.values), texts)
    mark = "ops.check.pass" if outcome.ok else ("ops.check.fail" if outcome.fatal else "ops.check.warn")
    return html.unescape(texts.t(mark, line=line))


def _phrase(phrase: Phrase, texts: Texts) -> str:
    values = {k: _phrase(v, texts) if isinstance(v, Phrase) else v for k, v in phrase.values.items()}
    return texts.raw(phrase.key, **values)


def _via(config: Config) -> Phrase:
    """How the bot reaches the Bot API, for the lines (a proxy's credentials are left out)."""
    if config.telegram.base_url:
        return Phrase("ops.token.via_server", {"url": config.telegram.base_url})
    if config.telegram.proxy:
        scheme, _, rest = config.telegram.proxy.partition("://")
        return Phrase("ops.token.via_proxy", {"proxy": f"{scheme}://{rest.rpartition('@')[2]}"})
    return Phrase("ops.token.via_telegram")


async def check_token(config: Config, *, at_start: bool = False) -> Outcome:
    """getMe through the configured Bot API server or proxy, as the bot will call it."""
    texts_via: dict[str, object] = {"via": _via(config)}
    request = HTTPXRequest(
        proxy=config.telegram.proxy or None,
        connect_timeout=TOKEN_TIMEOUT_SECONDS,
        read_timeout=TOKEN_TIMEOUT_SECONDS,
    )
    bot = Bot(
        config.telegram.token,
        base_url=config.telegram.base_url or "https://api.telegram.org/bot",
        base_file_url=config.telegram.base_file_url or "https://api.telegram.org/file/bot",
        request=request,
    )
    try:
        async with bot:  # initialize() is getMe
            username = bot.username
    except InvalidToken:
        return Outcome("token", False, "ops.token.rejected", texts_via)
    except (NetworkError, TelegramError, OSError) as exc:
        key = "ops.token.unreachable_at_start" if at_start else "ops.token.unreachable"
        return Outcome("token", False, key, {**texts_via, "error": type(exc).__name__}, fatal=not at_start)
    return Outcome("token", True, "ops.token.ok", {**texts_via, "username": username})


def check_database(path: Path, *, thorough: bool = True) -> Outcome:
    """Opens read-only: integrity, pending migrations (named), a newer version's schema (refused)."""
    try:
        state = storage.inspect(path, thorough=thorough)
    except (sqlite3.Error, OSError) as exc:
        return Outcome("database", False, "ops.db.unreadable", {"path": str(path), "error": str(exc)})
    if state.integrity != "ok":
        return Outcome("database", False, "ops.db.corrupt", {"path": str(path), "problem": state.integrity})
    if state.unknown:
        return Outcome("database", False, "ops.db.newer", {"path": str(path), "names": ", ".join(state.unknown)})
    if not state.exists:
        return Outcome("database", True, "ops.db.new", {"path": str(path), "count": len(state.pending)})
    if state.pending:
        values = {"path": str(path), "count": len(state.pending), "names": ", ".join(state.pending)}
        return Outcome("database", True, "ops.db.pending", values)
    return Outcome("database", True, "ops.db.ok", {"path": str(path)})


def check_secrets(config: Config, *, at_start: bool = False) -> list[Outcome]:
    secret_set = config.security.configured
    fatal = not at_start
    return [
        Outcome("secret", secret_set, "ops.secret.ok" if secret_set else "ops.secret.missing", fatal=fatal),
        Outcome(
            "passphrase",
            bool(config.backup.passphrase),
            "ops.passphrase.ok" if config.backup.passphrase else "ops.passphrase.missing",
            fatal=fatal,
        ),
    ]


def check_timezone(name: str) -> Outcome:
    try:
        zone = ZoneInfo(name)
        now = datetime.now(zone).strftime("%Y-%m-%d %H:%M")
    except (ZoneInfoNotFoundError, ValueError):
        return Outcome("timezone", False, "ops.timezone.bad", {"zone": name})
    return Outcome("timezone", True, "ops.timezone.ok", {"zone": name, "now": now})


def check_font() -> Outcome:
    from bot.services.charts import FONT_FILE, cjk_font_path  # imports matplotlib: only when this check runs

    try:
        path = cjk_font_path()
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        return Outcome("font", False, "ops.font.missing", {"path": str(exc) or FONT_FILE})
    return Outcome("font", True, "ops.font.ok", {"path": str(path)})


def check_backup_folder(folder: Path, need_mb: int = MIN_FREE_MB) -> Outcome:
    """A file can be made in the folder (or, before the first backup, in the nearest folder above it, where the
    bot will create it), and the disk has room. Nothing is left behind and no folder is created: run as root,
    `check` would otherwise leave a folder the service's user cannot write."""
    existing = folder
    while not existing.is_dir() and existing != existing.parent:
        existing = existing.parent
    try:
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".shouwang-check-"):
            pass
        free_mb = shutil.disk_usage(existing).free // (1024 * 1024)
    except OSError as exc:
        return Outcome("backups", False, "ops.backups.unwritable", {"folder": str(folder), "error": exc.strerror})
    if not os.access(existing, os.W_OK | os.X_OK):
        return Outcome("backups", False, "ops.backups.unwritable", {"folder": str(folder), "error": "EACCES"})
    values: dict[str, object] = {"folder": str(folder), "free": free_mb}
    if free_mb < need_mb:
        return Outcome("backups", False, "ops.backups.full", {**values, "need": need_mb})
    return Outcome("backups", True, "ops.backups.ok", values)


async def run_checks(config: Config, *, at_start: bool = False, token: bool = True) -> list[Outcome]:
    """Every check after the config's (which `load_config` already passed), in the order of the output.
    At start the database gets the faster quick_check (integrity_check reads every index of a county's file)."""
    outcomes = [Outcome("config", True, "ops.config.ok", {"path": str(config.path)})]
    if token:
        outcomes.append(await check_token(config, at_start=at_start))
    outcomes.append(await asyncio.to_thread(check_database, config.storage.database, thorough=not at_start))
    outcomes += check_secrets(config, at_start=at_start)
    outcomes.append(check_timezone(config.school.timezone.key))
    outcomes.append(await asyncio.to_thread(check_font))
    outcomes.append(check_backup_folder(config.backup.folder))
    return outcomes


def failures(outcomes: Iterable[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if not o.ok]


def stopping(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """The failures that stop the bot at start."""
    return [o for o in outcomes if not o.ok and o.fatal]
