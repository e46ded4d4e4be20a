"""CPU time per update: Shouwang against a bare python-telegram-bot echo bot, side by side in one run.

python -m bench.bench_cpu [--children 5000] [--updates 600] [--teachers 20] [--runs 3] [--only help|checkin]
                                                                       (BENCH_PROFILE=FILE: cProfile the bot)

Both bots run as processes against the same kind of HTTP Bot API server (tests/botapi_server.py), both with PTB's
AIORateLimiter. The same teachers (bench/bench_process.py's county: head teachers of a class) send the same
updates in a closed loop (`--teachers` at a time, each waiting for the answer before sending the next): `/help`,
then the three steps of a quick `/checkin` (the command, a child's button, 一切正常). The figure is the
process's CPU time (user + system, from /proc/PID/stat) over the phase divided by the updates sent, after a
warm-up; CPU time, not wall time, so other work on the machine changes it little. With --runs N the two bots are
measured N times in turn on the same county and the table gives each one's median (and range); the ratio is that
of the medians.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from bench.bench_process import CHECKIN_FINE, ROOT, TEACHERS, Load, Step, _cmd, prepare_county, spawn, stop
from bench.bench_process import write_config as write_bot_config
from bench.county import populate
from bot.storage.db import Database
from tests.botapi_server import BotAPIServer

HELP = (_cmd("/help", expect_text="/"),)
PHASES: tuple[tuple[str, str, tuple[Step, ...]], ...] = (
    ("help", "`/help`", HELP),
    ("checkin", "`/checkin` steps (the command, a child, 一切正常)", CHECKIN_FINE),
)
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


async def walk(load: Load, teachers: list[int], steps: tuple[Step, ...], updates: int) -> int:
    """The teachers repeat `steps` in a closed loop until `updates` steps were sent; returns how many were sent."""
    sent = 0

    async def teacher(user_id: int) -> None:
        nonlocal sent
        rng = random.Random(user_id)
        while sent < updates:
            for step in steps:
                sent += 1
                if not await load.step(user_id, step, rng):
                    return

    await asyncio.gather(*(teacher(t) for t in teachers))
    return sent


async def measure(
    name: str, argv: Callable[[BotAPIServer], list[str]], folder: Path, args: argparse.Namespace, *, echo: bool
) -> dict[str, float]:
    server = await BotAPIServer.start()
    load = Load(server, echo=echo)
    server.on_request = load.hook
    figures: dict[str, float] = {}
    try:
        proc, _ = await spawn(argv(server), server, folder / f"{name}.log")
        teachers = TEACHERS[: args.teachers]
        try:
            for label, _, steps in PHASES:
                if args.only and label != args.only:
                    continue
                await walk(load, teachers, steps, len(teachers) * len(steps) * 2)  # warm-up: caches, first flows
                before = cpu_seconds(proc.pid)
                count = await walk(load, teachers, steps, args.updates)
                figures[label] = (cpu_seconds(proc.pid) - before) / count * 1000
        finally:
            await stop(proc)
    finally:
        await server.close()
    print(f"{name}: " + ", ".join(f"{k} {v:.2f} ms" for k, v in figures.items()) + f"; failed {len(load.failures)}")
    for failure in load.failures[:5]:
        print(f"  failed: {failure}")
    return figures


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="shouwang-cpu-") as tmp:
        folder = Path(tmp)
        database = folder / "county.db"
        db = await Database.open(database)  # migrations
        await db.close()
        populate(database, children=args.children, care_records=args.children * 2)
        prepare_county(database)

        def shouwang(server: BotAPIServer) -> list[str]:
            profile = os.environ.get("BENCH_PROFILE")  # a cProfile of the bot process, for finding where time goes
            runner = ["-m", "cProfile", "-o", profile] if profile else []
            return [sys.executable, *runner, "-m", "bot", "--config", str(write_bot_config(folder, server))]

        def echo(server: BotAPIServer) -> list[str]:
            script = str(ROOT / "bench" / "echo_bot.py")
            return [sys.executable, script, server.base_url, server.token, "--rate-limited"]

        ours: dict[str, list[float]] = {label: [] for label, _, _ in PHASES}
        theirs: dict[str, list[float]] = {label: [] for label, _, _ in PHASES}
        for _ in range(args.runs):
            # Each run's server numbers its updates from 1 again: the last run's would be taken for updates
            # fetched a second time (bot/update_processor.py) and never answered.
            with closing(sqlite3.connect(database)) as conn, conn:
                conn.execute("DELETE FROM inbox")
            for label, figure in (await measure("shouwang", shouwang, folder, args, echo=False)).items():
                ours[label].append(figure)
            for label, figure in (await measure("echo", echo, folder, args, echo=True)).items():
                theirs[label].append(figure)
    print()
    print("| CPU per update | Shouwang | echo bot (PTB rate limiter) | ratio | goal |")
    print("|---|---|---|---|---|")
    for label, what, _ in PHASES:
        if not ours[label]:
            continue
        ratio = statistics.median(ours[label]) / statistics.median(theirs[label])
        print(f"| {what} | {_figure(ours[label])} | {_figure(theirs[label])} | {ratio:.2f}× | ≤ 1.5× |")
    print(
        f"\n{args.teachers} teachers, {args.updates} updates per phase, {args.children:,} children, {args.runs} run(s) "
        f"(median, range); python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}"
    )


def _figure(values: list[float]) -> str:
    median = f"{statistics.median(values):.1f} ms"
    return median if len(values) == 1 else f"{median} ({min(values):.1f}–{max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--updates", type=int, default=600)
    parser.add_argument("--teachers", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1, help="measure both bots this many times, in turn")
    parser.add_argument("--only", choices=[label for label, _, _ in PHASES], help="measure this phase alone")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
