"""The weekly update draining through the outbox while the bot is killed with kill -9 at seeded moments.

Two kinds of crash, both real: the process dies after Telegram accepted a message but before the bot heard back
(the server recorded it), or while the request was still on its way (the server never got it). The bot cannot
tell the two apart — the Bot API has no idempotency key — and the outbox chose "at most once" for routine
messages: the one row in flight at a crash is marked `uncertain` and never sent again.

Counted on the server: no parent ever gets the update twice; every parent whose row is `sent` got it exactly
once; every row is accounted for (sent, or uncertain after a crash — at most one per crash); nothing stays queued.
"""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.clock import to_db
from tests.botapi_server import BotAPIServer
from tests.e2e.process import BotProcess, integrity, query, write_config

PARENTS = 60
FIRST_PARENT = 300_000
FAST = """
[scheduler]
tick_seconds = 1
quiet_start = "00:00"
quiet_end = "00:01"
"""


def queue_weekly_update(database: Path) -> None:
    now = to_db(datetime.now(UTC))
    conn = sqlite3.connect(database, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO users (id, full_name, created_at) VALUES (?, ?, ?)",
            [(FIRST_PARENT + i, f"家长{i}", now) for i in range(PARENTS)],
        )
        conn.executemany(
            "INSERT INTO outbox (recipient_id, kind, dedup_key, text, urgent, not_before, created_at, next_attempt_at)"
            " VALUES (?, 'weekly', 'e2e', ?, 0, ?, ?, ?)",
            [(FIRST_PARENT + i, f"<b>本周简报</b> 第{i}号", now, now, now) for i in range(PARENTS)],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


@pytest.mark.parametrize("seed", [3, 5])
async def test_weekly_update_across_kill_9(tmp_path: Path, server: BotAPIServer, seed: int) -> None:
    """Six crash points per seed (twelve in all), half after the server accepted the message, half before."""
    rng = random.Random(seed)
    points = dict.fromkeys(sorted(rng.sample(range(2, PARENTS - 2), 6)), "")
    for index, point in enumerate(points):
        points[point] = "delivered" if index % 2 == 0 else "lost"
    bot = BotProcess(write_config(tmp_path, server, admins=[9001], extra=FAST))
    await bot.start(server)  # creates and migrates the database
    database = tmp_path / "shouwang.db"
    queue_weekly_update(database)
    seen = 0
    crashed = False

    async def intercept(method: str, params: dict[str, Any]) -> bool:
        nonlocal seen, crashed
        if crashed:
            return True
        if method != "sendMessage" or int(params.get("chat_id", 0)) < FIRST_PARENT:
            return False
        seen += 1
        kind = points.get(seen)
        if kind is None:
            return False
        if kind == "delivered":  # Telegram has it; the bot dies before the answer arrives
            await server.core.do_request(f"{server.base_url}{server.token}/sendMessage", "POST", _Data(params))
        crashed = True
        await bot.kill()
        await server.notify()
        return True

    server.interceptor = intercept
    restarts = 0
    try:
        for _ in range(len(points) + 1):
            # The lambda reads `crashed` as it is when the server wakes it, not as it was: that is the point.
            await server.wait_for(lambda: crashed or _queued(database) == 0, within=60)  # noqa: B023
            if not crashed:
                break
            assert integrity(database) == "ok"
            crashed = False
            restarts += 1
            await bot.start(server)
        assert await bot.stop() == 0, bot.log_text()[-2000:]
    finally:
        await bot.kill()

    assert restarts == len(points)
    deliveries = Counter(
        int(call.params["chat_id"])
        for call in server.core.calls_of("sendMessage")
        if int(call.params["chat_id"]) >= FIRST_PARENT
    )
    assert max(deliveries.values()) == 1, [p for p, n in deliveries.items() if n > 1]  # nobody twice
    rows = dict(query(database, "SELECT recipient_id, status FROM outbox WHERE kind = 'weekly'"))
    assert len(rows) == PARENTS
    assert all(status in ("sent", "uncertain") for status in rows.values()), Counter(rows.values())
    for parent, status in rows.items():
        if status == "sent":
            assert deliveries[int(str(parent))] == 1
    uncertain = [p for p, s in rows.items() if s == "uncertain"]
    assert len(uncertain) <= len(points)  # only the row in flight at each crash
    lost = [p for p in uncertain if deliveries[int(str(p))] == 0]
    assert len(lost) <= sum(1 for kind in points.values() if kind == "lost")
    assert integrity(database) == "ok"


def _queued(database: Path) -> int:
    return int(str(query(database, "SELECT COUNT(*) FROM outbox WHERE status IN ('queued', 'sending')")[0][0]))


class _Data:
    def __init__(self, params: dict[str, Any]) -> None:
        self.parameters = params
        self.multipart_data: dict[str, Any] = {}
        self.contains_files = False
