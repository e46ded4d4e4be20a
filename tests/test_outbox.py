"""The durable outbox and its one sender: dedup, crash safety, quiet hours, staleness, 429, 403, 5xx, pacing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.storage import outbox, people
from tests.green_fixture import PARENT_ID, TEACHER_ID, drain, local, outbox_rows, school, sender, services
from tests.harness import Harness

PERSON = 5001


async def queue(h: Harness, text: str = "你好", *, key: str = "k1", urgent: bool = False, **extra: Any) -> bool:
    return await outbox.enqueue(
        h.db, recipient_id=PERSON, kind="test.note", dedup_key=key, text=text, urgent=urgent, now=h.clock(), **extra
    )


async def test_the_same_message_is_queued_once(harness: Harness) -> None:
    assert await queue(harness) is True
    assert await queue(harness) is False
    assert len(await outbox_rows(harness)) == 1
    assert await drain(harness) == 1
    assert [s.text for s in harness.api.messages(PERSON)] == ["你好"]
    assert await drain(harness) == 0
    assert len(harness.api.messages(PERSON)) == 1


async def test_markup_and_html_reach_the_user(harness: Harness) -> None:
    markup = {"inline_keyboard": [[{"text": "好", "callback_data": "gs:m"}]]}
    await queue(harness, "<b>周报</b>", markup=markup)
    await drain(harness)
    sent = harness.api.messages(PERSON)[-1]
    assert sent.buttons()[0]["callback_data"] == "gs:m"
    assert (await outbox_rows(harness))[0]["status"] == "sent"


async def test_crash_between_queue_and_send_loses_nothing(harness: Harness) -> None:
    await queue(harness)
    await harness.crash_restart()
    assert await drain(harness) == 1
    assert len(harness.api.messages(PERSON)) == 1


class Crash(Exception):
    """Stands in for kill -9 between the send and the mark."""


async def test_crash_between_send_and_mark_never_sends_a_routine_message_twice(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue(harness)

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_sent", crash)
        with pytest.raises(Crash):
            await drain(harness)
    assert len(harness.api.messages(PERSON)) == 1  # Telegram got it; the mark never happened
    await harness.crash_restart()
    await drain(harness)
    assert len(harness.api.messages(PERSON)) == 1
    row = (await outbox_rows(harness))[0]
    assert (row["status"], row["reason"]) == ("uncertain", "stopped_while_sending")


async def test_crash_between_send_and_mark_resends_an_urgent_alert(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await queue(harness, "紧急", urgent=True)

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_sent", crash)
        with pytest.raises(Crash):
            await drain(harness)
    await harness.crash_restart()
    await drain(harness)
    assert [s.text for s in harness.api.messages(PERSON)] == ["紧急", "紧急"]  # at least once for urgent alerts
    assert (await outbox_rows(harness))[0]["status"] == "sent"


async def test_routine_messages_wait_for_the_morning_but_urgent_ones_do_not(harness: Harness) -> None:
    harness.clock.now = local(2026, 3, 2, 22, 0)
    await queue(harness, "周报", key="routine")
    await queue(harness, "紧急", key="urgent", urgent=True)
    await drain(harness)
    assert [s.text for s in harness.api.messages(PERSON)] == ["紧急"]
    row = (await outbox_rows(harness))[0]
    assert (row["status"], row["reason"]) == ("queued", "quiet_hours")
    harness.clock.now = local(2026, 3, 3, 7, 29)
    await drain(harness)
    assert len(harness.api.messages(PERSON)) == 1
    harness.clock.now = local(2026, 3, 3, 7, 30)
    await drain(harness)
    assert [s.text for s in harness.api.messages(PERSON)] == ["紧急", "周报"]


async def test_quiet_hours_are_configurable(tmp_path: Any) -> None:
    async with Harness.create(tmp_path, extra_config='[scheduler]\nquiet_start = "20:00"\nquiet_end = "06:00"\n') as h:
        h.clock.now = local(2026, 3, 2, 21, 0)  # after 21:30 by default, but this school rests from 20:00
        await outbox.enqueue(h.db, recipient_id=PERSON, kind="t", dedup_key="a", text="晚安", now=h.clock())
        await drain(h)
        assert h.api.messages(PERSON) == []
        h.clock.now = local(2026, 3, 3, 6, 0)
        await drain(h)
        assert len(h.api.messages(PERSON)) == 1


async def test_stale_routine_messages_are_skipped_with_the_reason(harness: Harness) -> None:
    due = harness.clock() - timedelta(hours=49)
    await queue(harness, "上周的周报", not_before=due)
    await queue(harness, "紧急", key="u", urgent=True, not_before=due)
    await drain(harness)
    assert [s.text for s in harness.api.messages(PERSON)] == ["紧急"]
    rows = await outbox_rows(harness)
    assert (rows[0]["status"], rows[0]["reason"]) == ("skipped", "stale")


async def test_429_pauses_all_sending_for_retry_after_then_continues(harness: Harness) -> None:
    for index in range(3):
        await outbox.enqueue(
            harness.db, recipient_id=PERSON + index, kind="t", dedup_key="a", text=f"第{index}条", now=harness.clock()
        )
    harness.api.fail("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    start = harness.clock()
    assert await drain(harness) == 3
    assert 7 in sender(harness).sleep.waits  # type: ignore[attr-defined]
    assert harness.clock() - start >= timedelta(seconds=7)
    for index in range(3):
        assert [s.text for s in harness.api.messages(PERSON + index)] == [f"第{index}条"]
    # One refused attempt plus one delivery each: nothing sent twice, nothing retried by the rate limiter.
    assert len(harness.api.calls_of("sendMessage")) == 4


async def test_network_errors_and_5xx_are_retried_with_backoff(harness: Harness) -> None:
    await queue(harness)
    harness.api.fail("sendMessage", 502, "Bad Gateway")
    assert await drain(harness) == 0
    row = (await outbox_rows(harness))[0]
    assert (row["status"], row["reason"]) == ("queued", "network_error")
    assert await drain(harness) == 0  # not before the backoff
    harness.clock.advance(seconds=6)
    assert await drain(harness) == 1
    assert len(harness.api.messages(PERSON)) == 1


async def test_one_message_a_second_into_one_chat(harness: Harness) -> None:
    for index in range(3):
        await queue(harness, f"第{index}条", key=str(index))
    start = harness.clock()
    assert await drain(harness) == 3
    assert harness.clock() - start >= timedelta(seconds=2)


async def test_opted_out_people_get_answers_but_nothing_routine(harness: Harness) -> None:
    await people.ensure_user(harness.db, PERSON, "家长", harness.clock())  # a guardian, stored when they bound
    await harness.db.execute("UPDATE users SET opted_out = 1 WHERE id = ?", (PERSON,))
    await queue(harness, "提醒")
    await outbox.enqueue(
        harness.db, recipient_id=PERSON, kind="green.answer", dedup_key="1", text="答复", now=harness.clock()
    )
    await drain(harness)
    assert harness.api.messages(PERSON)[-1].text == "答复"
    assert "提醒" not in [s.text for s in harness.api.messages(PERSON)]
    assert (await outbox_rows(harness))[0]["reason"] == "opted_out"


async def test_403_marks_the_parent_unreachable_and_tells_the_head_teacher(harness: Harness) -> None:
    _admin, teacher, _child, (parent,) = await school(harness)
    await outbox.enqueue(
        harness.db, recipient_id=parent.id, kind="green.weekly", dedup_key="w", text="周报", now=harness.clock()
    )
    await outbox.enqueue(
        harness.db, recipient_id=parent.id, kind="green.call", dedup_key="c", text="提醒", now=harness.clock()
    )
    harness.api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=parent.id)
    await drain(harness)
    assert await harness.fetchval("SELECT status FROM users WHERE id = ?", (PARENT_ID,)) == "unreachable"
    rows = await outbox_rows(harness)
    assert (rows[0]["status"], rows[0]["reason"]) == ("failed", "blocked")
    assert (rows[1]["status"], rows[1]["reason"]) == ("skipped", "unreachable")
    alert = teacher.new_messages()
    assert len(alert) == 1 and "张妈妈" in alert[0].text and "张小明" in alert[0].text and "屏蔽" in alert[0].text
    assert alert[0].chat_id == TEACHER_ID
    # Writing to the bot again makes the parent reachable.
    await parent.send("/start")
    assert await harness.fetchval("SELECT status FROM users WHERE id = ?", (PARENT_ID,)) == "active"


async def test_restart_recovery_runs_at_start_up(harness: Harness) -> None:
    await queue(harness)
    row = (await outbox.ready(harness.db, harness.clock(), 1))[0]
    assert await outbox.claim(harness.db, row.id, harness.clock())
    await harness.restart()
    assert (await outbox_rows(harness))[0]["status"] == "uncertain"
    assert services(harness).db is harness.db


async def test_the_jobs_tick_and_drain_in_the_background(harness: Harness) -> None:
    import asyncio
    from types import SimpleNamespace

    from bot.jobs.outbox import send_due
    from bot.jobs.reminders import tick

    names = [job.name for job in harness.app.job_queue.jobs()] if harness.app.job_queue else []
    assert "green.tick" in names and "outbox.send" in names
    _admin, _teacher, _child, (parent,) = await school(harness)
    harness.clock.now = local(2026, 3, 6, 18, 0)
    context = SimpleNamespace(application=harness.app)
    sender(harness)  # the fake sleep
    await tick(context)
    await send_due(context)
    for _ in range(50):
        if not sender(harness).busy and "孩子在学校的情况" in harness.api.messages(parent.id)[-1].text:
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the weekly update was not sent in the background")
    assert len(parent.new_messages()) == 1
    await send_due(context)  # nothing more is due: no second message
    await asyncio.sleep(0.05)
    assert parent.new_messages() == []


async def test_a_backlog_of_stale_messages_is_skipped_at_once_with_one_log_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    due = harness.clock() - timedelta(hours=72)
    for index in range(50):
        await queue(harness, f"旧提醒{index}", key=f"old{index}", not_before=due)
    await queue(harness, "今天的提醒", key="today")
    with caplog.at_level("INFO", logger="bot.jobs.outbox"):
        await drain(harness)
    assert [s.text for s in harness.api.messages(PERSON)] == ["今天的提醒"]
    rows = await outbox_rows(harness)
    assert sum(1 for r in rows if (r["status"], r["reason"]) == ("skipped", "stale")) == 50
    assert [r.getMessage() for r in caplog.records if "stale" in r.getMessage()] == [
        "outbox: skipped 50 stale routine message(s)"
    ]


async def test_replies_to_people_hold_back_the_outbox(harness: Harness) -> None:
    """While people are being answered, the outbox sends more slowly, so replies never queue behind it."""
    outbox_sender = sender(harness)
    rate = harness.config.scheduler.messages_per_second
    assert outbox_sender._interval(rate) == pytest.approx(1 / rate)
    teacher = harness.user(TEACHER_ID + 77, "忙碌的老师")
    for _ in range(5):
        await teacher.send("/help")
    assert outbox_sender._interval(rate) > 1 / rate
