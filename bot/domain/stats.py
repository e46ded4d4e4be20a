"""Plain rules behind the leadership group's figures: scopes, rates, school terms, date ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.roles import Access, Actor, may_do, scope_for

# The window for "visits done vs due" and the number of weeks of family-call compliance.
VISIT_WINDOW_DAYS = 30
CALL_WEEKS = 4


# The school a database of one school became (the config's school); a button from before schools names it.
FIRST_SCHOOL = 1


@dataclass(frozen=True)
class Scope:
    """What a figure covers: every school of the county, one school, one grade of a school or one class. Encoded
    as "k", "s<school>", "g<grade>.<school>" or "c<class>" (and, from before schools, "s" and "g<grade>": the
    first school's)."""

    kind: str  # "county" | "school" | "grade" | "class"
    ref_id: int = 0  # the school's, the grade's or the class's id
    school_id: int = 0  # a grade's school (a grade is the county's level; its children are one school's)

    def encode(self) -> str:
        if self.kind == "county":
            return "k"
        if self.kind == "grade":
            return f"g{self.ref_id}.{self.school_id}"
        return f"{self.kind[0]}{self.ref_id}"

    @property
    def school(self) -> int | None:
        """The school of a school or grade scope (a class's is its class's; the county's is every one)."""
        if self.kind == "school":
            return self.ref_id
        return self.school_id if self.kind == "grade" else None

    @staticmethod
    def parse(text: str) -> Scope | None:
        """Reads an encoded scope (from callback data: the client may send anything)."""
        if text == "k":
            return COUNTY
        if text == "s":
            return school_scope(FIRST_SCHOOL)
        match = re.fullmatch(r"([sgc])(\d{1,9})(?:\.(\d{1,9}))?", text)
        if not match or (match[3] is not None and match[1] != "g"):
            return None
        if match[1] == "s":
            return school_scope(int(match[2]))
        if match[1] == "g":
            return Scope("grade", int(match[2]), int(match[3] or FIRST_SCHOOL))
        return Scope("class", int(match[2]))


COUNTY = Scope("county")


def school_scope(school_id: int) -> Scope:
    return Scope("school", school_id)


def may_see(actor: Actor, scope: Scope, class_school: int | None = None) -> bool:
    """The county office sees every figure (counts, never names); a school-wide reach its schools' figures; a
    reach over some classes those classes' figures (`class_school`: a class scope's school)."""
    if scope.kind == "county":
        return may_do(actor, Access.COUNTY_REPORTS)
    if may_do(actor, Access.COUNTY_REPORTS) and not may_do(actor, Access.REPORTS):
        return scope.kind == "school"  # the county reads a school's figures side by side, not its classes'
    within = scope_for(actor, Access.REPORTS)
    if scope.kind == "class":
        return class_school is not None and within.includes_class(scope.ref_id, class_school)
    school = scope.school
    return school is not None and within.includes_school(school)


def may_use_reports(actor: Actor) -> bool:
    return may_do(actor, Access.REPORTS) or may_do(actor, Access.COUNTY_REPORTS)


def default_scope(actor: Actor) -> Scope | None:
    if may_do(actor, Access.COUNTY_REPORTS):
        return COUNTY
    within = scope_for(actor, Access.REPORTS)
    if within.school_ids:
        return school_scope(min(within.school_ids))
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
