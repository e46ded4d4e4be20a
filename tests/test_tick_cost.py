"""The scheduler tick's cost does not grow with the number of family-call plans, and the weekly update does not
hold the database in one long transaction (issue 7, load).

It used to ask the database twice per plan on every tick (the plan's last reminded call, its last confirmed
call) and four more times per silent child (head teachers, mentor, languages, the enqueue). On a county of
40,000 plans one tick kept the single connection busy for two minutes, so it never stopped, and every reply to a
teacher queued behind it. Now the tick reads in bulk: the same few statements for 3 plans or 40.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.domain.clock import to_db
from bot.services import weekly_update as weekly_update_service
from bot.storage import outbox
from bot.storage.db import Database
from tests.green_fixture import TEACHER_ID, drain, local, outbox_rows, school, tick
from tests.harness import Harness

PLAN_CREATED = local(2026, 3, 1, 9, 0)


def count_statements(db: Database) -> list[int]:
    """Wraps the connection owner's statement methods; the returned list's one item counts the statements."""
    count = [0]

    def counting(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            count[0] += 1
            return await method(*args, **kwargs)

        return wrapper

    for name in ("execute", "insert", "executemany", "fetchone", "fetchall"):
        setattr(db, name, counting(getattr(db, name)))
    return count


async def add_children_with_plans(h: Harness, template_child: int, how_many: int) -> None:
    """More children of the same class, each with a Sunday 19:00 call plan made on 1 March."""
    for number in range(how_many):
        child_id = await h.db.insert(
            "INSERT INTO children (name, sex, birth_date, class_id, parents_away, created_at, updated_at)"
            " SELECT name || ?, sex, birth_date, class_id, parents_away, created_at, updated_at"
            " FROM children WHERE id = ?",
            (str(number), template_child),
        )
        await h.db.execute(
            "INSERT INTO family_call_plans (child_id, rhythm, weekday, at_time, start_date, created_at, updated_at)"
            " VALUES (?, 'weekly', 0, '19:00', '2026-03-01', ?, ?)",
            (child_id, to_db(PLAN_CREATED), to_db(PLAN_CREATED)),
        )


async def test_a_quiet_tick_costs_the_same_for_3_plans_or_40(harness: Harness) -> None:
    _admin, teacher, child_id, _parents = await school(harness)
    await harness.db.execute(
        "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (?, ?, 30, ?)",
        (TEACHER_ID, child_id, to_db(PLAN_CREATED)),
    )
    await add_children_with_plans(harness, child_id, 3)
    # Three weeks on: every plan had a call (a reminder is due) and no call was ever confirmed (alerts are due).
    harness.clock.now = local(2026, 3, 22, 20, 0)
    assert await tick(harness) > 0
    alerts_for_3 = len(await outbox_rows(harness, "green.no_contact"))
    assert alerts_for_3 == 3  # the head teacher, once per silent child
    counter = count_statements(harness.db)
    assert await tick(harness) == 0
    quiet_for_3 = counter[0]

    await add_children_with_plans(harness, child_id, 37)
    assert await tick(harness) > 0  # the new plans' reminders and alerts
    assert len(await outbox_rows(harness, "green.no_contact")) == 40
    counter[0] = 0
    assert await tick(harness) == 0
    assert counter[0] == quiet_for_3, "a quiet tick must not ask the database once per plan"

    # Still queued once: a later silence (a week on, nothing confirmed) is not a new alert.
    harness.clock.now += timedelta(days=1)
    await tick(harness)
    assert len(await outbox_rows(harness, "green.no_contact")) == 40
    assert teacher.id == TEACHER_ID


async def test_each_weeks_call_is_reminded_once_while_quiet_ticks_skip_the_plan(harness: Harness) -> None:
    """The quiet tick skips a plan whose reminded call time is less than a week old; the next week's call still
    comes on time, and a plan saved anew is looked at again."""
    _admin, _teacher, child_id, _parents = await school(harness)
    await harness.db.execute(
        "INSERT INTO family_call_plans (child_id, rhythm, weekday, at_time, start_date, created_at, updated_at)"
        " VALUES (?, 'weekly', 6, '19:00', '2026-03-01', ?, ?)",
        (child_id, to_db(PLAN_CREATED), to_db(PLAN_CREATED)),
    )
    for moment, expected in (
        (local(2026, 3, 1, 18, 59), 0),
        (local(2026, 3, 1, 19, 0), 1),
        (local(2026, 3, 4, 12, 0), 1),
        (local(2026, 3, 8, 18, 59), 1),
        (local(2026, 3, 8, 19, 0), 2),
        (local(2026, 3, 8, 19, 30), 2),
        (local(2026, 3, 22, 19, 5), 3),  # a week missed (the bot was down): only the latest call is reminded
    ):
        harness.clock.now = moment
        await tick(harness)
        assert len(await outbox_rows(harness, "green.call")) == expected, moment


async def test_a_weekly_update_queued_in_chunks_survives_a_crash_between_chunks(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The weekly update is queued one chunk per transaction (a county's 100,000 messages in one transaction held
    every reply for seconds). Stopped after the first chunk, the next tick queues the rest: each parent once."""
    _admin, _teacher, _child, (mother, father) = await school(harness, parents=2)
    monkeypatch.setattr(weekly_update_service, "WEEKLY_CHUNK", 1)
    real_enqueue_many = outbox.enqueue_many
    chunks = 0

    async def crash_after_one_chunk(*args: Any, **kwargs: Any) -> int:
        nonlocal chunks
        chunks += 1
        if chunks == 2:
            raise RuntimeError("killed between two chunks")
        return await real_enqueue_many(*args, **kwargs)

    monkeypatch.setattr(outbox, "enqueue_many", crash_after_one_chunk)
    harness.clock.now = local(2026, 3, 6, 18, 5)  # Friday evening: the weekly update is due
    await tick(harness)  # the step fails after one parent's row (run_tick logs it and goes on)
    assert len(await outbox_rows(harness, "green.weekly")) == 1
    assert await harness.fetchval("SELECT last_key FROM scheduler_runs WHERE job = 'weekly_update'") is None
    await tick(harness)
    await tick(harness)
    assert sorted(r["recipient_id"] for r in await outbox_rows(harness, "green.weekly")) == sorted(
        [mother.id, father.id]
    )
    await drain(harness)
    assert len(mother.new_messages()) == 1 and len(father.new_messages()) == 1
