"""The one error handler: a polite Chinese reply, an alert to admins, a log line without personal data or
the token; and a 429 with retry_after retried by AIORateLimiter."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import telegram.ext._aioratelimiter as limiter_module
from telegram.ext import ContextTypes

from bot.handlers import errors
from bot.services import registry as registry_service
from tests.conftest import ADMIN_ID
from tests.harness import Harness
from tests.helpers import make_head_teacher, register_child

SECRET_TEXT = "张小明 13812345678"
TOKEN = "123456:TEST-token"
GENERIC = "抱歉，出了点问题，刚才的操作没有完成。请稍后再试；如果一直这样，请告诉学校管理员。"


@pytest.fixture(autouse=True)
def fresh_alert_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """Alerts are rate-limited per error kind for ten minutes; each test starts with a clean slate."""
    monkeypatch.setattr(errors, "_last_alert", {})


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


async def test_a_failing_handler(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, 2001)
    admin.new_messages()

    async def broken(*args: Any, **kwargs: Any) -> Any:
        # The worst case: the exception message carries what the user typed, and the token.
        raise RuntimeError(f"cannot search {SECRET_TEXT} via https://api.telegram.org/bot{TOKEN}/getMe")

    monkeypatch.setattr(registry_service, "search_children", broken)
    caplog.set_level(logging.INFO)
    sent = await teacher.send(f"/child {SECRET_TEXT}")
    assert [s.text for s in sent] == [GENERIC]

    alerts = admin.new_messages()
    assert len(alerts) == 1
    assert alerts[0].text.startswith("⚠️ 系统出现未预料的错误：RuntimeError（update）")
    assert SECRET_TEXT not in alerts[0].text

    records = [r for r in caplog.records if r.name == "bot.errors" and r.levelno == logging.ERROR]
    assert len(records) == 1
    line = records[0].getMessage()
    assert "kind=RuntimeError" in line and "where=update" in line and "ref=" in line
    assert "handlers/children.py" in line  # where it happened, to debug from
    logged = everything_logged(caplog)
    assert SECRET_TEXT not in logged and "张小明" not in logged and "13812345678" not in logged
    assert TOKEN not in logged and "TEST-token" not in logged
    assert records[0].exc_info is None  # a traceback would print the exception message

    # The same kind again within ten minutes: the user is told, the admins are not alerted twice.
    assert [s.text for s in await teacher.send("/child 李")] == [GENERIC]
    assert admin.new_messages() == []
    # The bot keeps working.
    monkeypatch.undo()
    monkeypatch.setattr(errors, "_last_alert", {})
    assert "没有找到" in (await teacher.send("/child 李"))[-1].text


async def test_a_failing_button(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, 2001)
    child_id = await register_child(teacher)

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(registry_service, "view_child", broken)
    answered = len(harness.api.calls_of("answerCallbackQuery"))
    sent = await teacher.press_data(f"ch:v:{child_id}", message=teacher.last)
    assert [s.text for s in sent] == [GENERIC]
    assert len(harness.api.calls_of("answerCallbackQuery")) > answered  # the spinner stops
    assert "KeyError" in admin.last_text


async def test_expected_errors_do_not_alert(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    from telegram.error import Forbidden

    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    admin.new_messages()
    teacher = harness.user(2001, "李老师")

    async def blocked(*args: Any, **kwargs: Any) -> Any:
        raise Forbidden("Forbidden: bot was blocked by the user")

    monkeypatch.setattr(registry_service, "search_children", blocked)
    await teacher.send("/child 张")
    assert admin.new_messages() == []


async def test_a_failing_job_alerts_admins(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    admin.new_messages()

    async def broken_job(context: ContextTypes.DEFAULT_TYPE) -> None:
        raise ValueError(SECRET_TEXT)

    assert harness.app.job_queue is not None
    job = harness.app.job_queue.run_once(broken_job, 3600, name="test:broken")
    caplog.set_level(logging.INFO)
    await job.run(harness.app)
    job.schedule_removal()
    alerts = admin.new_messages()
    assert len(alerts) == 1 and "ValueError（job）" in alerts[0].text
    assert SECRET_TEXT not in everything_logged(caplog)


async def test_error_reply_reaches_the_user_even_if_the_answer_fails(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, 2001)
    child_id = await register_child(teacher)

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(registry_service, "view_child", broken)
    # Telegram refuses a second answer to the same query; the apology must still be sent.
    harness.api.fail("answerCallbackQuery", 400, "Bad Request: query is too old and response timeout expired", times=5)
    sent = await teacher.press_data(f"ch:v:{child_id}", message=teacher.last)
    assert GENERIC in [s.text for s in sent]


class _InstantAsyncio:
    """asyncio for the rate limiter, with sleeps recorded instead of waited for."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    async def sleep(self, delay: float) -> None:
        self.slept.append(delay)
        await asyncio.sleep(0)


async def test_429_is_retried_by_the_rate_limiter(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    instant = _InstantAsyncio()
    monkeypatch.setattr(limiter_module, "asyncio", instant)
    admin = harness.user(ADMIN_ID, "王校长")
    harness.api.fail("sendMessage", 429, "Too Many Requests: retry after 7", chat_id=ADMIN_ID, retry_after=7)
    sent = await admin.send("/start")
    assert len(sent) == 1 and "欢迎回来" in sent[0].text  # delivered once, after the wait
    attempts = [c for c in harness.api.calls_of("sendMessage") if int(c.params["chat_id"]) == ADMIN_ID]
    assert len(attempts) == 2
    assert instant.slept and instant.slept[0] == pytest.approx(7.1)


async def test_429_beyond_the_retries_is_an_expected_error(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    instant = _InstantAsyncio()
    monkeypatch.setattr(limiter_module, "asyncio", instant)
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    admin.new_messages()
    user = harness.user(2001, "路人")
    harness.api.fail("sendMessage", 429, "Too Many Requests: retry after 2", chat_id=2001, retry_after=2, times=3)
    sent = await user.send("/start")
    assert [s.text for s in sent] == [GENERIC]  # the greeting gave up; the apology got through
    assert len(instant.slept) == 2
    assert admin.new_messages() == []  # flood limits are life, not an alert
