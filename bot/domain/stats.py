"""Plain rules behind the leadership group's figures: scopes, rates, school terms, date ranges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.roles import Access, Actor, may_do, scope_for

# The window for "visits done vs due" and the number of weeks of family-call compliance.
VISIT_WINDOW_DAYS = 30
CALL_WEEKS = 4


# (month, day) of the autumn and of the spring term's first day.
TermStarts = tuple[tuple[int, int], tuple[int, int]]
DEFAULT_TERM_STARTS: TermStarts = ((9, 1), (2, 1))

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
    """Figures and exports: a school's (REPORTS) or the county's (COUNTY_REPORTS)."""
    return may_do(actor, Access.REPORTS) or may_do(actor, Access.COUNTY_REPORTS)


def may_import(actor: Actor) -> bool:
    """Importing a roster registers children: a school's reports only, never the county office."""
    return may_do(actor, Access.REPORTS)


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
    from 1 February to 31 August (the summer holiday belongs to the year that ends with it); a school may start
    its terms on other days (`starts`: (month, day) of the autumn and of the spring term)."""

    year: int  # the school year's first calendar year: 2025 for 2025—2026
    number: int  # 1 (autumn) or 2 (spring)
    starts: TermStarts = ((9, 1), (2, 1))

    @property
    def start(self) -> date:
        return _term_start(self.year, self.number, self.starts)

    @property
    def end(self) -> date:
        """The last day of the term (inclusive): the day before the next one starts."""
        following = self.next()
        return following.start - timedelta(days=1)

    @property
    def key(self) -> str:
        return f"{self.year}-{self.number}"

    def previous(self) -> Term:
        return Term(self.year, 1, self.starts) if self.number == 2 else Term(self.year - 1, 2, self.starts)

    def next(self) -> Term:
        return Term(self.year, 2, self.starts) if self.number == 1 else Term(self.year + 1, 1, self.starts)

    def at(self, starts: TermStarts) -> Term:
        """The same term of the school year, by a school's own start days."""
        return Term(self.year, self.number, starts)

    @staticmethod
    def parse(key: str) -> Term | None:
        match = re.fullmatch(r"(\d{4})-([12])", key)
        if not match:
            return None
        return Term(int(match[1]), int(match[2]))


def _term_start(year: int, number: int, starts: TermStarts) -> date:
    (autumn_month, autumn_day), (spring_month, spring_day) = starts
    return date(year, autumn_month, autumn_day) if number == 1 else date(year + 1, spring_month, spring_day)


def term_of(day: date, starts: TermStarts = DEFAULT_TERM_STARTS) -> Term:
    """The term a day falls in (by the school's start days)."""
    if day >= _term_start(day.year, 1, starts):
        return Term(day.year, 1, starts)
    if day >= _term_start(day.year - 1, 2, starts):
        return Term(day.year - 1, 2, starts)
    return Term(day.year - 1, 1, starts)


def parse_term_starts(text: str) -> TermStarts | None:
    """ "09-01 02-20" (or 9.1 2.20, 9月1日 2月20日): the autumn term's first day (in August to October) and the
    spring term's (in January to March); None when it is not that."""
    found = re.findall(r"(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?", text)
    if len(found) != 2:
        return None
    (am, ad), (sm, sd) = ((int(m), int(d)) for m, d in found)
    try:
        date(2023, am, ad), date(2023, sm, sd)  # not a leap year: every year has the day (no 02-29)
    except ValueError:
        return None
    if not (8 <= am <= 10 and 1 <= sm <= 3):
        return None
    return ((am, ad), (sm, sd))


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


# --- the small-count rule ----------------------------------------------------------------------------------

# A count this small could point at a child: figures that leave a school (the county's table, the province's
# summary) show it as "<5", and hide a second count wherever one hidden count could be worked out from a total.
SMALL_COUNT = 5


def hidden_cells(grid: list[list[int]], *, row_groups: list[list[int]] | None = None) -> set[tuple[int, int]]:
    """The cells (row, column) of a table to show as "<5": every count from 1 to SMALL_COUNT - 1, and then, for
    every column (whose total is published) and every group of columns adding up within a row (`row_groups`,
    e.g. father + mother + both = the school's children), a second cell wherever a line holds exactly one hidden
    count, the smallest other non-zero one, until no line has a single hidden count. A zero is shown: it names
    nobody, and hiding it would only hide that a school has no such child. Give the totals as cells of the grid
    too (a total row, a total column in its group): a total under 5 is then hidden like any count."""
    hidden = {(r, c) for r, row in enumerate(grid) for c, value in enumerate(row) if 0 < value < SMALL_COUNT}
    width = len(grid[0]) if grid else 0
    lines = [[(r, c) for r in range(len(grid))] for c in range(width)]
    lines += [[(r, c) for c in group] for group in row_groups or [] for r in range(len(grid))]
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [cell for cell in line if cell in hidden]
            if len(inside) != 1:
                continue
            others = [cell for cell in line if cell not in hidden and grid[cell[0]][cell[1]] > 0]
            if others:
                hidden.add(min(others, key=lambda cell: (grid[cell[0]][cell[1]], cell)))
                changed = True
    return hidden


def shown_count(value: int, hidden: bool) -> str:
    return f"<{SMALL_COUNT}" if hidden else str(value)
