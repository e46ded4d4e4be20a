"""The bot as a process under load, compared with a minimal PTB echo bot on the same HTTP Bot API server.

python -m bench.bench_process [--seconds 15] [--steady-seconds S] [--children 50000] [--care 200000]
                              [--parents 100000] [--every 30] [--think 4] [--tick-seconds 5] [--only-shouwang]

1. Builds a county database (bench/county.py: 50,000 children, 100,000 guardians, 5,000 staff, care records); the
   500 benchmark teachers are head teachers of a class (or subject teachers where the county has fewer classes),
   many also mentors of paired children.
2. Starts `python -m bot --config ...` against tests/botapi_server.py and measures the start-up time (spawn to
   first getUpdates) and the resident memory (VmRSS) after start and after the load.
3. Saturation: the 500 teachers walk the real flows — /checkin (pick a child on a button, "一切正常"; sometimes
   the four ratings, a typed note and save), /visit (child, kind, a typed date, typed participants and notes, no
   follow-up, save) and now and then /mychildren — each sending the next step as soon as the bot has answered
   the last, for --seconds: updates (steps) handled per second. The echo bots get the same updates (typed text
   and button taps) and answer each with one message, once with PTB's AIORateLimiter (Telegram's 30 messages/s,
   as Shouwang has) and once without.
4. Realistic load while the weekly update drains: each teacher walks a flow with about --think seconds between
   its steps, then rests, so that on average a teacher sends a step every --every seconds (500 / 30 s: about 17
   updates/s offered once everyone is under way; the table shows the rate measured) while 100,000 weekly updates
   wait in the outbox: reply latency p50/p99 (push of the update to the first message the bot sends that teacher
   in answer, measured at the server; also per kind of update: command, button, typed) and broadcast messages
   sent meanwhile. --steady-seconds sets this phase's length (default: --seconds).

The table's CPU line is each bot process's CPU time (user + system) over the closed loop divided by the steps it
handled: the real flows' mix, one bot after the other. bench/bench_cpu.py holds `/help` and the `/checkin` steps
to the same measure with both bots running side by side, taking turns, which is the figure to compare.

BENCH_PROFILE=/tmp/bot.prof runs the bot under cProfile (`--only-shouwang` skips the echo bots); BENCH_CPU=1 pins the
bot to that one core (`taskset`), as on a one-core server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import textwrap
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.county import percentile, populate
from bot.domain import schedule
from bot.domain.clock import to_db
from bot.storage.db import Database
from tests.botapi_server import BotAPIServer, RemoteUser
from tests.fakebot import Sent

ROOT = Path(__file__).resolve().parents[1]
TEACHERS = [10_000 + i for i in range(500)]
PARENT_BASE = 100_000
STEP_TIMEOUT = 30.0
TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Step:
    """One update a teacher sends, and what the bot's answer to it must show before the next step.

    `text` is typed (``{yesterday}`` becomes yesterday's date in the school's time zone); `press` taps, on the
    latest message that has one, a button whose callback data matches this regex (one at random if several do).
    The step is done when a message to the teacher (new or edited) has a button matching `expect`, or contains
    `expect_text`, or — with neither — on the first message."""

    kind: str  # "command", "typed" or "button": the latencies are reported per kind too
    text: str = ""
    press: str = ""
    expect: str = ""
    expect_text: str = ""
    measured: bool = True  # False for the /cancel that closes a flow cut short at the end of a phase


CANCEL = Step("command", text="/cancel", measured=False)


def _cmd(text: str, expect: str = "", expect_text: str = "") -> Step:
    return Step("command", text=text, expect=expect, expect_text=expect_text)


def _typed(text: str, expect: str = "", expect_text: str = "") -> Step:
    return Step("typed", text=text, expect=expect, expect_text=expect_text)


def _tap(press: str, expect: str = "", expect_text: str = "") -> Step:
    return Step("button", press=press, expect=expect, expect_text=expect_text)


SAVED = "✅"
# The real flows of bot/handlers/checkin.py and visit.py, as a teacher walks them.
CHECKIN_FINE = (
    _cmd("/checkin", expect=r"^ci:c:"),
    _tap(r"^ci:c:", expect=r"^ci:ok:"),
    _tap(r"^ci:ok:", expect_text=SAVED),
)
CHECKIN_RATED = (
    _cmd("/checkin", expect=r"^ci:c:"),
    _tap(r"^ci:c:", expect=r"^ci:d:"),
    _tap(r"^ci:d:", expect=r"^ci:r:\w+:0:"),
    _tap(r"^ci:r:\w+:0:[23]$", expect=r"^ci:r:\w+:1:"),
    _tap(r"^ci:r:\w+:1:[23]$", expect=r"^ci:r:\w+:2:"),
    _tap(r"^ci:r:\w+:2:[23]$", expect=r"^ci:r:\w+:3:"),
    _tap(r"^ci:r:\w+:3:[23]$", expect=r"^ci:sk:"),
    _typed("这周上课很专心，和同学相处也好。", expect=r"^ci:s:"),
    _tap(r"^ci:s:", expect_text=SAVED),
)
VISIT = (
    _cmd("/visit", expect=r"^vi:c:"),
    _tap(r"^vi:c:", expect=r"^vi:k:"),
    _tap(r"^vi:k:", expect=r"^vi:dt:"),
    _typed("{yesterday}", expect=r"^vi:sk:"),
    _typed("奶奶、孩子本人", expect_text="请简要记录情况"),
    _typed("孩子在家按时完成作业，奶奶身体还好；提醒周末给妈妈打电话。", expect=r"^vi:f:"),
    _tap(r"^vi:f:\w+:n$", expect=r"^vi:s:"),
    _tap(r"^vi:s:", expect_text=SAVED),
)
MY_CHILDREN = (_cmd("/mychildren"),)
FLOWS: tuple[tuple[float, str, tuple[Step, ...]], ...] = (
    (0.5, "checkin", CHECKIN_FINE),
    (0.15, "checkin_rated", CHECKIN_RATED),
    (0.3, "visit", VISIT),
    (0.05, "mychildren", MY_CHILDREN),
)


def pick_flow(rng: random.Random) -> tuple[str, tuple[Step, ...]]:
    weights = [w for w, _, _ in FLOWS]
    _, name, steps = rng.choices(FLOWS, weights)[0]
    return name, steps


@dataclass
class Pending:
    step: Step
    started: float
    event: asyncio.Event = field(default_factory=asyncio.Event)
    answered: bool = False
    last_text: str = ""

    def satisfied_by(self, params: dict[str, Any]) -> bool:
        text = str(params.get("text", ""))
        self.last_text = text
        if self.step.expect:
            markup = params.get("reply_markup")
            rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
            return any(re.search(self.step.expect, str(b.get("callback_data", ""))) for row in rows for b in row)
        if self.step.expect_text:
            return self.step.expect_text in text
        return True


@dataclass
class Load:
    """Teachers walking the bot's flows; each step's latency is measured at the server, from the push of the
    update to the first message (new or edited) the bot sends that teacher in answer."""

    server: BotAPIServer
    echo: bool = False  # the echo bot answers every update with one message: same updates, any answer will do
    pending: dict[int, Pending] = field(default_factory=dict)
    latencies: list[tuple[str, float]] = field(default_factory=list)
    steps_done: int = 0
    flows_done: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    broadcast: int = 0
    users: dict[int, RemoteUser] = field(default_factory=dict)
    trace: list[tuple[float, float, int, str]] = field(default_factory=list)  # BENCH_TRACE: the slowest steps

    def hook(self, method: str, params: dict[str, Any]) -> None:
        if method not in ("sendMessage", "editMessageText"):
            return
        chat = int(params.get("chat_id", 0))
        if chat >= PARENT_BASE:
            self.broadcast += 1
            return
        pending = self.pending.get(chat)
        if pending is None:
            return
        if not pending.answered and pending.step.measured:
            pending.answered = True
            self.latencies.append((pending.step.kind, time.perf_counter() - pending.started))
            if os.environ.get("BENCH_TRACE"):
                self.trace.append((pending.started, time.perf_counter() - pending.started, chat,
                                   pending.step.text or pending.step.press))  # fmt: skip
        if self.echo or pending.satisfied_by(params):
            del self.pending[chat]
            pending.event.set()

    def user(self, user_id: int) -> RemoteUser:
        if user_id not in self.users:
            self.users[user_id] = self.server.user(user_id, f"教师{user_id}")
        return self.users[user_id]

    async def step(self, user_id: int, step: Step, rng: random.Random) -> bool:
        """Sends one step and waits until the bot's answer shows what the next step needs."""
        user = self.user(user_id)
        pending = Pending(step, time.perf_counter())
        if step.press:
            target = _button(user, step.press, rng)
            if target is None and not self.echo:
                self.failures.append(f"no button {step.press!r}; last message: {user.last_text[:80]!r}")
                return False
            self.pending[user_id] = pending
            if target is None:  # the echo bot: a tap on a message it never sent
                message = Sent(message_id=1, chat_id=user_id, text="echo", reply_markup=None)
                await user.press_data("echo:tap", message)
            else:
                await user.press_data(target[1], target[0])
        else:
            self.pending[user_id] = pending
            yesterday = (datetime.now(TZ).date() - timedelta(days=1)).strftime("%Y年%-m月%-d日")
            await user.send(step.text.replace("{yesterday}", yesterday))
        try:
            await asyncio.wait_for(pending.event.wait(), STEP_TIMEOUT)
        except TimeoutError:
            self.pending.pop(user_id, None)
            self.failures.append(f"{step.kind} {step.text or step.press!r}: no {step.expect or step.expect_text!r}; "
                                 f"last: {pending.last_text[:80]!r}")  # fmt: skip
            return False
        self.steps_done += step.measured
        return True

    async def flow(self, user_id: int, rng: random.Random, think: Callable[[], Awaitable[bool]]) -> None:
        """One whole flow (a check-in, a visit…); `think` waits between steps and says whether to go on.
        A flow that went wrong is cancelled, so the teacher's next flow starts clean."""
        name, steps = pick_flow(rng)
        for index, step in enumerate(steps):
            if (index and not await think()) or not await self.step(user_id, step, rng):
                # Cut short (the phase ends, or the bot did not answer as expected): leave no flow open.
                await self.step(user_id, CANCEL, rng)
                return
        self.flows_done[name] = self.flows_done.get(name, 0) + 1


def _button(user: RemoteUser, pattern: str, rng: random.Random) -> tuple[Sent, str] | None:
    """The latest message with a button matching `pattern`, and one such button's data."""
    for sent in reversed(user.inbox[-6:]):
        matching = [str(b["callback_data"]) for b in sent.buttons() if re.search(pattern, str(b["callback_data"]))]
        if matching:
            return sent, rng.choice(matching)
    return None


async def saturate(load: Load, seconds: float) -> float:
    """Closed loop: every teacher sends the next step as soon as the last one is answered. Steps per second."""
    stop = time.perf_counter() + seconds
    before = load.steps_done

    async def go_on() -> bool:
        return time.perf_counter() < stop

    async def teacher(user_id: int) -> None:
        rng = random.Random(user_id)
        while time.perf_counter() < stop:
            await load.flow(user_id, rng, go_on)

    started = time.perf_counter()
    await asyncio.gather(*(teacher(t) for t in TEACHERS))
    return (load.steps_done - before) / (time.perf_counter() - started)


async def steady(
    load: Load, seconds: float, every: float = 30.0, think: float = 4.0, seed: int = 7
) -> list[tuple[str, float]]:
    """Open loop: a teacher walks a flow taking about `think` s (exponential) between its steps, then rests until
    the next flow; the rest is chosen so that each teacher sends a step every `every` s on average (500 / 30 s:
    about 17 updates/s offered once every teacher is under way). This phase's latencies."""
    stop = time.perf_counter() + seconds
    first = len(load.latencies)
    total = sum(weight for weight, _, _ in FLOWS)
    steps_per_flow = sum(weight * len(steps) for weight, _, steps in FLOWS) / total
    rest = max(think, steps_per_flow * every - (steps_per_flow - 1) * think)

    async def teacher(user_id: int) -> None:
        rng = random.Random(seed * 1_000_003 + user_id)

        def left() -> float:
            return max(0.0, stop - time.perf_counter())

        async def pause() -> bool:
            await asyncio.sleep(min(rng.expovariate(1 / think), left()))
            return left() > 0

        await asyncio.sleep(min(rng.uniform(0, rest), seconds))  # flows start evenly from the first second
        while left() > 0:
            await load.flow(user_id, rng, pause)
            await asyncio.sleep(min(rng.expovariate(1 / rest), left()))

    await asyncio.gather(*(teacher(t) for t in TEACHERS))
    return load.latencies[first:]


def prepare_county(database: Path) -> None:
    """Every benchmark teacher can log care: a head teacher keeps their class; the others (a small county has
    fewer classes than 500) teach a class as subject teachers. Mentees come from the county's pairings.

    The scheduler is in its steady state, as in a bot that has been running: this week's update and today's
    mentor digests are done, every family call that fell due was reminded. (Otherwise the first tick would queue
    a year of calls for a county created today, which measures a catch-up, not the steady per-update cost.)"""
    today = datetime.now(TZ).date()
    now = to_db(datetime.now(UTC))
    conn = sqlite3.connect(database, timeout=30)
    try:
        classes = [r[0] for r in conn.execute("SELECT id FROM classes ORDER BY id")]
        with conn:
            conn.executemany(
                "INSERT OR IGNORE INTO staff_roles (user_id, role, class_id, granted_at)"
                " SELECT ?, 'subject_teacher', ?, ? WHERE NOT EXISTS"
                " (SELECT 1 FROM staff_roles WHERE user_id = ? AND role = 'head_teacher')",
                [(t, classes[i % len(classes)], now, t) for i, t in enumerate(TEACHERS)],
            )
            conn.execute(
                "INSERT OR REPLACE INTO family_call_runs (child_id, last_slot)"
                " SELECT child_id, ? FROM family_call_plans",
                (now,),
            )
            conn.executemany(
                "INSERT OR REPLACE INTO scheduler_runs (job, last_key, updated_at) VALUES (?, ?, ?)",
                [("weekly_update", schedule.week_key(today), now), ("mentor_digest", today.isoformat(), now)],
            )
    finally:
        conn.close()


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far (user + system, /proc/PID/stat): what an update costs on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


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


def write_config(folder: Path, server: BotAPIServer, *, tick_seconds: int = 5) -> Path:
    """The bot's config for a run: its scheduler ticks every `tick_seconds` (six times the default of 30 s)."""
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
            tick_seconds = {tick_seconds}
            quiet_start = "00:00"
            quiet_end = "00:01"
            # The county's silent children were reported long ago (no alerts to teachers amid their replies).
            no_contact_alert_days = 3650
            """
        ),
        encoding="utf-8",
    )
    return path


async def measure(
    name: str, argv: Callable[[BotAPIServer], list[str]], folder: Path, args: argparse.Namespace, *, echo: bool
) -> dict[str, Any]:
    server = await BotAPIServer.start()
    load = Load(server, echo=echo)
    server.on_request = load.hook
    result: dict[str, Any] = {}
    try:
        proc, result["startup_s"] = await spawn(argv(server), server, folder / f"{name}.log")
        result["rss_start_mb"] = rss_mb(proc.pid)
        try:
            cpu_before, steps_before = cpu_seconds(proc.pid), load.steps_done
            result["rate"] = await saturate(load, args.seconds)
            result["cpu_ms_per_update"] = (
                (cpu_seconds(proc.pid) - cpu_before) * 1000 / max(load.steps_done - steps_before, 1)
            )
            if not echo:
                await asyncio.to_thread(enqueue_weekly, folder / "county.db", args.parents)
            sent_before = load.broadcast
            started = time.perf_counter()
            latencies = await steady(load, args.steady_seconds or args.seconds, args.every, args.think)
            for at, took, chat, what in sorted((t for t in load.trace if t[0] >= started), key=lambda t: -t[1])[:15]:
                print(f"  slow: at {at - started:+.2f} s took {took * 1000:.0f} ms chat {chat} {what}")
            elapsed = time.perf_counter() - started
            result["broadcast_per_s"] = (load.broadcast - sent_before) / elapsed
            result["offered_per_s"] = len(latencies) / elapsed
            everything = [seconds for _, seconds in latencies]
            result["p50_ms"] = percentile(everything, 0.5) * 1000
            result["p99_ms"] = percentile(everything, 0.99) * 1000
            result["steps"] = len(everything)
            for kind in ("command", "button", "typed"):
                of_kind = [seconds for k, seconds in latencies if k == kind]
                if of_kind:
                    result[f"p99_{kind}_ms"] = percentile(of_kind, 0.99) * 1000
            result["rss_end_mb"] = rss_mb(proc.pid)
        finally:
            await stop(proc)
    finally:
        await server.close()
    result["flows"] = dict(load.flows_done)
    result["failures"] = list(load.failures)
    print(f"{name}: {_summary(result)}", flush=True)
    return result


def _summary(result: dict[str, Any]) -> str:
    numbers = ", ".join(f"{k}={v:.1f}" for k, v in result.items() if isinstance(v, float))
    text = f"{numbers}; flows completed {result['flows']}; failed steps {len(result['failures'])}"
    for failure in result["failures"][:5]:
        text += f"\n  failed: {failure}"
    return text


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="shouwang-load-") as tmp:
        folder = Path(tmp)
        database = folder / "county.db"
        db = await Database.open(database)  # migrations
        await db.close()
        built = time.perf_counter()
        counts = populate(database, children=args.children, care_records=args.care)
        prepare_county(database)
        print(f"county: {counts} built in {time.perf_counter() - built:.1f} s", flush=True)
        probe = await BotAPIServer.start()
        config = write_config(folder, probe, tick_seconds=args.tick_seconds)
        await probe.close()

        def shouwang(server: BotAPIServer) -> list[str]:
            write_config(folder, server, tick_seconds=args.tick_seconds)
            profile = os.environ.get("BENCH_PROFILE")  # a cProfile of the bot process, for finding where time goes
            runner = ["-m", "cProfile", "-o", profile] if profile else []
            # BENCH_CPU=1: the bot on that one core only (a small server), the load generator elsewhere.
            pinned = ["taskset", "-c", os.environ["BENCH_CPU"]] if os.environ.get("BENCH_CPU") else []
            return [*pinned, sys.executable, *runner, "-m", "bot", "--config", str(config)]

        def echo(server: BotAPIServer) -> list[str]:
            return [sys.executable, str(ROOT / "bench" / "echo_bot.py"), server.base_url, server.token]

        def echo_limited(server: BotAPIServer) -> list[str]:
            return [*echo(server), "--rate-limited"]

        ours = await measure("shouwang", shouwang, folder, args, echo=False)
        if args.only_shouwang:
            return
        theirs = await measure("echo", echo_limited, folder, args, echo=True)
        raw = await measure("echo-raw", echo, folder, args, echo=True)
    ratio = ours["rate"] / theirs["rate"]
    print()
    offered = ours["offered_per_s"]
    by_kind = " · ".join(f"{k} {ours[f'p99_{k}_ms']:,.0f}" for k in ("command", "button", "typed")
                         if f"p99_{k}_ms" in ours)  # fmt: skip
    print("| measure | Shouwang | echo bot, PTB rate limiter | echo bot, no limiter | goal |")
    print("|---|---|---|---|---|")
    print(f"| updates handled per second (500 teachers, closed loop) | {ours['rate']:.0f} | {theirs['rate']:.0f} "
          f"| {raw['rate']:.0f} | ≥ 50 % of the echo bot: {ratio:.0%} |")  # fmt: skip
    cpu = [result["cpu_ms_per_update"] for result in (ours, theirs, raw)]
    print(f"| CPU per update in that loop (user + system) | {cpu[0]:.1f} ms | {cpu[1]:.1f} ms | {cpu[2]:.1f} ms "
          f"| – ({cpu[0] / cpu[1]:.2f}× the rate-limited echo bot's; the goal's figures: bench_cpu) |")  # fmt: skip
    print(f"| reply latency p50 / p99 ({offered:.0f} updates/s offered) while {args.parents:,} weekly updates drain "
          f"| {ours['p50_ms']:,.0f} / {ours['p99_ms']:,.0f} ms "
          f"| {theirs['p50_ms']:,.0f} / {theirs['p99_ms']:,.0f} ms "
          f"| {raw['p50_ms']:,.0f} / {raw['p99_ms']:,.0f} ms | p99 < 1,000 ms |")  # fmt: skip
    print(f"| p99 by kind of update (ms) | {by_kind} | – | – | |")
    print(f"| weekly update sent meanwhile | {ours['broadcast_per_s']:.1f} messages/s | – | – | drains |")
    print(f"| start-up time ({args.children:,} children) | {ours['startup_s']:.2f} s | {theirs['startup_s']:.2f} s "
          f"| {raw['startup_s']:.2f} s | < 3 s |")  # fmt: skip
    print(f"| resident memory after start / after the load | {ours['rss_start_mb']:.0f} / {ours['rss_end_mb']:.0f} MB "
          f"| {theirs['rss_start_mb']:.0f} / {theirs['rss_end_mb']:.0f} MB "
          f"| {raw['rss_start_mb']:.0f} / {raw['rss_end_mb']:.0f} MB | < 300 MB |")  # fmt: skip
    print(f"\nflows completed by Shouwang: {ours['flows']}; failed steps: {len(ours['failures'])}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--care", type=int, default=200_000)
    parser.add_argument("--parents", type=int, default=100_000)
    parser.add_argument("--every", type=float, default=30, help="mean seconds between a teacher's updates")
    parser.add_argument("--think", type=float, default=4, help="mean seconds between two steps of one flow")
    parser.add_argument("--steady-seconds", type=float, default=0, help="length of phase 4 (default: --seconds)")
    parser.add_argument("--tick-seconds", type=int, default=5, help="the scheduler's tick (the bot's default: 30)")
    parser.add_argument("--only-shouwang", action="store_true", help="skip the echo bots (while profiling)")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
