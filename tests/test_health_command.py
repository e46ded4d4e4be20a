"""/health for the admins (every figure, in both languages; refused and audited for anyone else) and the alerts an
admin gets without asking: once per episode when the outbox has grown for an hour or the newest backup is old."""

from __future__ import annotations

import os
import re
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.domain.clock import to_db
from bot.jobs.health import Counters, alert_admins
from bot.storage import backup, outbox
from bot.storage.db import size_on_disk
from bot.texts import Texts
from tests.conftest import ADMIN_ID
from tests.green_fixture import PARENT_ID, drain, school
from tests.harness import Harness, TestUser

ENGLISH_ADMIN_ID = 1002
ZH, EN = Texts("zh_CN").t, Texts("en").t


@pytest.fixture
async def two_admins(tmp_path: Path) -> AsyncIterator[Harness]:
    async with Harness.create(tmp_path, admins=[ADMIN_ID, ENGLISH_ADMIN_ID]) as h:
        yield h


def counters(h: Harness) -> Counters:
    found: Counters = h.app.bot_data["counters"]
    return found


def put_backup(h: Harness, written: datetime) -> Path:
    """A backup file in backup.folder whose file time is `written`."""
    folder = h.config.backup.folder
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / backup.backup_name(written)
    path.write_bytes(b"backup")
    os.utime(path, (written.timestamp(), written.timestamp()))
    return path


async def queue(h: Harness, count: int, *, due: datetime, key: str) -> None:
    for index in range(count):
        await outbox.enqueue(
            h.db, recipient_id=9000 + index, kind="test", dedup_key=key, text="周报", not_before=due, now=h.clock()
        )


async def english(person: TestUser) -> None:
    await person.send("/language")
    await person.press("English")
    person.new_messages()


async def tick(h: Harness) -> None:
    context: Any = SimpleNamespace(application=h.app)
    await alert_admins(context)


def texts_of(person: TestUser) -> list[str]:
    return [sent.text for sent in person.new_messages()]


# --- /health ------------------------------------------------------------------------------------------------


async def test_an_admin_sees_every_figure(harness: Harness) -> None:
    h = harness
    admin, _, _, _ = await school(h)
    await h.db.execute("UPDATE users SET status = 'unreachable' WHERE id = ?", (PARENT_ID,))
    await drain(h)
    # The next local day: today's count starts again.
    h.clock.advance(days=1)
    await admin.send("/help")
    now = h.clock()
    before = await outbox.backlog(h.db)
    await queue(h, 2, due=now - timedelta(hours=2), key="late")
    await queue(h, 1, due=now + timedelta(days=1), key="tomorrow")
    put_backup(h, now - timedelta(days=3, hours=1))
    put_backup(h, now - timedelta(days=5))
    counters(h).last_send_at = time.monotonic() - 3 * 3600 - 5
    counters(h).outage_starts.extend([now - timedelta(days=8), now - timedelta(days=1)])
    counters(h).poll_failed("NetworkError")  # a new outage; the one eight days ago is forgotten
    admin.new_messages()

    text = (await admin.send("/health"))[-1].text

    assert "机器人运行状况" in text
    assert "今天处理的消息：1 条" in text
    assert f"待发消息：{before + 3} 条，等得最久的一条已等 2 小时" in text
    assert "最近一次成功发送：3 小时前" in text
    assert "最近 7 天连不上 Telegram：2 次" in text
    shown = re.search(r"数据库大小：(\d+\.\d) MB", text)
    assert shown and float(shown.group(1)) == pytest.approx(size_on_disk(h.config.storage.database) / 2**20, abs=0.2)
    local = (now - timedelta(days=3, hours=1)).astimezone(h.config.school.timezone)
    assert f"最近的备份：{local:%Y-%m-%d %H:%M}（3 天前）" in text
    assert "联系不上的家长：1 位" in text
    assert not re.search(r"\d+ ?s\b|秒", text)  # durations in words, never raw seconds


async def test_health_in_english_with_nothing_yet(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "Principal Wang", language_code="en")
    await admin.send("/start")
    await english(admin)
    text = (await admin.send("/health"))[-1].text
    assert "How the bot is doing" in text
    assert "Updates handled today: 3" in text  # /start, /language, the button
    assert "Waiting to be sent: 0, none due yet" in text
    assert "Last successful send: none since the bot started" in text
    assert "Polling outages in the last 7 days: 0" in text
    assert "Last backup: there is none yet" in text
    assert "Unreachable guardians: 0" in text
    counters(harness).last_send_at = time.monotonic() - 20
    put_backup(harness, harness.clock() - timedelta(minutes=42))
    text = (await admin.send("/health"))[-1].text
    assert "Last successful send: just now" in text
    assert "(42 min ago)" in text


async def test_a_teacher_is_refused_and_the_refusal_audited(harness: Harness) -> None:
    _, teacher, _, _ = await school(harness)
    teacher.new_messages()
    sent = await teacher.send("/health")
    assert [s.text for s in sent] == [ZH("access.denied")]
    rows = await harness.fetchall(
        "SELECT action, detail, child_id FROM audit_log WHERE actor_id = ? AND action = 'denied'", (teacher.id,)
    )
    assert [(r["action"], r["detail"], r["child_id"]) for r in rows] == [("denied", "health", None)]
    assert "/health" not in (await teacher.send("/help"))[-1].text


async def test_health_is_in_the_admins_menu(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    assert "/health — 机器人运行状况" in (await admin.send("/help"))[-1].text


# --- alerts -------------------------------------------------------------------------------------------------


async def test_a_stale_backup_alerts_each_admin_once_per_episode(two_admins: Harness) -> None:
    h = two_admins
    chinese, englishman = h.user(ADMIN_ID, "王校长"), h.user(ENGLISH_ADMIN_ID, "Mr Li", language_code="en")
    await chinese.send("/start")
    await english(englishman)
    chinese.new_messages()
    put_backup(h, h.clock() - timedelta(days=3))

    await tick(h)
    await drain(h)
    assert texts_of(chinese) == [ZH("ops.health.alert.backup_stale", days=3, folder=h.config.backup.folder)]
    assert texts_of(englishman) == [EN("ops.health.alert.backup_stale", days=3, folder=h.config.backup.folder)]
    assert "The newest database backup is 3 days old" in englishman.last_text

    h.clock.advance(hours=1)
    await tick(h)  # the same episode: nothing more
    await drain(h)
    assert texts_of(chinese) == [] and texts_of(englishman) == []

    put_backup(h, h.clock())  # a fresh backup ends the episode
    await tick(h)
    h.clock.advance(days=1)
    await tick(h)
    await drain(h)
    assert texts_of(chinese) == [] and texts_of(englishman) == []

    h.clock.advance(days=1, hours=2)  # that backup is now over two days old: a new episode
    await tick(h)
    await tick(h)
    await drain(h)
    assert texts_of(chinese) == [ZH("ops.health.alert.backup_stale", days=2, folder=h.config.backup.folder)]
    assert texts_of(englishman) == [EN("ops.health.alert.backup_stale", days=2, folder=h.config.backup.folder)]
    rows = await outbox.find(h.db, kind="health")
    assert [(r.recipient_id, r.urgent) for r in rows] == [(ADMIN_ID, False), (ENGLISH_ADMIN_ID, False)] * 2


async def test_no_backup_at_all_alerts_once_the_bot_has_run_two_days(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    admin.new_messages()
    installed = harness.clock() - timedelta(days=1)
    await harness.db.execute("UPDATE schema_migrations SET applied_at = ?", (to_db(installed),))
    await tick(harness)
    await drain(harness)
    assert texts_of(admin) == []  # a day old: too soon

    harness.clock.advance(days=1, hours=1)
    await tick(harness)
    await tick(harness)
    await drain(harness)
    assert texts_of(admin) == [ZH("ops.health.alert.backup_none", days=2, folder=harness.config.backup.folder)]


async def test_a_growing_outbox_alerts_once_a_stable_one_never(two_admins: Harness) -> None:
    h = two_admins
    chinese, englishman = h.user(ADMIN_ID, "王校长"), h.user(ENGLISH_ADMIN_ID, "Mr Li", language_code="en")
    await chinese.send("/start")
    await english(englishman)
    chinese.new_messages()
    put_backup(h, h.clock())
    later = h.clock() + timedelta(days=30)  # queued, never due during the test: the backlog stays

    async def hour(add: int, key: str) -> tuple[list[str], list[str]]:
        await queue(h, add, due=later, key=key)
        h.clock.advance(hours=1)
        await tick(h)
        await drain(h)
        return texts_of(chinese), texts_of(englishman)

    await queue(h, 4, due=later, key="a")
    await tick(h)  # the first sample
    assert await hour(0, "-") == ([], [])  # 4 -> 4: stable
    assert await hour(3, "b") == (
        [ZH("ops.health.alert.backlog", before=4, now=7)],
        [EN("ops.health.alert.backlog", before=4, now=7)],
    )
    h.clock.advance(minutes=10)
    await tick(h)  # a tick soon after: the same hour, nothing
    await drain(h)
    assert texts_of(chinese) == [] and texts_of(englishman) == []
    assert await hour(2, "c") == ([], [])  # 7 -> 9: still growing, the same episode
    assert await hour(0, "-") == ([], [])  # 9 -> 9: stable, the episode is over
    assert await hour(1, "d") == (  # 9 -> 10: a new episode
        [ZH("ops.health.alert.backlog", before=9, now=10)],
        [EN("ops.health.alert.backlog", before=9, now=10)],
    )
    assert "grew from 9 to 10 in the last hour" in englishman.last_text
    assert len(await outbox.find(h.db, kind="health")) == 4


async def test_an_empty_outbox_is_never_growing(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    admin.new_messages()
    put_backup(harness, harness.clock())
    for _ in range(3):
        await tick(harness)
        harness.clock.advance(hours=1)
    await drain(harness)
    assert texts_of(admin) == []
