"""The bot as a process: a school week over HTTP, with kill -9 at seeded moments and restarts.

The bot is started exactly as the README says (`python -m bot --config config.toml`, same interpreter) against
`tests.botapi_server`. Crash points are chosen by a seeded random generator among the bot's replies: the server
holds the chosen request, kills the process with SIGKILL while the bot waits for the answer (mid-update, after
whatever it already committed), and the test starts it again. People behave as people do: no answer, they send
the same thing again; a "same name and birthday" question after a save they did not see, they answer "no".

At the end: every record the week committed is there exactly once with the values typed, every conversation
reached its end, the database passes PRAGMA integrity_check, and no message reached a person twice.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import random
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.botapi_server import BotAPIServer, RemoteUser
from tests.e2e.process import BotProcess, integrity, query, write_config

ADMIN = 9001
LINK = re.compile(r"https://t\.me/\w+\?start=([\w-]+)")
REPLY_METHODS = {"sendMessage", "editMessageText", "answerCallbackQuery", "setMyCommands"}
QUIET_SECONDS = 0.03  # the bot answers one update with one visible reply; this only lets trailing calls land


@dataclass
class CrashPlan:
    """Kill the bot at the n-th reply request for each n in `points` (counted over the whole run)."""

    points: set[int]
    seen: int = 0
    fired: list[tuple[int, str]] = field(default_factory=list)


class School:
    """The server, the bot process, and the people; kills and restarts the bot as the plan says."""

    def __init__(self, server: BotAPIServer, bot: BotProcess, plan: CrashPlan) -> None:
        self.server = server
        self.bot = bot
        self.plan = plan
        self.crashed = False
        self.busy = 0
        self.last_activity = 0.0
        server.interceptor = self._intercept

    async def _intercept(self, method: str, params: dict[str, Any]) -> bool:
        loop = asyncio.get_running_loop()
        self.last_activity = loop.time()
        if self.crashed:
            return True
        if method not in REPLY_METHODS:
            return False
        self.plan.seen += 1
        if self.plan.seen in self.plan.points:
            self.plan.fired.append((self.plan.seen, method))
            self.crashed = True
            await self.bot.kill()
            await self.server.notify()
            return True
        return False

    async def restart_if_crashed(self) -> bool:
        if not self.crashed:
            return False
        while self.crashed:
            assert integrity(self.bot.config.parent / "shouwang.db") == "ok"
            self.crashed = False
            try:
                await self.bot.start(self.server)
            except AssertionError:
                if not self.crashed:  # killed again while starting (a crash point in on_startup) is fine
                    raise
        return True

    async def act(self, user: RemoteUser, action: Callable[[], Awaitable[int]], needle: str | None = None) -> None:
        """Does `action` until the bot answers it (with `needle`, if given), restarting the bot after a crash."""
        for _attempt in range(6):
            before = _version(user)
            await action()
            try:
                await self.server.wait_for(lambda b=before: self.crashed or _version(user) != b, within=20)
            except TimeoutError:
                raise AssertionError(f"no answer to user {user.id}; log:\n{self.bot.log_text()[-3000:]}") from None
            if await self.restart_if_crashed():
                if _version(user) == before:
                    continue  # the answer never came: the person sends the same again
            await self._quiet()
            if await self.restart_if_crashed():
                pass
            # After a restart the bot may also get the first attempt again (updates it fetched but never
            # confirmed are delivered again, as on Telegram): the answer can sit just before a "busy" note.
            if needle is None or any(needle in m.text for m in user.inbox[before[0] - 1 :]):
                return
            if _has_button(user, "不建了"):
                return  # a save the person did not see: the duplicate question is the answer
            if any(word in user.last_text for word in ("被使用", "已经拥有", "已经是", "已绑定")):
                return  # an invitation redeemed before the crash
        raise AssertionError(f"user {user.id} never got {needle!r}; last: {user.last_text!r}")

    async def _quiet(self) -> None:
        loop = asyncio.get_running_loop()
        # Polling, not an event: quiet means nothing happened, and that has no event to wait for.
        while loop.time() - self.last_activity < QUIET_SECONDS and not self.crashed:  # noqa: ASYNC110
            await asyncio.sleep(QUIET_SECONDS / 3)


def _version(user: RemoteUser) -> tuple[int, int, int]:
    """What the person has seen: messages, edits, and pop-ups (a stale button is answered with one)."""
    inbox = user.inbox
    return len(inbox), sum(len(m.history) for m in inbox), len(user.alerts())


def _has_button(user: RemoteUser, label: str) -> bool:
    return any(label in b["text"] for m in user.inbox[-2:] for b in m.buttons())


async def invite_staff(school: School, admin: RemoteUser, role: str, class_label: str) -> str:
    await school.act(admin, lambda: admin.send("/invite"), "身份" if True else None)
    await school.act(admin, lambda: admin.press(role), "班级")
    await school.act(admin, lambda: admin.send(class_label), "t.me/")
    match = LINK.search(admin.last_text)
    assert match, admin.last_text
    return match.group(1)


PROMPT = re.compile(r"\(\d+/\d+\)|请核对联系卡|同名同生日|已保存")
FATHER_PHONE = "13812345678"


async def register_child(school: School, teacher: RemoteUser, name: str, birth: str) -> None:
    """Walks /register as a person does: reads the bot's latest question and answers it, until saved."""
    await school.act(teacher, lambda: teacher.send("/register"), "姓名")
    alerts_seen = len(teacher.alerts())
    for _ in range(60):
        if len(teacher.alerts()) > alerts_seen:
            # A button that no longer works ("out of date"): ask the bot where we are, as a person would.
            alerts_seen = len(teacher.alerts())
            await school.act(teacher, lambda: teacher.send("？"))
        prompt = next((m for m in reversed(teacher.inbox) if PROMPT.search(m.text)), None)
        assert prompt is not None, teacher.last_text
        text = prompt.text
        if "已保存" in text:
            assert html.escape(name, quote=False) in text, text
            return
        if "同名同生日" in text:  # saved before a crash the person did not see the answer of
            await school.act(teacher, lambda p=prompt: teacher.press("不建了", p))
            return
        if "请核对联系卡" in text:  # the card lists every field: answer it before matching field names
            await school.act(teacher, lambda p=prompt: teacher.press("确认保存", p))
            continue
        labels = {"性别": "男", "外出务工情况": "父母都外出", "寄宿": "走读"}
        typed = {"请输入姓名": name, "出生日期": birth, "父亲电话": FATHER_PHONE}
        label = next((v for k, v in labels.items() if k in text), None)
        answer = next((v for k, v in typed.items() if k in text), None)
        if answer is not None:
            await school.act(teacher, lambda a=answer: teacher.send(a))
        elif label is not None:
            await school.act(teacher, lambda p=prompt, b=label: teacher.press(b, p))
        elif "班级" in text:
            first = prompt.buttons()[0]["text"]
            await school.act(teacher, lambda p=prompt, b=first: teacher.press(b, p))
        else:
            await school.act(teacher, lambda p=prompt: teacher.press("跳过", p))
    raise AssertionError(f"registration of {name} did not end: {teacher.last_text!r}")


async def invite_parent(school: School, teacher: RemoteUser, child: str, relation: str) -> str:
    await school.act(teacher, lambda: teacher.send("/invite"))
    if "邀请谁" in teacher.last_text:
        await school.act(teacher, lambda: teacher.press("家长"))
    await school.act(teacher, lambda: teacher.send(child), "请选择孩子")
    await school.act(teacher, lambda: teacher.press(child), "关系")
    await school.act(teacher, lambda: teacher.press(relation), "t.me/")
    match = LINK.search(teacher.last_text)
    assert match, teacher.last_text
    return match.group(1)


CLASSES = ("三年级 2班", "五年级 1班")
CHILDREN = {0: [("张小明", "2015-03-08"), ("李&lt;小红", "2016-11-30")], 1: [("王<b>强</b>", "2013-01-05")]}


async def school_week(school: School) -> dict[str, Any]:
    """Monday to Friday with the foundation's flows; returns what the week committed."""
    server = school.server
    admin = server.user(ADMIN, "王校长")
    await school.act(admin, lambda: admin.send("/start"), "王校长")
    teachers: list[RemoteUser] = []
    for index, label in enumerate(CLASSES):
        code = await invite_staff(school, admin, "班主任", label)
        teacher = server.user(9100 + index, f"老师{index}")
        await school.act(teacher, lambda t=teacher, c=code: t.send(f"/start {c}"), "欢迎加入")
        teachers.append(teacher)
    parents = 0
    for index, teacher in enumerate(teachers):
        for name, birth in CHILDREN[index]:
            await register_child(school, teacher, name, birth)
        for name, _birth in CHILDREN[index]:
            code = await invite_parent(school, teacher, name, "母亲")
            parent = server.user(9200 + parents, f"家长{parents}")
            parents += 1
            await school.act(parent, lambda p=parent, c=code: p.send(f"/start {c}"), "绑定")
            await school.act(parent, lambda p=parent: p.send("/child"), html.escape(name, quote=False))
    return {"teachers": teachers, "parents": parents}


@pytest.fixture
async def server() -> AsyncIterator[BotAPIServer]:
    server = await BotAPIServer.start()
    try:
        yield server
    finally:
        await server.close()


async def run_week(tmp_path: Path, server: BotAPIServer, plan: CrashPlan) -> tuple[School, dict[str, Any]]:
    bot = BotProcess(write_config(tmp_path, server, admins=[ADMIN]))
    school = School(server, bot, plan)
    await bot.start(server)
    try:
        result = await school_week(school)
        await school.restart_if_crashed()
        assert await bot.stop() == 0, bot.log_text()[-3000:]
    except BaseException:
        await bot.kill()
        raise
    return school, result


def assert_week_committed(database: Path, server: BotAPIServer) -> None:
    assert integrity(database) == "ok"
    rows = query(database, "SELECT name, birth_date, sex, parents_away, boarding, father_phone FROM children")
    expected = [(n, b, "male", "both", "no", FATHER_PHONE) for i in sorted(CHILDREN) for n, b in CHILDREN[i]]
    assert sorted(rows) == sorted(expected), rows  # each child once, with the values typed
    heads = query(database, "SELECT COUNT(*) FROM staff_roles WHERE role = 'head_teacher'")
    assert heads == [(len(CLASSES),)]
    bound = query(database, "SELECT COUNT(*) FROM guardians WHERE unbound_at IS NULL")
    assert bound == [(sum(len(c) for c in CHILDREN.values()),)]
    open_flows = query(database, "SELECT name, key, state FROM ptb_conversations")
    assert all(state in (None, "null", "-1") for _n, _k, state in open_flows), open_flows
    # Every reply the server accepted was valid for Telegram, and none went out twice in a row to a person.
    assert server.stats.rejected == []
    for chat_id, sent in server.core.chats.items():
        texts = [m.text for m in sent if m.kind == "text" and "t.me/" not in m.text]
        for first, second in itertools.pairwise(texts):
            if first == second and "编号" in first:
                raise AssertionError(f"chat {chat_id} got a save confirmation twice: {first!r}")


async def test_school_week_without_crashes(tmp_path: Path, server: BotAPIServer) -> None:
    plan = CrashPlan(points=set())
    school, _ = await run_week(tmp_path, server, plan)
    assert_week_committed(tmp_path / "shouwang.db", server)
    assert school.bot.starts == 1
    assert "Traceback" not in school.bot.log_text()
    assert "error ref=" not in school.bot.log_text()


@pytest.mark.parametrize("seed", [7, 11, 23])
async def test_school_week_survives_kill_9(tmp_path: Path, server: BotAPIServer, seed: int) -> None:
    """Eight seeded crash points per run (24 over the three seeds), each a kill -9 in the middle of an update."""
    rng = random.Random(seed)
    # The week makes about 130 reply requests; crash points are spread over them, reproducibly.
    points = set(rng.sample(range(3, 125), 8))
    plan = CrashPlan(points=points)
    school, _ = await run_week(tmp_path, server, plan)
    assert len(plan.fired) == len(points), (sorted(points), plan.fired, plan.seen)
    assert school.bot.starts == 1 + len(points)
    assert_week_committed(tmp_path / "shouwang.db", server)
