"""De-identified research data (四.2): which columns a dataset holds and how it is made safe to hand to a research
team. Plain rules, no SQL and no words.

A row is one child, under a random code drawn afresh for each export (no id, and two exports cannot be joined).
It holds no name, phone, address, ID number or free text. The columns that, put together, could single a child out
(the quasi-identifiers: grade, sex, who is away, year of birth, month since when) are coarsened for the whole
dataset, one step at a time in COARSENING's order, until at most MAX_LEFT_OUT of the children are in a group
smaller than SMALL_COUNT; those children are then left out, and their number is stated. So every combination of
the quasi-identifiers shown describes at least SMALL_COUNT children of the dataset."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.domain.stats import SMALL_COUNT

SUPPRESSED = "*"
QUASI_IDENTIFIERS = ("grade", "sex", "parents_away", "birth_year", "away_since")
MAX_LEFT_OUT = 0.1


@dataclass(frozen=True)
class Row:
    """One child's line: the quasi-identifiers, then counts and coded answers that name nobody."""

    grade: str
    sex: str
    parents_away: str
    birth_year: str  # "2015": a birth month with the grade and sex would nearly name a child in a small class
    away_since: str  # "2024-03": dates to the month at most
    boarding: str
    risk: str  # high / medium / low / "" (not assessed)
    visits: int
    checkins: int
    concerns: int
    carer: str  # the latest re-screening's answers, as codes ("" if none)
    change: str
    code: str = ""

    def key(self) -> tuple[str, ...]:
        return tuple(getattr(self, name) for name in QUASI_IDENTIFIERS)


def _year(value: str) -> str:
    return value[:4] if value != SUPPRESSED else value


# One step each: the column and what it becomes. The least telling detail goes first.
COARSENING: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("away_since", _year),
    ("away_since", lambda _v: SUPPRESSED),
    ("birth_year", lambda _v: SUPPRESSED),
    ("grade", lambda _v: SUPPRESSED),
    ("parents_away", lambda _v: SUPPRESSED),
    ("sex", lambda _v: SUPPRESSED),
)


def _coarsen(row: Row, column: str, step: Callable[[str], str]) -> Row:
    values: dict[str, str] = {column: step(str(getattr(row, column)))}
    return replace(row, **values)  # type: ignore[arg-type]  # the quasi-identifiers are all str


def month_of(day: str | None) -> str:
    return day[:7] if day else ""


def _small(rows: list[Row]) -> list[Row]:
    sizes = Counter(row.key() for row in rows)
    return [row for row in rows if sizes[row.key()] < SMALL_COUNT]


@dataclass(frozen=True)
class Dataset:
    rows: list[Row]
    coarsened: tuple[str, ...]  # the columns coarsened (or blanked), in order
    left_out: int  # children in a group under SMALL_COUNT even so


def deidentify(rows: list[Row], *, draw: Callable[[], str] | None = None) -> Dataset:
    """The rows coarsened and filtered as the module says, each under a fresh random code, in the codes' order
    (never the ids' or the classes')."""
    coarsened: list[str] = []
    for column, step in ((None, None), *COARSENING):
        if column is not None and step is not None:
            rows = [_coarsen(row, column, step) for row in rows]
            if column not in coarsened:
                coarsened.append(column)
        if len(_small(rows)) <= MAX_LEFT_OUT * len(rows):
            break
    small = {id(row) for row in _small(rows)}
    kept = [row for row in rows if id(row) not in small]
    new_code = draw or (lambda: secrets.token_hex(4).upper())
    codes: set[str] = set()
    coded = []
    for row in kept:
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        coded.append(replace(row, code=code))
    coded.sort(key=lambda row: row.code)
    return Dataset(coded, tuple(coarsened), len(rows) - len(kept))
