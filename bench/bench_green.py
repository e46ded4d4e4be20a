"""Green channel benchmarks (not part of the test suite).

1. Composing the weekly update for 100,000 parents from a synthetic school of 50,000 children (each child with
   two bound parents, a check-in this week, some visits, notes and family-call plans): the whole
   `queue_weekly` path, i.e. compose + write 100,000 outbox rows in one transaction. Goal: under 60 s.
   With --county FOLDER: the same on the county of bench/county.py (100 schools, 50,000 children, 100,000
   guardians), built in FOLDER once (or reused, as bench_stats --keep leaves it): every school's parents and every
   school's admin digest, i.e. the weekly update for every school queued. Goal: under 60 s.
2. The outbox sender against a fake Bot API that allows 30 messages a second overall (a 31st within one second
   gets a 429 with retry_after=1): messages per second sustained. Goal: at least 28.

Run: .venv/bin/python -m bench.bench_green [--children 50000] [--messages 600]
     .venv/bin/python -m bench.bench_green --county FOLDER [--schools 100] [--children 50000] [--care 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import resource
import tempfile
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram.ext import ExtBot
from telegram.request import BaseRequest, RequestData

from bench import county
from bot.config import Config, load_config
from bot.domain import schedule
from bot.domain.clock import to_db
from bot.jobs.outbox import OutboxSender
from bot.services import Services
from bot.services import weekly_update as weekly_update_service
from bot.storage import outbox
from bot.storage.db import Database
from bot.telegram_io.rate_limit import OutboxRateLimiter
from bot.views import Renderer

FRIDAY_EVENING = datetime(2026, 3, 6, 10, 5, tzinfo=UTC)  # 18:05 in Shanghai
MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def reset_peak_rss() -> None:
    """Starts the process's peak resident memory (VmHWM) again from what it holds now (Linux), so the peak read
    next is the composition's, not the building's of the synthetic school in the same process."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # elsewhere: the peak since the start (ru_maxrss)


def rss_mb(field: str = "VmHWM") -> float:
    """The peak (VmHWM) or current (VmRSS) resident memory in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_config(folder: Path, rate: float) -> Config:
    path = folder / "config.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [telegram]
            token = "123456:BENCH-token"
            [school]
            name = "示范学校"
            admins = [1]
            [storage]
            database = "green.db"
            [scheduler]
            messages_per_second = {rate}
            # No quiet hours (a minute past midnight): run at night, the routine rows would wait for the morning.
            quiet_start = "00:00"
            quiet_end = "00:01"
            """
        ),
        encoding="utf-8",
    )
    return load_config(path, environ={})


async def build_school(db: Database, children: int) -> None:
    created = to_db(MONDAY)
    async with db.transaction():
        await db.execute("INSERT INTO users (id, full_name, created_at) VALUES (1, 'admin', ?)", (created,))
        await db.execute(
            "INSERT INTO staff_roles (user_id, role, school_id, granted_at) VALUES (1, 'admin', 1, ?)", (created,)
        )
        classes = []
        for grade in range(6):
            await db.execute("INSERT INTO grades (name, sort_order) VALUES (?, ?)", (f"{grade + 1}年级", grade))
            for number in range(max(children // 300, 1)):
                class_id = await db.insert(
                    "INSERT INTO classes (school_id, grade_id, name) VALUES (1, ?, ?)", (grade + 1, f"{number + 1}班")
                )
                classes.append(class_id)
        await db.executemany(
            "INSERT INTO children (id, name, sex, birth_date, class_id, parents_away, created_at, updated_at)"
            " VALUES (?, ?, 'male', '2015-03-08', ?, 'both', ?, ?)",
            ((i, f"孩子{i}", classes[i % len(classes)], created, created) for i in range(1, children + 1)),
        )
        parents = [(100_000 + i, f"家长{i}", created) for i in range(1, 2 * children + 1)]
        await db.executemany("INSERT INTO users (id, full_name, created_at) VALUES (?, ?, ?)", parents)
        await db.executemany(
            "INSERT INTO guardians (user_id, child_id, relationship, bound_at) VALUES (?, ?, ?, ?)",
            ((100_000 + i, (i + 1) // 2, "mother" if i % 2 else "father", created) for i in range(1, 2 * children + 1)),
        )
        await db.executemany(
            "INSERT INTO checkins (child_id, author_id, at, study, life, mood, health) VALUES (?, 1, ?, ?, 3, ?, 3)",
            ((i, to_db(MONDAY + timedelta(hours=30)), 1 + i % 3, 1 + (i // 3) % 3) for i in range(1, children + 1)),
        )
        await db.executemany(
            "INSERT INTO visits (child_id, kind, visit_date, author_id, created_at) VALUES (?, 'home_visit', ?, 1, ?)",
            ((i, "2026-03-04", created) for i in range(1, children + 1, 5)),
        )
        await db.executemany(
            "INSERT INTO parent_notes (child_id, author_id, text, created_at) VALUES (?, 1, ?, ?)",
            ((i, "这周表现很好，按时完成作业。", created) for i in range(1, children + 1, 10)),
        )
        await db.executemany(
            "INSERT INTO family_call_plans (child_id, rhythm, weekday, at_time, start_date, created_at, updated_at)"
            " VALUES (?, 'weekly', 6, '19:00', '2026-03-02', ?, ?)",
            ((i, created, created) for i in range(1, children + 1, 2)),
        )


async def bench_compose(children: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = write_config(Path(folder), 25)
        db = await Database.open(config.storage.database)
        started = time.perf_counter()
        await build_school(db, children)
        print(f"built {children} children, {2 * children} parents in {time.perf_counter() - started:.1f} s")
        await db.close()  # as a bot process holds it: opened, not just filled by this one
        db = await Database.open(config.storage.database)
        services = Services(config=config, db=db, clock=lambda: FRIDAY_EVENING, render=Renderer(config))
        built_peak, before = rss_mb(), rss_mb("VmRSS")
        reset_peak_rss()
        started = time.perf_counter()
        queued = await weekly_update_service.queue_weekly(services)
        seconds = time.perf_counter() - started
        peak = rss_mb()
        weekly = await db.fetchval("SELECT COUNT(*) FROM outbox WHERE kind = 'green.weekly'")
        print(f"weekly update: {weekly} parents composed and queued ({queued} rows with the admin digest) in "
              f"{seconds:.1f} s; peak RSS while composing {peak:.0f} MB ({before:.0f} MB resident before it; "
              f"building the school had peaked at {built_peak:.0f} MB)")  # fmt: skip
        await db.close()


async def bench_county(folder: Path, schools: int, children: int, care: int) -> None:
    """The weekly update for every school of a county: the parents' messages and each school's admin digest."""
    if (folder / "county.db").exists():
        config = county.write_config(folder)
        db = await Database.open(config.storage.database)
        # A county measured before: its week is queued again from nothing.
        await db.execute("DELETE FROM scheduler_runs WHERE job LIKE 'weekly_update%'")
        await db.execute("DELETE FROM outbox")
        print(f"reusing {config.storage.database}")
    else:
        config, db, counts, built = await county.open_county(
            folder, schools=schools, children=children, care_records=care
        )
        print(f"built {counts} in {built:.1f} s")
    services = Services(config=config, db=db, clock=lambda: FRIDAY_EVENING, render=Renderer(config))
    before = rss_mb("VmRSS")
    reset_peak_rss()  # a county built in this process peaked while building it
    started = time.perf_counter()
    queued = await weekly_update_service.queue_weekly(services)
    seconds = time.perf_counter() - started
    peak = rss_mb()
    weekly = await db.fetchval("SELECT COUNT(*) FROM outbox WHERE kind = 'green.weekly'")
    digests = queued - weekly
    # The digests' share: the same queries again (the outbox's dedup key makes the queuing a no-op).
    today = FRIDAY_EVENING.astimezone(config.school.timezone).date()
    key = schedule.week_key(today)
    moment = schedule.weekly_moment(
        today, config.scheduler.weekly_update_day, config.scheduler.weekly_update_time, config.school.timezone
    )
    started = time.perf_counter()
    for (school_id,) in await db.fetchall("SELECT id FROM schools ORDER BY id"):
        school_key = weekly_update_service.school_key(key, school_id)
        await weekly_update_service._queue_school_digest(services, school_id, today, school_key, moment, FRIDAY_EVENING)
    digest_seconds = time.perf_counter() - started
    school_count = await db.fetchval("SELECT COUNT(*) FROM schools")
    print(f"county weekly update: {weekly} parents and {digests} admin digests of {school_count} schools queued in "
          f"{seconds:.1f} s (the digests {digest_seconds:.1f} s of it); peak RSS while composing {peak:.0f} MB "
          f"({before:.0f} MB resident before)")  # fmt: skip
    await db.close()


class LimitedBotAPI(BaseRequest):
    """A Bot API allowing `limit` messages in any one second overall; more get a 429 with retry_after=1."""

    def __init__(self, limit: int = 30) -> None:
        self.limit = limit
        self.sent: collections.deque[float] = collections.deque()
        self.delivered = 0
        self.refused = 0
        self.ids = 0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, read_timeout: Any = None,
        write_timeout: Any = None, connect_timeout: Any = None, pool_timeout: Any = None,
    ) -> tuple[int, bytes]:  # fmt: skip
        api_method = url.rsplit("/", 1)[-1]
        if api_method == "getMe":
            me = {"id": 42, "is_bot": True, "first_name": "守望", "username": "shouwang_bot"}
            return 200, json.dumps({"ok": True, "result": me}).encode()
        now = time.monotonic()
        while self.sent and now - self.sent[0] >= 1:
            self.sent.popleft()
        if len(self.sent) >= self.limit:
            self.refused += 1
            body = {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests",
                "parameters": {"retry_after": 1},
            }
            return 429, json.dumps(body).encode()
        self.sent.append(now)
        self.delivered += 1
        self.ids += 1
        params = dict(request_data.parameters) if request_data else {}
        chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "家长"}
        result = {"message_id": self.ids, "date": int(time.time()), "chat": chat, "text": str(params.get("text"))}
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def bench_sender(messages: int, rate: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = write_config(Path(folder), rate)
        db = await Database.open(config.storage.database)
        services = Services(config=config, db=db, clock=lambda: datetime.now(UTC))
        now = services.now()
        async with db.transaction():
            for index in range(messages):
                await outbox.enqueue(
                    db, recipient_id=200_000 + index, kind="bench", dedup_key="w", text=f"第{index}条周报", now=now
                )
        api = LimitedBotAPI(30)
        bot: ExtBot[None] = ExtBot("123456:BENCH-token", request=api, get_updates_request=api,
                                   rate_limiter=OutboxRateLimiter())  # fmt: skip
        await bot.initialize()
        sender = OutboxSender(bot, services)
        started = time.perf_counter()
        sent = await sender.drain()
        seconds = time.perf_counter() - started
        await bot.shutdown()
        print(f"sender: {sent} messages in {seconds:.1f} s = {sent / seconds:.1f} messages/s sustained "
              f"(configured {rate}/s, API limit 30/s, {api.refused} 429s)")  # fmt: skip
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--rate", type=float, default=29.5)
    parser.add_argument("--county", type=Path, help="the county of bench/county.py, built in (or reused from) here")
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--care", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.county:
        args.county.mkdir(parents=True, exist_ok=True)
        asyncio.run(bench_county(args.county, args.schools, args.children, args.care))
        return
    asyncio.run(bench_compose(args.children))
    asyncio.run(bench_sender(args.messages, args.rate))


if __name__ == "__main__":
    main()
