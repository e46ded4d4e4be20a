"""The job queue: one-off delays on the loop's timers, the rest APScheduler's (bot/telegram_io/job_queue.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.telegram_io.job_queue import TimerJob, TimerJobQueue
from tests.conftest import ADMIN_ID
from tests.harness import Harness
from tests.helpers import conversation_named, make_head_teacher

TEACHER_ID = 2001


async def _until(condition: Any, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not in time")


async def test_a_delay_runs_once_from_the_loop_with_its_context(harness: Harness) -> None:
    queue = harness.app.job_queue
    assert isinstance(queue, TimerJobQueue)
    seen: list[object] = []

    async def callback(context: Any) -> None:
        seen.append((context.job, context.job.data))

    job = queue.run_once(callback, 0.02, data="payload", name="test:soon")
    assert isinstance(job, TimerJob) and job.name == "test:soon"
    assert job not in queue.jobs()  # not an APScheduler job
    assert job.next_t is not None and job.next_t > datetime.now(UTC)
    await _until(lambda: seen)
    await asyncio.sleep(0.05)
    assert seen == [(job, "payload")]  # once
    assert job.next_t is None and not queue.timers


async def test_a_removed_timer_never_runs(harness: Harness) -> None:
    queue = harness.app.job_queue
    assert queue is not None
    seen: list[object] = []

    async def callback(context: Any) -> None:
        seen.append(context.job)

    removed = queue.run_once(callback, timedelta(milliseconds=20))
    kept = queue.run_once(callback, 0.04)
    removed.schedule_removal()
    assert removed.removed and not kept.removed
    await _until(lambda: seen)
    await asyncio.sleep(0.05)
    assert seen == [kept]


async def test_a_failing_timer_reaches_the_error_handler(harness: Harness) -> None:
    queue = harness.app.job_queue
    assert queue is not None
    errors: list[object] = []

    async def on_error(update: object, context: Any) -> None:
        errors.append((context.error, context.job))

    harness.app.add_error_handler(on_error)

    async def broken(context: Any) -> None:
        raise ValueError("broken on purpose")

    job = queue.run_once(broken, 0.01)
    await _until(lambda: errors)
    harness.app.remove_error_handler(on_error)
    error, failed = errors[0]  # type: ignore[misc]
    assert isinstance(error, ValueError) and failed is job


async def test_times_long_delays_and_job_options_stay_with_apscheduler(harness: Harness) -> None:
    queue = harness.app.job_queue
    assert queue is not None

    async def callback(context: Any) -> None:
        raise AssertionError("must not run in this test")

    jobs = [
        queue.run_once(callback, timedelta(days=2)),
        queue.run_once(callback, datetime.now(UTC) + timedelta(hours=1)),
        queue.run_once(callback, 60, job_kwargs={"misfire_grace_time": 5}),
    ]
    try:
        assert not any(isinstance(job, TimerJob) for job in jobs)
        assert all(job in queue.jobs() for job in jobs)
        assert not queue.timers
    finally:
        for job in jobs:
            job.schedule_removal()


async def test_stopping_the_queue_cancels_its_timers(harness: Harness) -> None:
    queue = TimerJobQueue()
    queue.set_application(harness.app)
    await queue.start()
    seen: list[object] = []

    async def callback(context: Any) -> None:
        seen.append(context.job)

    job = queue.run_once(callback, 0.05)
    await queue.stop()
    await asyncio.sleep(0.1)
    assert seen == [] and job.next_t is None and not queue.timers


async def test_a_flow_step_arms_a_timer_for_its_timeout(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, TEACHER_ID)
    await teacher.send("/register")
    register = conversation_named(harness, "register")
    first = register.timeout_jobs[(TEACHER_ID, TEACHER_ID)]
    assert isinstance(first, TimerJob) and first.next_t is not None
    timeout = timedelta(minutes=harness.config.conversation.timeout_minutes)
    assert abs(first.next_t - (datetime.now(UTC) + timeout)) < timedelta(seconds=30)
    await teacher.send("张小明")
    second = register.timeout_jobs[(TEACHER_ID, TEACHER_ID)]
    assert second is not first and first.removed and first.next_t is None  # the step re-armed it
    queue = harness.app.job_queue
    assert queue is not None and queue.timers == {second} and not queue.jobs(r"ConversationHandler|trigger")
