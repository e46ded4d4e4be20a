"""Plain rules behind the leadership group's figures: scopes, rates, school terms, date ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.roles import Access, Actor, may_do, scope_for

# The window for "visits done vs due" and the number of weeks of family-call compliance.
VISIT_WINDOW_DAYS = 30
CALL_WEEKS = 4


@dataclass(frozen=True)
class Scope:
    """What a figure covers: the whole school, one grade or one class. Encoded as "s", "g<id>" or "c<id>"."""

    kind: str  # "school" | "grade" | "class"
    ref_id: int = 0

    def encode(self) -> str:
        return "s" if self.kind == "school" else f"{self.kind[0]}{self.ref_id}"

    @staticmethod
    def parse(text: str) -> Scope | None:
        """Reads an encoded scope (from callback data: the client may send anything)."""
        if text == "s":
            return SCHOOL
        match = re.fullmatch(r"([gc])(\d{1,9})", text)
        if not match:
            return None
        return Scope("grade" if match[1] == "g" else "class", int(match[2]))


SCHOOL = Scope("school")


def may_see(actor: Actor, scope: Scope) -> bool:
    """A school-wide reach sees any figure; a reach over some classes sees those classes' figures."""
    within = scope_for(actor, Access.REPORTS)
    if within.everyone:
        return True
    return scope.kind == "class" and within.includes_class(scope.ref_id)


def may_use_reports(actor: Actor) -> bool:
    return may_do(actor, Access.REPORTS)


def default_scope(actor: Actor) -> Scope | None:
    within = scope_for(actor, Access.REPORTS)
    if within.everyone:
        return SCHOOL
    if within.class_ids:
        return Scope("class", min(within.class_ids))
    return None


def rate(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as a dash, never as 0%)."""
    if whole <= 0:
        return None
    return part / whole


def percent(part: int, whole: int) -> str:
    """At most one decimal, none when it would be ".0": 100%, 66.7%, 0%."""
    value = rate(part, whole)
    if value is None:
        return "—"
    shown = f"{value * 100:.1f}"
    return f"{shown.removesuffix('.0')}%"


@dataclass(frozen=True, order=True)
class Term:
    """A school term. Chinese schools run the first term from 1 September to 31 January and the second
    from 1 February to 31 August (the summer holiday belongs to the year that ends with it)."""

    year: int  # the school year's first calendar year: 2025 for 2025—2026
    number: int  # 1 (autumn) or 2 (spring)

    @property
    def start(self) -> date:
        return date(self.year, 9, 1) if self.number == 1 else date(self.year + 1, 2, 1)

    @property
    def end(self) -> date:
        """The last day of the term (inclusive)."""
        return date(self.year + 1, 1, 31) if self.number == 1 else date(self.year + 1, 8, 31)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number}"

    def previous(self) -> Term:
        return Term(self.year, 1) if self.number == 2 else Term(self.year - 1, 2)

    def next(self) -> Term:
        return Term(self.year, 2) if self.number == 1 else Term(self.year + 1, 1)

    @staticmethod
    def parse(key: str) -> Term | None:
        match = re.fullmatch(r"(\d{4})-([12])", key)
        if not match:
            return None
        return Term(int(match[1]), int(match[2]))


def term_of(day: date) -> Term:
    """The term a day falls in."""
    if day.month >= 9:
        return Term(day.year, 1)
    if day.month == 1:
        return Term(day.year - 1, 1)
    return Term(day.year - 1, 2)


@dataclass(frozen=True)
class DateRange:
    """Inclusive local dates."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def last_days(today: date, days: int) -> DateRange:
    return DateRange(today - timedelta(days=days - 1), today)


MAX_RANGE_DAYS = 366 * 2


def parse_range(text: str, *, today: date) -> DateRange | None:
    """Reads "2026-02-01 2026-02-28" (or with 至/~/to between); None when it is not a sensible range."""
    parts = [p for p in re.split(r"\s*(?:至|到|~|～|\bto\b|\s)\s*", text.strip()) if p]
    if len(parts) != 2:
        return None
    try:
        start, end = (date.fromisoformat(_iso(p)) for p in parts)
    except ValueError:
        return None
    if start > end or end > today + timedelta(days=1) or (end - start).days >= MAX_RANGE_DAYS:
        return None
    return DateRange(start, end)


def _iso(text: str) -> str:
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError(text)
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
