"""python -m bot [--config PATH] [run | check | restore FILE | summary --out FILE]: run the bot (the checks first,
then polling until SIGTERM or Ctrl-C), only check the installation, restore a backup, or write the county's
de-identified summary for the province."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot import check
from bot.app import build_application, on_startup
from bot.config import Config, ConfigError, load_config
from bot.jobs.health import Counters
from bot.storage.db import Database, MigrationError, MigrationFailed, SchemaTooNew
from bot.telegram_io.request import MonitoredRequest
from bot.texts import DEFAULT_LOCALE, Texts

log = logging.getLogger("bot")
EXIT_CONFIG = 2  # the operator must change something; the systemd unit does not restart on it
EXIT_CHECK_FAILED = 1


class StartRefused(Exception):
    """A check failed at start: the lines say which, in the configured language."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


STARTUP_RETRY_MAX_SECONDS = 300


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and the URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


async def _initialize_with_retry(app: object, stop: asyncio.Event) -> bool:
    """Calls getMe until the Bot API answers (network or proxy may be down at boot); False if stopped."""
    delay = 2.0
    logged = False
    while not stop.is_set():
        try:
            await app.initialize()  # type: ignore[attr-defined]
            if logged:
                log.info("connected to the Bot API")
            return True
        except InvalidToken:
            raise
        except NetworkError as exc:
            if not logged:
                log.warning("cannot reach the Bot API (%s); retrying with backoff", type(exc).__name__)
                logged = True
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                pass
            delay = min(delay * 2, STARTUP_RETRY_MAX_SECONDS)
    return False


async def serve(config: Config) -> None:
    """Runs until SIGTERM/SIGINT; then stops polling, flushes persistence and closes the database."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    texts = Texts(config.school.language)
    # getMe is left to the start-up below: it waits for the network instead of giving up.
    outcomes = await check.run_checks(config, at_start=True, token=False)
    for outcome in outcomes:
        (log.info if outcome.ok else log.warning)("check: %s", check.render(outcome, texts))
    if refused := check.stopping(outcomes):
        raise StartRefused([check.render(outcome, texts) for outcome in refused])
    try:
        db = await Database.open(config.storage.database)
    except MigrationError as error:
        raise StartRefused([check.render(migration_outcome(config, error), texts)]) from None
    except (OSError, sqlite3.Error) as exc:
        # An unwritable folder or a file that is not a database: an operator's problem, told in one line.
        raise ConfigError(config.path, "storage.database", f"cannot open {config.storage.database}: {exc}") from None
    try:
        counters = Counters()
        proxy = config.telegram.proxy or None
        polling = MonitoredRequest(counters, polling=True, connection_pool_size=1, proxy=proxy)
        requests = MonitoredRequest(counters, proxy=proxy)
        app = build_application(config, db, request=requests, get_updates_request=polling)
        polling.on_updates = app.bot_data["inbox"].received  # updates are written down as Telegram sent them
        app.bot_data["counters"] = counters  # the requests report to the same counters the health line reads
        if not await _initialize_with_retry(app, stop):
            return
        try:
            await on_startup(app)
            assert app.updater is not None
            # PTB retries failed polls forever with a growing pause; the callback logs an outage once.
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, error_callback=counters.on_polling_error)
            await app.start()
            log.info("running as @%s; stop with Ctrl-C or SIGTERM", app.bot.username)
            await stop.wait()
            log.info("stopping")
            await app.updater.stop()
            await app.stop()
        finally:
            await app.shutdown()
    finally:
        await db.close()
        log.info("stopped; database closed")


def migration_outcome(config: Config, error: MigrationError) -> check.Outcome:
    path = str(config.storage.database)
    if isinstance(error, SchemaTooNew):
        return check.Outcome("database", False, "ops.db.newer", {"path": path, "names": ", ".join(error.unknown)})
    assert isinstance(error, MigrationFailed)
    backup: object = str(error.backup) if error.backup else check.Phrase("ops.db.no_backup")
    values = {"name": error.name, "error": f"{type(error.error).__name__}: {error.error}", "backup": backup}
    return check.Outcome("database", False, "ops.db.migration_failed", values)


def _check(config: Config, at_start: bool) -> int:
    """python -m bot check: one line per check, exit 0 only if every one passed."""
    texts = Texts(config.school.language)
    outcomes = asyncio.run(check.run_checks(config, at_start=at_start))
    for outcome in outcomes:
        print(check.render(outcome, texts))
    failed = check.stopping(outcomes) if at_start else check.failures(outcomes)
    if failed:
        print(texts.t("ops.check.failed", count=len(failed)))
        return EXIT_CHECK_FAILED
    print(texts.t("ops.check.all_passed"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Shouwang, the left-behind children care bot for Telegram"
    )
    parser.add_argument("--config", type=Path, default=Path("config.toml"), help="path to config.toml")
    parser.add_argument(
        "command",
        nargs="?",
        choices=["run", "check", "restore", "summary"],
        default="run",
        help="run (default), check the installation, restore a backup, or write the county summary",
    )
    parser.add_argument("file", nargs="?", type=Path, help="for restore: the backup file (plain or .enc)")
    parser.add_argument(
        "--at-start",
        action="store_true",
        help="for check: judge as the bot does at start (an unreachable Bot API or a missing secret only warns)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("county.json"), help="for summary: the JSON file to write (county.json)"
    )
    args = parser.parse_args(argv)
    _setup_logging()
    try:
        config = load_config(args.config)
    except ConfigError as error:
        if args.command == "check":
            texts = Texts(DEFAULT_LOCALE)  # the configured language is unknown: the config could not be read
            print(check.render(check.Outcome("config", False, "ops.config.bad", {"error": str(error)}), texts))
        else:
            print(f"config error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    if args.command == "check":
        return _check(config, args.at_start)
    if args.command == "restore":
        return _restore(config, args.file)
    if args.command == "summary":
        return _summary(config, args.out)
    try:
        asyncio.run(serve(config))
    except InvalidToken:
        print(f"config error: {config.path}: [telegram.token] was rejected by the Bot API", file=sys.stderr)
        return EXIT_CONFIG
    except StartRefused as refused:
        for line in refused.lines:
            print(line, file=sys.stderr)
        return EXIT_CONFIG
    except ConfigError as error:
        print(f"config error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        pass
    return 0


def _restore(config: Config, file: Path | None) -> int:
    """python -m bot restore FILE: integrity-checks the backup and puts it in place of the database (bot stopped)."""
    from bot.storage.backup import RestoreError, restore

    if file is None or not file.is_file():
        print("restore: give the path of an existing backup file", file=sys.stderr)
        return EXIT_CONFIG
    try:
        kept = restore(file, config.storage.database, config.backup.passphrase)
    except RestoreError as error:
        print(f"restore refused: {error}; the database was not changed", file=sys.stderr)
        return 1
    print(
        f"restored {file.name} to {config.storage.database}"
        + (f"; the previous database is kept as {kept}" if kept else "")
    )
    return 0


def _summary(config: Config, out: Path) -> int:
    """python -m bot summary --out FILE: the county's figures per school, de-identified, for bot.province."""
    import json

    from bot.services import Services
    from bot.services.summary import as_json, county_summary

    async def gather() -> dict[str, Any]:
        db = await Database.open(config.storage.database)
        try:
            return as_json(await county_summary(Services(config=config, db=db)))
        finally:
            await db.close()

    if not Path(config.storage.database).is_file():
        # Opening it would create an empty database, and the province would get a county of no children.
        print(f"summary: no database at {config.storage.database}; check storage.database", file=sys.stderr)
        return EXIT_CHECK_FAILED
    try:
        found = asyncio.run(gather())
    except (MigrationError, OSError, sqlite3.Error) as error:
        print(f"summary: cannot read {config.storage.database}: {error}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    out.write_text(json.dumps(found, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(found['schools'])} school(s), {found['total']['children']} children")
    return 0


if __name__ == "__main__":
    sys.exit(main())
