"""Care rules with a fixed clock: "overdue" across month ends, leap days and time zones; ratings; worries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain import care as rules
from bot.domain.care import Enrolment, Ratings
from bot.domain.validation import InvalidInput

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_due_and_overdue_across_a_month_end() -> None:
    started = date(2026, 1, 25)
    assert rules.next_contact_due(started, 14, None) == date(2026, 2, 8)
    assert not rules.is_overdue(date(2026, 2, 8), started, 14, None)  # due today, not overdue yet
    assert rules.is_overdue(date(2026, 2, 9), started, 14, None)
    # A visit on Jan 31 moves the due date into March through a 28-day February.
    assert rules.next_contact_due(started, 30, date(2026, 1, 31)) == date(2026, 3, 2)
    assert not rules.is_overdue(date(2026, 3, 2), started, 30, date(2026, 1, 31))
    assert rules.is_overdue(date(2026, 3, 3), started, 30, date(2026, 1, 31))


def test_leap_year_and_year_end() -> None:
    assert rules.next_contact_due(date(2028, 2, 20), 14, None) == date(2028, 3, 5)  # 29 days in Feb 2028
    assert rules.next_contact_due(date(2026, 12, 25), 7, None) == date(2027, 1, 1)


def test_contacts_before_the_pairing_do_not_count() -> None:
    started = date(2026, 3, 1)
    assert rules.next_contact_due(started, 7, date(2026, 2, 1)) == date(2026, 3, 8)
    assert rules.next_contact_due(started, 7, date(2026, 3, 5)) == date(2026, 3, 12)


def test_local_date_in_shanghai_differs_from_utc_near_midnight() -> None:
    # 2026-01-31 20:00 UTC is already 1 February in Shanghai.
    moment = datetime(2026, 1, 31, 20, 0, tzinfo=UTC)
    assert rules.local_date(moment, SHANGHAI) == date(2026, 2, 1)
    assert rules.local_date(moment, UTC) == date(2026, 1, 31)
    started = rules.local_date(moment, SHANGHAI)
    assert rules.next_contact_due(started, 14, None) == date(2026, 2, 15)
    # 2026-02-15 10:00 UTC is 18:00 on the due day in Shanghai: due, not overdue. Counting in UTC dates
    # (paired on 31 January) would wrongly call it overdue.
    now = datetime(2026, 2, 15, 10, 0, tzinfo=UTC)
    assert not rules.is_overdue(rules.local_date(now, SHANGHAI), started, 14, None)
    assert rules.is_overdue(rules.local_date(now, UTC), rules.local_date(moment, UTC), 14, None)
    # 16:00 UTC is already 16 February in Shanghai: overdue.
    later = datetime(2026, 2, 15, 16, 0, tzinfo=UTC)
    assert rules.is_overdue(rules.local_date(later, SHANGHAI), started, 14, None)
    with pytest.raises(ValueError):
        rules.local_date(datetime(2026, 1, 1), SHANGHAI)


def test_ratings_scale_and_worries() -> None:
    assert rules.parse_rating("3") == 3
    for bad in ("0", "4", "7", "x", ""):
        with pytest.raises(InvalidInput):
            rules.parse_rating(bad)
    with pytest.raises(InvalidInput):
        Ratings(3, 3, 5, 3)
    assert not rules.is_worry(Ratings.all_fine(), note_flagged=False)
    assert rules.is_worry(Ratings.all_fine(), note_flagged=True)
    assert rules.is_worry(Ratings(3, 3, 1, 3), note_flagged=False)
    assert rules.is_worry(Ratings(3, 3, 3, 1), note_flagged=False)
    assert not rules.is_worry(Ratings(1, 1, 2, 2), note_flagged=False)  # low study or life alone is no worry


def test_event_dates_cadences_and_due_dates() -> None:
    today, birth = date(2026, 3, 2), date(2015, 3, 8)
    assert rules.parse_event_date("2026年3月1日", today=today, birth=birth) == date(2026, 3, 1)
    for bad, reason in (
        ("2026-03-03", "invalid.date_future"),
        ("2015-03-07", "care.invalid_before_birth"),
        ("2026-02-30", "invalid.date_impossible"),
        ("明天", "invalid.date_format"),
    ):
        with pytest.raises(InvalidInput) as caught:
            rules.parse_event_date(bad, today=today, birth=birth)
        assert caught.value.reason == reason
    assert rules.parse_due_date("2026-03-09", today=today) == date(2026, 3, 9)
    with pytest.raises(InvalidInput):
        rules.parse_due_date("2026-03-01", today=today)
    with pytest.raises(InvalidInput):
        rules.parse_due_date("2028-03-01", today=today)
    assert rules.parse_cadence(" 14 ") == 14
    for bad in ("0", "366", "-3", "two"):
        with pytest.raises(InvalidInput):
            rules.parse_cadence(bad)


def test_enrolment_transitions() -> None:
    assert Enrolment.ENROLLED not in rules.enrolment_choices(Enrolment.ENROLLED)
    assert rules.enrolment_choices(Enrolment.DROPPED_OUT) == (Enrolment.ENROLLED,)
