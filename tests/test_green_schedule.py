"""The plain scheduling rules (bot/domain/schedule.py): parsing, call slots, quiet hours, staleness, period keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import schedule
from bot.domain.schedule import CallPlan

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:00", time(19)),
        ("7:30", time(7, 30)),
        ("19：00", time(19)),
        ("19.05", time(19, 5)),
        ("19点30", time(19, 30)),
    ],
)
def test_times_people_type(text: str, expected: time) -> None:
    assert schedule.parse_clock(text) == expected


@pytest.mark.parametrize("text", ["25:00", "19:60", "七点", "", "19", "-1:00", "19:0"])
def test_impossible_times(text: str) -> None:
    assert schedule.parse_clock(text) is None


@pytest.mark.parametrize(("text", "expected"), [("3", 3), (" 7 ", 7), ("0", None), ("61", None), ("三", None)])
def test_intervals(text: str, expected: int | None) -> None:
    assert schedule.parse_interval(text) == expected


def test_a_weekly_plan_in_shanghai_with_a_utc_server() -> None:
    plan = CallPlan(child_id=1, rhythm="weekly", at=time(19), start=date(2026, 3, 2), weekday=6)
    now = datetime(2026, 3, 8, 10, 59, tzinfo=UTC)  # Sunday 18:59 in Shanghai
    assert schedule.latest_slot(plan, now, SHANGHAI) is None
    slot = schedule.latest_slot(plan, now + timedelta(minutes=1), SHANGHAI)
    assert slot == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)
    assert schedule.next_slot(plan, slot, SHANGHAI) == datetime(2026, 3, 15, 11, 0, tzinfo=UTC)
    assert schedule.latest_slot(plan, datetime(2026, 3, 14, 0, 0, tzinfo=UTC), SHANGHAI) == slot


def test_an_interval_plan_counts_from_its_start() -> None:
    plan = CallPlan(child_id=1, rhythm="interval", at=time(20, 30), start=date(2026, 3, 2), interval_days=3)
    slots = []
    moment = datetime(2026, 3, 1, tzinfo=UTC)
    for _ in range(3):
        moment = schedule.next_slot(plan, moment, SHANGHAI)
        slots.append(moment.astimezone(SHANGHAI).date().day)
    assert slots == [2, 5, 8]


def test_a_plan_needs_its_rhythm() -> None:
    with pytest.raises(ValueError):
        CallPlan(child_id=1, rhythm="weekly", at=time(19), start=date(2026, 3, 2))
    with pytest.raises(ValueError):
        CallPlan(child_id=1, rhythm="interval", at=time(19), start=date(2026, 3, 2), interval_days=0)


def test_quiet_hours_wrap_past_midnight() -> None:
    start, end = time(21, 30), time(7, 30)
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 22:00 Shanghai
    assert schedule.in_quiet_hours(at, SHANGHAI, start, end)
    assert schedule.quiet_hours_end(at, SHANGHAI, start, end) == datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    early = datetime(2026, 3, 2, 22, 0, tzinfo=UTC)  # 06:00 next day in Shanghai
    assert schedule.quiet_hours_end(early, SHANGHAI, start, end) == datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    day = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # noon
    assert not schedule.in_quiet_hours(day, SHANGHAI, start, end)
    assert schedule.quiet_hours_end(day, SHANGHAI, start, end) == day
    assert not schedule.in_quiet_hours(at, SHANGHAI, time(8), time(8))  # an empty window


def test_staleness_week_keys_and_pairing_due() -> None:
    now = datetime(2026, 3, 10, tzinfo=UTC)
    assert schedule.is_stale(now - timedelta(hours=49), now, 48)
    assert not schedule.is_stale(now - timedelta(hours=47), now, 48)
    assert schedule.week_key(date(2026, 3, 2)) == schedule.week_key(date(2026, 3, 8)) == "2026-W10"
    assert schedule.week_key(date(2026, 1, 1)) == "2026-W01"
    assert schedule.weekly_moment(date(2026, 3, 4), 4, time(18), SHANGHAI) == datetime(2026, 3, 6, 10, tzinfo=UTC)
    assert schedule.pairing_due(None, date(2026, 3, 2), 7) == date(2026, 3, 9)
    assert schedule.pairing_due(date(2026, 3, 5), date(2026, 3, 2), 7) == date(2026, 3, 12)
    assert schedule.pairing_due(date(2026, 2, 1), date(2026, 3, 2), 7) == date(2026, 3, 9)  # before the pairing
