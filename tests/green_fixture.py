"""Shared steps for the green channel tests: a school with a head teacher, children and bound parents; the
outbox sender driven with a fake sleep that moves the fake clock; local (Asia/Shanghai) times."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.jobs.outbox import OutboxSender
from bot.jobs.reminders import run_tick
from bot.services import Services
from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import invite_parent, make_head_teacher, register_child

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEACHER_ID = 4101
PARENT_ID = 4201


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A school-local wall time as the UTC moment the (UTC) server clock shows."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


class FakeSleep:
    """Instead of waiting, moves the fake clock on and remembers how long the sender wanted to wait."""

    def __init__(self, h: Harness) -> None:
        self.h = h
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.h.clock.advance(seconds=seconds)


def services(h: Harness) -> Services:
    found: Services = h.app.bot_data["services"]
    return found


def sender(h: Harness) -> OutboxSender:
    """The application's one sender (a new one after each restart), with the fake sleep installed."""
    found: OutboxSender = h.app.bot_data["outbox_sender"]
    if not isinstance(found.sleep, FakeSleep):
        found.sleep = FakeSleep(h)
    return found


async def drain(h: Harness) -> int:
    return await sender(h).drain(max_messages=500)


async def tick(h: Harness) -> int:
    return await run_tick(services(h))


async def school(h: Harness, *, parents: int = 1) -> tuple[TestUser, TestUser, int, list[TestUser]]:
    """Admin, head teacher of 三年级 2班, one child 张小明 and `parents` bound parents."""
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(h, admin, TEACHER_ID)
    child_id = await register_child(teacher, "张小明")
    bound = []
    for index in range(parents):
        code = await invite_parent(teacher, "张小明", "母亲" if index == 0 else "父亲")
        parent = h.user(PARENT_ID + index, "张妈妈" if index == 0 else "张爸爸")
        await parent.send(f"/start {code}")
        parent.new_messages()
        bound.append(parent)
    teacher.new_messages()
    admin.new_messages()
    return admin, teacher, child_id, bound


async def outbox_rows(h: Harness, kind: str | None = None) -> list[dict[str, object]]:
    sql = "SELECT recipient_id, kind, dedup_key, status, reason FROM outbox"
    rows = await h.fetchall(sql + (" WHERE kind = ?" if kind else "") + " ORDER BY id", (kind,) if kind else ())
    return [dict(row) for row in rows]
