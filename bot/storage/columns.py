"""Reading optional columns: NULL stays None, stored strings become dates and times."""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.clock import from_db


def optional_datetime(value: str | None) -> datetime | None:
    return from_db(value) if value else None


def optional_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
