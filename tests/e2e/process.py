"""Runs the bot as the README does (`python -m bot --config <tmp>/config.toml`) against the HTTP test server."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import textwrap
from pathlib import Path

from tests.botapi_server import BotAPIServer

ROOT = Path(__file__).resolve().parents[2]


def write_config(folder: Path, server: BotAPIServer, *, admins: list[int], extra: str = "") -> Path:
    path = folder / "config.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [telegram]
            token = "{server.token}"
            base_url = "{server.base_url}"
            base_file_url = "{server.base_file_url}"
            [school]
            name = "利川思源实验学校"
            timezone = "Asia/Shanghai"
            language = "zh_CN"
            admins = {admins!r}
            [storage]
            database = "shouwang.db"
            """
        )
        + textwrap.dedent(extra),
        encoding="utf-8",
    )
    return path


class BotProcess:
    """One `python -m bot` child process; `kill()` is kill -9, `stop()` is SIGTERM."""

    def __init__(self, config: Path) -> None:
        self.config = config
        self.log = config.parent / "bot.log"
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self, server: BotAPIServer, within: float = 20) -> None:
        """Starts the bot and waits until it polls (its first getUpdates reached the server)."""
        polls_before = server.stats.requests.get("getUpdates", 0)
        env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "SHOUWANG_SECRET")}
        env["PYTHONUNBUFFERED"] = "1"
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "--config", str(self.config),
                cwd=ROOT, env=env, stdout=log, stderr=log,
            )  # fmt: skip
        self.starts += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while server.stats.requests.get("getUpdates", 0) <= polls_before:
            if self.proc.returncode is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode}:\n{self.log_text()[-3000:]}")
            if loop.time() > deadline:
                await self.kill()  # never leave a bot running behind a failed test
                raise AssertionError(f"the bot did not start polling:\n{self.log_text()[-3000:]}")
            await asyncio.sleep(0.02)

    async def kill(self) -> None:
        """kill -9: nothing is flushed, nothing is closed."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self, within: float = 15) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), within)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def query(database: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(database)
    try:
        return list(conn.execute(sql, params).fetchall())
    finally:
        conn.close()
