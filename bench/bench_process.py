"""The bot as a process under load, compared with a minimal PTB echo bot on the same HTTP Bot API server.

python -m bench.bench_process [--seconds 15] [--children 50000] [--care 200000] [--parents 100000]

1. Builds a county database (bench/county.py: 50,000 children, 100,000 guardians, 5,000 staff, care records).
2. Starts `python -m bot --config ...` against tests/botapi_server.py and measures the start-up time (spawn to
   first getUpdates) and the resident memory (VmRSS) after start and after the load.
3. Saturation: 500 head teachers each send /mychildren or /help and wait for the reply, as fast as the bot
   answers, for --seconds: updates handled per second. The echo bot gets the same load, once with PTB's
   AIORateLimiter (Telegram's 30 messages/s and 1 per second per chat, as Shouwang has) and once without.
4. Realistic load while the weekly update drains: 500 teachers each send a message every 30 s on average
   (Poisson arrivals, about 17 updates/s offered) while 100,000 weekly updates wait in the outbox: reply latency
   p50/p99 (push of the update to the reply reaching the server) and broadcast messages sent meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sqlite3
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.county import percentile, populate
from bot.domain.clock import to_db
from bot.storage.db import Database
from tests.botapi_server import BotAPIServer

ROOT = Path(__file__).resolve().parents[1]
TEACHERS = [10_000 + i for i in range(500)]
PARENT_BASE = 100_000
MESSAGES = os.environ.get("BENCH_MESSAGES", "/mychildren,/help").split(",")


@dataclass
class Load:
    """Matches each person's message to the bot's first reply to that chat (measured at the server)."""

    server: BotAPIServer
    waiting: dict[int, float] = field(default_factory=dict)
    events: dict[int, asyncio.Event] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    broadcast: int = 0

    def hook(self, method: str, params: dict[str, Any]) -> None:
        if method not in ("sendMessage", "editMessageText"):
            return
        chat = int(params.get("chat_id", 0))
        if chat >= PARENT_BASE:
            self.broadcast += 1
            return
        started = self.waiting.pop(chat, None)
        if started is not None:
            self.latencies.append(time.perf_counter() - started)
            self.events[chat].set()

    async def ask(self, user_id: int, text: str) -> None:
        event = self.events.setdefault(user_id, asyncio.Event())
        event.clear()
        self.waiting[user_id] = time.perf_counter()
        await self.server.user(user_id, f"教师{user_id}").send(text)
        try:
            await asyncio.wait_for(event.wait(), 60)
        except TimeoutError:
            self.waiting.pop(user_id, None)


async def saturate(load: Load, seconds: float) -> float:
    """Closed loop: every teacher sends again as soon as answered. Returns replies per second."""
    stop = time.perf_counter() + seconds
    count_before = len(load.latencies)

    async def teacher(user_id: int) -> None:
        turn = 0
        while time.perf_counter() < stop:
            await load.ask(user_id, MESSAGES[turn % len(MESSAGES)])
            turn += 1

    started = time.perf_counter()
    await asyncio.gather(*(teacher(t) for t in TEACHERS))
    return (len(load.latencies) - count_before) / (time.perf_counter() - started)


async def steady(load: Load, seconds: float, every: float = 10.0, seed: int = 7) -> list[float]:
    """Open loop: each teacher sends on average every `every` s. Returns this phase's latencies."""
    rng = random.Random(seed)
    stop = time.perf_counter() + seconds
    first = len(load.latencies)

    async def teacher(user_id: int) -> None:
        turn = 0
        await asyncio.sleep(rng.uniform(0, min(every, seconds)))
        while time.perf_counter() < stop:
            await load.ask(user_id, MESSAGES[turn % len(MESSAGES)])
            turn += 1
            await asyncio.sleep(min(rng.expovariate(1 / every), max(0.0, stop - time.perf_counter())))

    await asyncio.gather(*(teacher(t) for t in TEACHERS))
    return load.latencies[first:]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def spawn(argv: list[str], server: BotAPIServer, log: Path) -> tuple[asyncio.subprocess.Process, float]:
    """Starts a bot; returns it and the seconds until its first getUpdates reached the server."""
    polls = server.stats.requests.get("getUpdates", 0)
    started = time.perf_counter()
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(*argv, cwd=ROOT, stdout=out, stderr=out)
    while server.stats.requests.get("getUpdates", 0) <= polls:
        if proc.returncode is not None:
            raise SystemExit(f"{argv[1:3]} exited: see {log}")
        await asyncio.sleep(0.01)
    return proc, time.perf_counter() - started


async def stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()


def enqueue_weekly(database: Path, parents: int) -> None:
    """The weekly update to every parent, queued as the green channel queues it (one outbox row each)."""
    now = to_db(datetime.now(UTC))
    conn = sqlite3.connect(database, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO outbox (recipient_id, kind, dedup_key, text, urgent, not_before, created_at, next_attempt_at)"
            " VALUES (?, 'weekly', 'bench', ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING",
            ((PARENT_BASE + i, f"<b>本周简报</b>\n孩子本周一切都好。（{i}）", now, now, now) for i in range(parents)),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def write_config(folder: Path, server: BotAPIServer) -> Path:
    path = folder / "config.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [telegram]
            token = "{server.token}"
            base_url = "{server.base_url}"
            base_file_url = "{server.base_file_url}"
            [school]
            name = "示范县"
            admins = [1]
            [storage]
            database = "county.db"
            [scheduler]
            tick_seconds = 5
            quiet_start = "00:00"
            quiet_end = "00:01"
            """
        ),
        encoding="utf-8",
    )
    return path


async def measure(
    name: str, argv: Callable[[BotAPIServer], list[str]], folder: Path, args: argparse.Namespace, weekly: bool
) -> dict[str, float]:
    server = await BotAPIServer.start()
    load = Load(server)
    server.on_request = load.hook
    result: dict[str, float] = {}
    try:
        proc, result["startup_s"] = await spawn(argv(server), server, folder / f"{name}.log")
        result["rss_start_mb"] = rss_mb(proc.pid)
        try:
            result["rate"] = await saturate(load, args.seconds)
            if weekly:
                await asyncio.to_thread(enqueue_weekly, folder / "county.db", args.parents)
            sent_before = load.broadcast
            started = time.perf_counter()
            latencies = await steady(load, args.seconds, args.every)
            result["broadcast_per_s"] = (load.broadcast - sent_before) / (time.perf_counter() - started)
            result["p50_ms"] = percentile(latencies, 0.5) * 1000
            result["p99_ms"] = percentile(latencies, 0.99) * 1000
            result["rss_end_mb"] = rss_mb(proc.pid)
        finally:
            await stop(proc)
    finally:
        await server.close()
    return result


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="shouwang-load-") as tmp:
        folder = Path(tmp)
        database = folder / "county.db"
        db = await Database.open(database)  # migrations
        await db.close()
        built = time.perf_counter()
        counts = populate(database, children=args.children, care_records=args.care)
        print(f"county: {counts} built in {time.perf_counter() - built:.1f} s", flush=True)
        probe = await BotAPIServer.start()
        config = write_config(folder, probe)
        await probe.close()

        def shouwang(server: BotAPIServer) -> list[str]:
            write_config(folder, server)
            return [sys.executable, "-m", "bot", "--config", str(config)]

        def echo(server: BotAPIServer) -> list[str]:
            return [sys.executable, str(ROOT / "bench" / "echo_bot.py"), server.base_url, server.token]

        def echo_limited(server: BotAPIServer) -> list[str]:
            return [*echo(server), "--rate-limited"]

        ours = await measure("shouwang", shouwang, folder, args, weekly=True)
        theirs = await measure("echo", echo_limited, folder, args, weekly=False)
        raw = await measure("echo-raw", echo, folder, args, weekly=False)
    ratio = ours["rate"] / theirs["rate"]
    print()
    offered = len(TEACHERS) / args.every
    print("| measure | Shouwang | echo bot, PTB rate limiter | echo bot, no limiter | goal |")
    print("|---|---|---|---|---|")
    print(f"| updates handled per second (500 teachers, closed loop) | {ours['rate']:.0f} | {theirs['rate']:.0f} "
          f"| {raw['rate']:.0f} | ≥ 50% of the echo bot: {ratio:.0%} |")  # fmt: skip
    print(f"| reply latency p50 / p99 ({offered:.0f} updates/s offered) "
          f"| {ours['p50_ms']:.0f} / {ours['p99_ms']:.0f} ms "
          f"| {theirs['p50_ms']:.0f} / {theirs['p99_ms']:.0f} ms | {raw['p50_ms']:.0f} / {raw['p99_ms']:.0f} ms "
          "| p99 < 1,000 ms |")  # fmt: skip
    print(f"| weekly update sent meanwhile ({args.parents:,} queued) | {ours['broadcast_per_s']:.1f} msg/s | – | – "
          "| drains steadily |")  # fmt: skip
    print(f"| start-up time ({args.children:,} children) | {ours['startup_s']:.2f} s | {theirs['startup_s']:.2f} s "
          f"| {raw['startup_s']:.2f} s | < 3 s |")  # fmt: skip
    print(f"| resident memory after start / after load | {ours['rss_start_mb']:.0f} / {ours['rss_end_mb']:.0f} MB "
          f"| {theirs['rss_start_mb']:.0f} / {theirs['rss_end_mb']:.0f} MB "
          f"| {raw['rss_start_mb']:.0f} / {raw['rss_end_mb']:.0f} MB | < 300 MB |")  # fmt: skip
    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--care", type=int, default=200_000)
    parser.add_argument("--parents", type=int, default=100_000)
    parser.add_argument("--every", type=float, default=30, help="mean seconds between a teacher's messages")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
