"""Property-based fuzzing of every conversation state of every flow (hypothesis, in-process harness).

Each example: a person walks a flow to a drawn step (as a person would, reading the bot's latest question), then
sends drawn junk — CJK, emoji, control characters, 5,000-character strings, HTML-like `<b>` and `&`, stickers,
photos, voice notes, files, unknown commands, stale and forged button data. Then the person finishes the flow.

Properties: no error reaches the error handler (nothing unhandled, nothing the strict fake Bot API rejected —
a rejected message is a BadRequest and lands there too), every reply is valid Telegram HTML of at most 4,096
characters, and the conversation is still usable: the flow ends the way it should afterwards.

Examples are derandomized (the same inputs every run) and nothing is stored between runs.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakebot import Sent, check_html
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher, register_child

ADMIN = 1001
TEACHER = 2001

# --- the junk ---------------------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
EMOJI = st.sampled_from(["😀", "👨‍👩‍👧", "🇨🇳", "❤️", "🧒🏽", "\u200d", "\ufe0f"])
CONTROL = st.characters(min_codepoint=0, max_codepoint=31)
HTMLISH = st.sampled_from(["<b>", "</b>", "&", "&amp;", "&lt;", "<i>x</i>", "<a href='x'>", "<script>", ">", "\"'"])
ANY_CHAR = st.one_of(CJK, EMOJI, CONTROL, HTMLISH, st.characters(codec="utf-8"))

TEXTS = st.one_of(
    st.lists(ANY_CHAR, min_size=1, max_size=40).map("".join),
    st.sampled_from(["<b>张</b>", "A & B", "&lt;b&gt;", "王<b>小明", "2015-13-45", "1" * 30, "　", " ", "\n\n"]),
    st.integers(4000, 5000).map(lambda n: "长" * n),
    st.integers(4090, 5000).map(lambda n: "<b>&" * (n // 4)),
    st.sampled_from(["/foo", "/register", "/invite", "/start", "/help", "/child", "/mychildren", "/stats", "/x@bot"]),
)
CALLBACK_DATA = st.one_of(
    st.sampled_from(
        [
            "reg:p:000000:0:male",
            "reg:s:ffffff:3",
            "reg:ok:abcdef",
            "reg:dy:zz",
            "inv:r:admin",
            "inv:ch:999999",
            "inv:rel:father",
            "inv:c:1",
            "card:e:1",
            "st:v:s",
            "st:l:nog:s:99999",
            "x" * 64,
            "reg:p:ab:99:1",
            "inv:k:staff",
            "inv:k:guardian",
            "lang:xx",
        ]
    ),
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=64),
)


@dataclass(frozen=True)
class Junk:
    kind: str  # text, sticker, photo, voice, document, press, stale, restart (the bot stopped and started again)
    value: str = ""


JUNK = st.one_of(
    TEXTS.map(lambda t: Junk("text", t)),
    st.sampled_from([Junk("sticker"), Junk("photo"), Junk("voice"), Junk("document", "a.txt")]),
    CALLBACK_DATA.map(lambda d: Junk("press", d)),
    st.just(Junk("stale")),  # a button from an earlier message of this chat
)


async def send_junk(user: TestUser, junk: Junk) -> None:
    if junk.kind == "text":
        await user.send(junk.value)
    elif junk.kind == "sticker":
        await user.send_sticker()
    elif junk.kind == "photo":
        await user.send_photo()
    elif junk.kind == "voice":
        await user.send_voice()
    elif junk.kind == "document":
        await user.send_document(b"\x00\x01not a spreadsheet", junk.value)
    elif junk.kind == "press":
        messages = [m for m in user.inbox if m.buttons()] or user.inbox
        if messages:
            await user.press_data(junk.value, message=messages[-1])
    elif junk.kind == "stale":
        older = [m for m in user.inbox[:-1] if m.buttons()]
        if older:
            await user.press_data(older[0].buttons()[0]["callback_data"], message=older[0])
    elif junk.kind == "restart":
        await user.h.restart()


# --- people who finish flows ------------------------------------------------------------------------

PROMPT = re.compile(r"\(\d+/\d+\)|请核对联系卡|同名同生日|已保存")
_names = itertools.count(1)


def _latest(user: TestUser, pattern: re.Pattern[str]) -> Sent | None:
    return next((m for m in reversed(user.inbox) if pattern.search(m.text)), None)


def _button(message: Sent | None, label: str) -> bool:
    return message is not None and any(label in b["text"] for b in message.buttons())


class Registering:
    """A head teacher registering a child, answering whatever the form asks."""

    flow = "register"

    def __init__(self) -> None:
        self.name = f"测试{next(_names)}"
        self.went_on = False  # the first review goes on with the optional part, the next one saves

    async def start(self, user: TestUser) -> None:
        await user.send("/register")

    async def step(self, user: TestUser) -> bool:
        """One answer; False once the child is saved."""
        prompt = _latest(user, PROMPT)
        assert prompt is not None, f"no question to answer; last: {user.last_text!r}"
        text = prompt.text
        if "已保存" in text:
            return False
        if "同名同生日" in text:
            await user.press("仍然新建", message=prompt)
        elif "请核对联系卡" in text:
            if not self.went_on and _button(prompt, "继续补充"):
                self.went_on = True
                await user.press("继续补充", message=prompt)
            else:
                await user.press("确认保存", message=prompt)
        elif "请输入姓名" in text:
            await user.send(self.name)
        elif "出生日期" in text:
            await user.send("2015-03-08")
        elif "电话" in text and not prompt.buttons():  # the contact phone: required, typed
            await user.send("13812345678")
        elif "格式如" in text:
            await user.press("跳过", message=prompt)
        elif _button(prompt, "男"):
            await user.press("男", message=prompt)
        elif _button(prompt, "父母都外出"):
            await user.press("父母都外出", message=prompt)
        elif _button(prompt, "走读"):
            await user.press("走读", message=prompt)
        elif _button(prompt, "跳过"):
            await user.press("跳过", message=prompt)
        elif prompt.buttons():
            await user.press(prompt.buttons()[0]["text"], message=prompt)
        else:  # a text question without a skip button and without a known answer
            await user.send("无")
        return True

    def done(self, user: TestUser) -> bool:
        return any("已保存" in m.text and self.name in m.text for m in user.inbox[-3:])


INVITE_STEP = re.compile(r"教职工的身份|请选择班级|孩子姓名|请选择孩子|是什么关系|您要邀请谁|t\.me/")


class Inviting:
    """The admin inviting a head teacher, or the head teacher inviting a parent."""

    flow = "invite"

    def __init__(self, guardian: bool) -> None:
        self.guardian = guardian
        self.linked = False

    async def start(self, user: TestUser) -> None:
        self.seen = len(user.inbox)
        await user.send("/invite")

    async def step(self, user: TestUser) -> bool:
        # Only this flow's messages: older ones (a welcome naming the role, an earlier link) are not questions.
        prompt = next((m for m in reversed(user.inbox[self.seen :]) if INVITE_STEP.search(m.text)), None)
        assert prompt is not None, f"no question to answer; last: {user.last_text!r}"
        text = prompt.text
        if "t.me/" in text:
            self.linked = True
            return False
        if "您要邀请谁" in text:
            await user.press("家长" if self.guardian else "教职工", message=prompt)
        elif "教职工的身份" in text:
            await user.press("班主任", message=prompt)
        elif "请选择班级" in text:
            await user.send("六年级 3班")
        elif "孩子姓名" in text:
            await user.send("张")
        elif "请选择孩子" in text:
            await user.press(prompt.buttons()[0]["text"], message=prompt)
        elif "是什么关系" in text:
            await user.press("母亲", message=prompt)
        else:
            await user.send("/invite")
        return True

    def done(self, user: TestUser) -> bool:
        return self.linked or any("t.me/" in m.text for m in user.inbox[self.seen :])


class Scripted:
    """A person walking any other flow from its command: the latest question of this flow is answered by the
    first matching rule (a regex over the question, then `press` a button label or `send` a text). A flow that
    the junk ended or moved somewhere unscripted is started again by `_fuzz_flow`."""

    def __init__(self, flow: str, command: str, rules: list[tuple[str, str, str]], done: str) -> None:
        self.flow = flow
        self.command = command
        self.rules = [(re.compile(pattern), action, value) for pattern, action, value in rules]
        self.finished = re.compile(done)
        self.seen = 0

    async def start(self, user: TestUser) -> None:
        self.seen = len(user.inbox)
        await user.send(self.command)

    async def step(self, user: TestUser) -> bool:
        if self.done(user):
            return False
        for message in reversed(user.inbox[self.seen :]):
            for pattern, action, value in self.rules:
                if not pattern.search(message.text):
                    continue
                if action == "send":
                    await user.send(value)
                    return True
                if action == "voice":  # holds 🎤: a voice message, `value` its file_id
                    await user.send_voice(value)
                    return True
                if _button(message, value):
                    await user.press(value, message=message)
                    return True
        return False  # nothing to answer: the caller starts the flow again

    def done(self, user: TestUser) -> bool:
        return any(self.finished.search(m.text) for m in user.inbox[self.seen :])


def checking_in() -> Scripted:
    return Scripted(
        "checkin",
        "/checkin",
        [
            (r"要记录哪个孩子", "press", "张小明"),
            (r"请核对 <b>|请核对 .*近况记录", "press", "确认保存"),
            (r"还有什么要补充", "press", "跳过"),
            (r"\(\d/4\)", "press", "好"),
            (r"近况如何", "press", "一切正常"),
            (r"要记录哪个孩子", "send", "张小明"),
        ],
        r"已记录：张小明 一切正常|已保存 张小明 的近况记录",
    )


def visiting() -> Scripted:
    return Scripted(
        "visit",
        "/visit",
        [
            (r"家访或谈心？请点选", "press", "张小明"),
            (r"为哪个孩子记录", "send", "张小明"),
            (r"记录哪一种", "press", "家访"),
            (r"哪一天", "press", "今天"),
            (r"有谁参加", "send", "奶奶<b>&"),
            (r"请简要记录情况", "send", "家里整洁 & <i>好</i>"),
            (r"需要后续跟进吗", "press", "不需要"),
            (r"要跟进什么", "send", "再访"),
            (r"什么时候之前完成", "send", "2026-12-31"),
            (r"请核对", "press", "确认保存"),
        ],
        r"已保存 张小明 的.*记录",
    )


def reporting_a_concern() -> Scripted:
    return Scripted(
        "concern",
        "/concern",
        [
            (r"请选择孩子", "press", "张小明"),
            (r"请输入孩子的姓名|没有找到姓名包含", "send", "张小明"),
            (r"什么类型的问题", "press", "独自生活"),
            (r"请简要描述发生了什么", "send", "周末一个人在家 <b>& 没吃饭"),
            (r"什么时候发生的", "press", "今天"),
        ],
        r"已上报（编号",
    )


def planning_calls() -> Scripted:
    return Scripted(
        "callplan",
        "/callplan",
        [
            (r"约定亲情电话？", "press", "张小明"),
            (r"没有找到这个名字", "send", "张小明"),
            (r"每周哪一天", "press", "每隔几天"),
            (r"每隔几天通一次电话|之间的整数", "send", "3"),
            (r"几点通话|这个时间不对|休息时间", "send", "20:30"),
        ],
        r"已保存 .*的亲情电话",
    )


def pairing_a_mentor() -> Scripted:
    return Scripted(
        "pair",
        "/pair",
        [
            (r"安排帮扶教师？请点选", "press", "张小明"),
            (r"安排帮扶教师？", "send", "张小明"),
            (r"多久联系一次", "press", "每 14 天"),
            (r"请选择帮扶教师|没有找到这位教职工|只能选择学校的教职工", "press", "李老师"),
            (r"请选择帮扶教师|没有找到这位教职工|只能选择学校的教职工", "send", "李"),
        ],
        r"已安排 .*帮扶|结对没有变化",
    )


def pairing_a_buddy() -> Scripted:
    return Scripted(
        "buddy",
        "/buddy",
        [
            (r"结对手拉手同学？请点选", "press", "张小明"),
            (r"结对手拉手同学？", "send", "张小明"),
            (r"请输入结对同学的姓名", "send", "王<b>小刚 & 🧒🏽"),
        ],
        r"已为 .*结对手拉手同学",
    )


# --- the world the examples share --------------------------------------------------------------------


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class World:
    loop: asyncio.AbstractEventLoop
    harness: Harness
    admin: TestUser
    teacher: TestUser
    errors: _Errors

    def run(self, step: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(step)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    loop = asyncio.new_event_loop()
    folder: Path = tmp_path_factory.mktemp("fuzz")
    context = Harness.create(folder, admins=[ADMIN])
    harness = loop.run_until_complete(context.__aenter__())
    errors = _Errors()
    logging.getLogger().addHandler(errors)
    try:
        admin = harness.user(ADMIN, "王校长")
        loop.run_until_complete(admin.send("/start"))
        teacher = loop.run_until_complete(make_head_teacher(harness, admin, TEACHER))
        loop.run_until_complete(register_child(teacher, "张小明"))
        yield World(loop, harness, admin, teacher, errors)
    finally:
        logging.getLogger().removeHandler(errors)
        loop.run_until_complete(context.__aexit__(None, None, None))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def _check_replies(messages: list[Sent]) -> None:
    for message in messages:
        for text in [message.text, *message.history]:
            if message.kind == "text" or text:
                error, length = check_html(text)
                assert error is None, (error, text[:200])
                assert length <= 4096


async def _fuzz_flow(
    world: World, user: TestUser, person: Registering | Inviting | Scripted, steps: int, junk: list[Junk]
) -> None:
    await user.send("/cancel")
    user.new_messages()
    await person.start(user)
    for _ in range(steps):
        if not await person.step(user):
            break
    for item in junk:
        await send_junk(user, item)
    # Still usable: the person finishes the flow (starting it again if the junk ended it, e.g. /register
    # typed after the flow was done).
    for _ in range(60):
        if person.done(user):
            break
        if not await person.step(user):
            break
    if not person.done(user):
        await user.send("/cancel")
        await person.start(user)
        for _ in range(60):
            if not await person.step(user):
                break
    assert person.done(user), f"the flow did not finish after the junk; last: {user.last_text!r}"


FUZZ = settings(
    max_examples=45,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _run(
    world: World, user: TestUser, make: Callable[[], Registering | Inviting | Scripted], steps: int, junk: list[Junk]
) -> None:
    world.errors.records.clear()
    seen = len(world.harness.api.calls)
    world.run(_fuzz_flow(world, user, make(), steps, junk))
    problems = [f"{r.name}: {r.getMessage()} {r.exc_info[0].__name__ if r.exc_info and r.exc_info[0] else ''}"
                for r in world.errors.records]  # fmt: skip
    assert problems == [], problems
    _check_replies([m for chat in world.harness.api.chats.values() for m in chat[-40:]])  # the recent ones
    for call in world.harness.api.calls[seen:]:
        if call.method == "answerCallbackQuery" and call.params.get("text"):
            assert len(str(call.params["text"])) <= 200  # Telegram cuts callback answers at 200 characters


@settings(FUZZ, max_examples=30)  # the longest flow: 30 walks of up to 25 steps keep the run near a minute
@given(steps=st.integers(0, 25), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_registration(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.teacher, Registering, steps, junk)


@FUZZ
@given(steps=st.integers(0, 4), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_staff_invitation(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.admin, lambda: Inviting(guardian=False), steps, junk)


@FUZZ
@given(steps=st.integers(0, 4), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_guardian_invitation(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.teacher, lambda: Inviting(guardian=True), steps, junk)


@settings(FUZZ, max_examples=40)
@given(junk=st.lists(JUNK, min_size=1, max_size=5))
def test_fuzz_outside_any_flow(world: World, junk: list[Junk]) -> None:
    """A person with no flow under way (and a stranger with no role) gets polite answers to anything."""
    stranger = world.harness.user(3001, "陌生人")

    async def go() -> None:
        for user in (world.teacher, stranger):
            await user.send("/cancel")
            for item in junk:
                await send_junk(user, item)
            await user.send("/cancel")
        # Still usable afterwards.
        before = len(world.teacher.inbox)
        await world.teacher.send("/help")
        assert len(world.teacher.inbox) > before

    world.errors.records.clear()
    world.run(go())
    assert [r.getMessage() for r in world.errors.records] == []
    _check_replies([m for chat in world.harness.api.chats.values() for m in chat[-40:]])


@settings(FUZZ, max_examples=20)
@given(steps=st.integers(0, 8), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_checkin(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.teacher, checking_in, steps, junk)


@settings(FUZZ, max_examples=20)
@given(steps=st.integers(0, 9), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_visit(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.teacher, visiting, steps, junk)


@settings(FUZZ, max_examples=15)
@given(steps=st.integers(0, 6), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_concern(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.teacher, reporting_a_concern, steps, junk)


@settings(FUZZ, max_examples=15)
@given(steps=st.integers(0, 5), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_callplan(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.teacher, planning_calls, steps, junk)


@settings(FUZZ, max_examples=15)
@given(steps=st.integers(0, 5), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_pair(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.admin, pairing_a_mentor, steps, junk)


@settings(FUZZ, max_examples=15)
@given(steps=st.integers(0, 4), junk=st.lists(JUNK, min_size=1, max_size=4))
def test_fuzz_buddy(world: World, steps: int, junk: list[Junk]) -> None:
    _run(world, world.teacher, pairing_a_buddy, steps, junk)


@settings(FUZZ, max_examples=15)
@given(
    moves=st.lists(st.one_of(st.integers(0, 12), JUNK), min_size=1, max_size=6),
)
def test_fuzz_stats_buttons(world: World, moves: list[int | Junk]) -> None:
    """The admin taps through /stats (drill-downs, back, charts) mixed with junk; /stats still answers."""
    admin = world.admin

    async def go() -> None:
        await admin.send("/cancel")
        seen = len(admin.inbox)
        await admin.send("/stats")
        for move in moves:
            if isinstance(move, Junk):
                await send_junk(admin, move)
                continue
            report = next((m for m in reversed(admin.inbox[seen:]) if m.buttons()), None)
            if report is not None:
                buttons = report.buttons()
                await admin.press_data(buttons[move % len(buttons)]["callback_data"], message=report)
        await admin.send("/cancel")
        (report,) = await admin.send("/stats")
        assert "留守儿童总数" in report.text, report.text[:200]

    world.errors.records.clear()
    world.run(go())
    assert [r.getMessage() for r in world.errors.records] == []
    _check_replies([m for chat in world.harness.api.chats.values() for m in chat[-40:]])
