"""python -m bot [--config PATH]: load the config, build the app, poll until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sqlite3
import sys
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application, on_startup
from bot.config import Config, ConfigError, load_config
from bot.jobs.health import Counters, MonitoredRequest
from bot.storage.db import Database

log = logging.getLogger("bot")
EXIT_CONFIG = 2
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
    try:
        db = await Database.open(config.storage.database)
    except (OSError, sqlite3.Error) as exc:
        # An unwritable folder or a file that is not a database: an operator's problem, told in one line.
        raise ConfigError(config.path, "storage.database", f"cannot open {config.storage.database}: {exc}") from None
    try:
        counters = Counters()
        proxy = config.telegram.proxy or None
        app = build_application(
            config,
            db,
            request=MonitoredRequest(counters, proxy=proxy),
            get_updates_request=MonitoredRequest(counters, polling=True, connection_pool_size=1, proxy=proxy),
        )
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Shouwang, the left-behind children care bot for Telegram"
    )
    parser.add_argument("--config", type=Path, default=Path("config.toml"), help="path to config.toml")
    parser.add_argument(
        "command", nargs="?", choices=["run", "restore"], default="run", help="run (default) or restore"
    )
    parser.add_argument("file", nargs="?", type=Path, help="for restore: the backup file (plain or .enc)")
    args = parser.parse_args(argv)
    _setup_logging()
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"config error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    if args.command == "restore":
        return _restore(config, args.file)
    try:
        asyncio.run(serve(config))
    except InvalidToken:
        print(f"config error: {config.path}: [telegram.token] was rejected by the Bot API", file=sys.stderr)
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


if __name__ == "__main__":
    sys.exit(main())
