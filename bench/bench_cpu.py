"""CPU time per update: Shouwang against a bare python-telegram-bot echo bot, side by side in one run.

python -m bench.bench_cpu [--children 5000] [--updates 600] [--teachers 20] [--runs 3] [--slices 4]
                           [--only help|checkin] [--against CHECKOUT]  (BENCH_PROFILE=FILE: cProfile the bot)

Both bots run as processes, at the same time, each against its own HTTP Bot API server (tests/botapi_server.py),
both with PTB's AIORateLimiter. The same teachers (bench/bench_process.py's county: head teachers of a class) send
the same updates in a closed loop (`--teachers` at a time, each waiting for the answer before sending the next):
`/help`, then the three steps of a quick `/checkin` (the command, a child's button, 一切正常). The figure is the
process's CPU time (user + system, from /proc/PID/stat) over the phase divided by the updates sent, after a
warm-up; CPU time, not wall time, so other work on the machine changes it little. Each phase's updates are sent in
`--slices` turns, the bots taking turns (the idle one waits for its next turn), so that other work starting or
ending on a shared machine weighs on both bots alike. With --runs N this is done N times, with new processes, each
run starting the other bot first, and the table gives each one's median (and range); the ratio is that of the
medians.

With --against CHECKOUT the second bot is the Shouwang of another checkout (`git worktree add /tmp/before HEAD~1`),
with its own copy of the database: whether a change cut Shouwang's CPU shows far more plainly against the code
before it than in the ratio to the echo bot, whose own figure moves with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from bench.bench_process import CHECKIN_FINE, ROOT, TEACHERS, Load, Step, _cmd, cpu_seconds, prepare_county, spawn, stop
from bench.bench_process import write_config as write_bot_config
from bench.county import populate
from bot.storage.db import Database
from tests.botapi_server import BotAPIServer

HELP = (_cmd("/help", expect_text="/"),)
PHASES: tuple[tuple[str, str, tuple[Step, ...]], ...] = (
    ("help", "`/help`", HELP),
    ("checkin", "`/checkin` steps (the command, a child, 一切正常)", CHECKIN_FINE),
)


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


Bot = tuple[str, Callable[[BotAPIServer], list[str]], bool]  # name, its command line, whether it is the echo bot


async def measure(bots: list[Bot], folder: Path, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Both bots up at once, each against its own server; each phase's updates are sent in `args.slices` slices,
    the bots taking turns, so that a change in the machine's state (other work starting or ending) weighs on both
    alike. Returns each bot's CPU milliseconds per update, per phase."""
    running: list[tuple[str, BotAPIServer, Load, asyncio.subprocess.Process | None]] = []
    figures: dict[str, dict[str, float]] = {name: {} for name, _, _ in bots}
    teachers = TEACHERS[: args.teachers]
    try:
        for name, argv, echo in bots:
            server = await BotAPIServer.start()
            load = Load(server, echo=echo)
            server.on_request = load.hook
            running.append((name, server, load, None))
            proc, _ = await spawn(argv(server), server, folder / f"{name}.log")
            running[-1] = (name, server, load, proc)
        for label, _, steps in PHASES:
            if args.only and label != args.only:
                continue
            for _, _, load, _ in running:
                await walk(load, teachers, steps, len(teachers) * len(steps) * 2)  # warm-up: caches, first flows
            cpu = dict.fromkeys(figures, 0.0)
            sent = dict.fromkeys(figures, 0)
            for _ in range(args.slices):
                for name, _, load, proc in running:
                    assert proc is not None
                    before = cpu_seconds(proc.pid)
                    sent[name] += await walk(load, teachers, steps, max(1, args.updates // args.slices))
                    cpu[name] += cpu_seconds(proc.pid) - before
            for name in figures:
                figures[name][label] = cpu[name] / sent[name] * 1000
    finally:
        for _, server, _, proc in running:
            if proc is not None:
                await stop(proc)
            await server.close()
    for name, _, load, _ in running:
        print(
            f"{name}: " + ", ".join(f"{k} {v:.2f} ms" for k, v in figures[name].items()) + f"; failed "
            f"{len(load.failures)}"
        )
        for failure in load.failures[:5]:
            print(f"  failed: {failure}")
    return figures


def shouwang_from(source: Path, home: Path) -> Callable[[BotAPIServer], list[str]]:
    """Shouwang as `source` (a checkout) has it, with its config and database in `home`."""

    def argv(server: BotAPIServer) -> list[str]:
        profile = os.environ.get("BENCH_PROFILE")  # a cProfile of the bot process, for finding where time goes
        runner = ["-m", "cProfile", "-o", profile] if profile else []
        config = str(write_bot_config(home, server))
        if source == ROOT:
            return [sys.executable, *runner, "-m", "bot", "--config", config]
        # -P: the bot package is the one PYTHONPATH names, not this checkout's (the working directory's)
        return ["env", f"PYTHONPATH={source}", sys.executable, "-P", *runner, "-m", "bot", "--config", config]

    return argv


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="shouwang-cpu-") as tmp:
        folder = Path(tmp)
        database = folder / "county.db"
        db = await Database.open(database)  # migrations
        await db.close()
        populate(database, children=args.children, care_records=args.children * 2)
        prepare_county(database)

        def echo(server: BotAPIServer) -> list[str]:
            script = str(ROOT / "bench" / "echo_bot.py")
            return [sys.executable, script, server.base_url, server.token, "--rate-limited"]

        ours: dict[str, list[float]] = {label: [] for label, _, _ in PHASES}
        theirs: dict[str, list[float]] = {label: [] for label, _, _ in PHASES}
        bots: list[Bot] = [("shouwang", shouwang_from(ROOT, folder), False)]
        homes = [folder]
        if args.against:
            other = folder / "against"
            other.mkdir()
            homes.append(other)
            bots.append(("against", shouwang_from(args.against.resolve(), other), False))
        else:
            bots.append(("echo", echo, True))
        for run in range(args.runs):
            for home in homes:
                if home != folder:
                    shutil.copyfile(database, home / "county.db")
                # Each run's server numbers its updates from 1 again: the last run's would be taken for updates
                # fetched a second time (bot/update_processor.py) and never answered.
                with closing(sqlite3.connect(home / "county.db")) as conn, conn:
                    conn.execute("DELETE FROM inbox")
            # The bot started first pays some 5 % more in the first phase, even against itself: every other run
            # starts the other one first.
            figures = await measure(bots if run % 2 == 0 else bots[::-1], folder, args)
            for label, figure in figures["shouwang"].items():
                ours[label].append(figure)
            for label, figure in figures[bots[1][0]].items():
                theirs[label].append(figure)
    yardstick = f"`{args.against}`" if args.against else "echo bot (PTB rate limiter)"
    print()
    print(f"| CPU per update | Shouwang | {yardstick} | ratio | goal |")
    print("|---|---|---|---|---|")
    for label, what, _ in PHASES:
        if not ours[label]:
            continue
        ratio = statistics.median(ours[label]) / statistics.median(theirs[label])
        each = ", ".join(f"{a / b:.2f}" for a, b in zip(ours[label], theirs[label], strict=True))
        goal = "" if args.against else "≤ 1.5×"
        print(f"| {what} | {_figure(ours[label])} | {_figure(theirs[label])} | {ratio:.2f}× (runs: {each}) | {goal} |")
    print(
        f"\n{args.teachers} teachers, {args.updates} updates per phase in {args.slices} turns, "
        f"{args.children:,} children, {args.runs} run(s) (median, range); python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
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
    parser.add_argument("--slices", type=int, default=4, help="the bots take turns this many times per phase")
    parser.add_argument("--only", choices=[label for label, _, _ in PHASES], help="measure this phase alone")
    parser.add_argument(
        "--against", type=Path, metavar="CHECKOUT", help="the Shouwang of another checkout instead of the echo bot"
    )
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
