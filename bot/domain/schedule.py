"""Plain scheduling rules: family-call slots, quiet hours, staleness, period keys. No Telegram, no SQL.

Every function takes the current time as an argument (aware datetimes), so a fake clock drives them all.
Slots are computed in the school's local time zone and returned in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

WEEKLY = "weekly"
INTERVAL = "interval"
MAX_INTERVAL_DAYS = 60

_TIME = re.compile(r"^\s*(\d{1,2})\s*[:：.点]\s*(\d{2})\s*分?\s*$")


def parse_clock(text: str) -> time | None:
    """ "19:00", "7:30", "19：00" (full-width), "19.00", "19点30" -> time; None for anything impossible."""
    match = _TIME.match(text)
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def parse_interval(text: str) -> int | None:
    """A number of days between calls, 1..60; None otherwise."""
    value = text.strip()
    if not value.isdigit():
        return None
    days = int(value)
    return days if 1 <= days <= MAX_INTERVAL_DAYS else None


@dataclass(frozen=True)
class CallPlan:
    """An agreed rhythm of parent-child contact: every `weekday` at `at`, or every `interval_days` from `start`."""

    child_id: int
    rhythm: str
    at: time
    start: date
    weekday: int | None = None
    interval_days: int | None = None

    def __post_init__(self) -> None:
        if self.rhythm == WEEKLY and (self.weekday is None or not 0 <= self.weekday <= 6):
            raise ValueError("weekly plan needs a weekday 0..6")
        if self.rhythm == INTERVAL and (self.interval_days is None or not 1 <= self.interval_days <= MAX_INTERVAL_DAYS):
            raise ValueError("interval plan needs 1..60 days")
        if self.rhythm not in (WEEKLY, INTERVAL):
            raise ValueError("unknown rhythm")


def _slot(day: date, at: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _matches(plan: CallPlan, day: date) -> bool:
    if day < plan.start:
        return False
    if plan.rhythm == WEEKLY:
        return day.weekday() == plan.weekday
    assert plan.interval_days is not None
    return (day - plan.start).days % plan.interval_days == 0


def latest_slot(plan: CallPlan, now: datetime, tz: tzinfo) -> datetime | None:
    """The most recent call time at or before `now` (UTC), or None if the plan has not started yet."""
    local_today = now.astimezone(tz).date()
    span = 7 if plan.rhythm == WEEKLY else (plan.interval_days or 1)
    for back in range(span + 1):
        day = local_today - timedelta(days=back)
        if _matches(plan, day):
            slot = _slot(day, plan.at, tz)
            if slot <= now:
                return slot
    return None


def next_slot(plan: CallPlan, after: datetime, tz: tzinfo) -> datetime:
    """The first call time strictly after `after` (UTC)."""
    day = max(after.astimezone(tz).date(), plan.start)
    span = 7 if plan.rhythm == WEEKLY else (plan.interval_days or 1)
    for forward in range(span + 2):
        candidate = day + timedelta(days=forward)
        if _matches(plan, candidate):
            slot = _slot(candidate, plan.at, tz)
            if slot > after:
                return slot
    raise AssertionError("a plan always has a next slot")  # pragma: no cover


def in_quiet_hours(moment: datetime, tz: tzinfo, start: time, end: time) -> bool:
    """True between `start` and `end` local time (the window may wrap past midnight, 21:30-07:30)."""
    return clock_in_quiet_hours(moment.astimezone(tz).time().replace(tzinfo=None), start, end)


def clock_in_quiet_hours(local: time, start: time, end: time) -> bool:
    """The same rule for a wall-clock time (e.g. the time of an agreed call)."""
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_hours_end(moment: datetime, tz: tzinfo, start: time, end: time) -> datetime:
    """When the quiet hours containing `moment` end (UTC); `moment` itself if it is not in quiet hours."""
    if not in_quiet_hours(moment, tz, start, end):
        return moment
    local = moment.astimezone(tz)
    day = local.date()
    if local.time().replace(tzinfo=None) >= end:
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz).astimezone(UTC)


def is_stale(due: datetime, now: datetime, stale_after_hours: int) -> bool:
    """A routine message that fell due longer ago than the limit (after downtime) is no longer worth sending."""
    return now - due > timedelta(hours=stale_after_hours)


def week_key(local_day: date) -> str:
    """The ISO week of a local date, e.g. "2026-W10": the period key of weekly updates and digests."""
    year, week, _ = local_day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(local_day: date) -> date:
    return local_day - timedelta(days=local_day.weekday())


def weekly_moment(local_day: date, weekday: int, at: time, tz: tzinfo) -> datetime:
    """The configured weekly time (e.g. Friday 18:00 local) in the week of `local_day`, in UTC."""
    return _slot(week_start(local_day) + timedelta(days=weekday), at, tz)


def pairing_due(last_contact: date | None, started: date, cadence_days: int) -> date:
    """The day a mentor's next contact is due: the last contact (or the pairing start) + cadence."""
    return (last_contact if last_contact and last_contact >= started else started) + timedelta(days=cadence_days)


def days_without_contact(last_contact: datetime, now: datetime) -> int:
    return max((now - last_contact).days, 0)
