"""PTB's JobQueue, with one-off jobs due after a delay run from a timer of the event loop instead of APScheduler.

Why: every step of every flow re-arms its conversation's timeout — ConversationHandler removes the step's timeout
job and adds the next one. In APScheduler each of those is an `add_job` (the callback's signature inspected, a
trigger and a job built, the scheduler woken through the loop's self-pipe to look for due jobs) and a
`remove_job`, about 120 µs of CPU a step: a twentieth of a check-in step's (docs/performance.md). A timer of the
loop is an entry in its heap. Repeating, daily and dated jobs stay APScheduler's.

What a timer job does not do, as APScheduler's in-memory jobs do not either: survive a stop (pending timers are
cancelled) or show in `jobs()`; it cannot be paused (`enabled`). It runs as PTB runs a job (`Job.run`: its
context, its errors to the error handlers, persistence updated after it), once, at the delay measured on the
loop's monotonic clock.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import itertools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Job, JobQueue

JobCallback = Callable[[Any], Coroutine[Any, Any, Any]]
_numbers = itertools.count(1)

# A delay is measured on the loop's monotonic clock; beyond this the job goes to APScheduler (a wall-clock time).
LONGEST_TIMER = dtm.timedelta(days=1)


class TimerJob(Job[Any]):
    """A one-off job armed on the event loop (see the module's docstring)."""

    __slots__ = ("_due", "_handle", "_queue", "id")

    def __init__(self, queue: TimerJobQueue, callback: JobCallback, **kwargs: Any) -> None:
        super().__init__(callback, **kwargs)
        self._queue = queue
        self._handle: asyncio.TimerHandle | None = None
        self._due: dtm.datetime | None = None
        # What PTB names the job's tasks after and compares jobs by (an APScheduler job's own id otherwise).
        self.id = f"timer-{next(_numbers)}"

    def arm(self, delay: float) -> None:
        self._due = dtm.datetime.now(dtm.UTC) + dtm.timedelta(seconds=delay)
        self._handle = asyncio.get_running_loop().call_later(delay, self._fire)
        self._enabled = True

    def _fire(self) -> None:
        self._handle = None
        self._due = None
        self._queue.timers.discard(self)
        application = self._queue.application
        application.create_task(self.run(application), name=f"TimerJob:{self.name}")

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        self._due = None
        self._queue.timers.discard(self)

    def schedule_removal(self) -> None:
        self.cancel()
        self._removed = True

    @property
    def next_t(self) -> dtm.datetime | None:
        return self._due

    @property
    def enabled(self) -> bool:
        return self._enabled

    @enabled.setter
    def enabled(self, status: bool) -> None:
        raise NotImplementedError("a timer job cannot be paused")

    def __repr__(self) -> str:
        return f"TimerJob[name={self.name}, due={self._due}]"


class TimerJobQueue(JobQueue[Any]):
    """Once started, `run_once` with a delay of at most LONGEST_TIMER (seconds or a timedelta, no `job_kwargs`)
    arms a TimerJob; everything else is PTB's JobQueue as it is."""

    __slots__ = ("timers",)

    def __init__(self) -> None:
        super().__init__()
        self.timers: set[TimerJob] = set()

    def run_once(
        self,
        callback: JobCallback,
        when: float | dtm.timedelta | dtm.datetime | dtm.time,
        data: object | None = None,
        name: str | None = None,
        chat_id: int | None = None,
        user_id: int | None = None,
        job_kwargs: dict[str, Any] | None = None,
    ) -> Job[Any]:
        delay = _delay_of(when)
        if job_kwargs or delay is None or not self.scheduler.running:
            return super().run_once(callback, when, data, name, chat_id, user_id, job_kwargs)
        job = TimerJob(self, callback, data=data, name=name, chat_id=chat_id, user_id=user_id)
        job.arm(delay)
        self.timers.add(job)
        return job

    async def stop(self, wait: bool = True) -> None:
        for job in list(self.timers):
            job.cancel()
        await super().stop(wait)


def _delay_of(when: object) -> float | None:
    """Seconds from now for a relative `when` a timer can hold; None for a time, a datetime or a long delay."""
    if isinstance(when, int | float):
        seconds = float(when)
    elif isinstance(when, dtm.timedelta):
        seconds = when.total_seconds()
    else:
        return None
    return max(seconds, 0.0) if seconds <= LONGEST_TIMER.total_seconds() else None
