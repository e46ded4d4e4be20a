"""The county's de-identified summary for the province: per school and for the county, counts only, small counts
hidden by the small-count rule (bot.domain.stats.hidden_cells). It names no child and no person, and carries no
id of one; `python -m bot summary` writes it as JSON and bot/province.py merges the counties' files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain.stats import Scope, hidden_cells, school_scope, shown_count, term_of
from bot.services import Services
from bot.services.stats import care_window, local_today
from bot.storage import audit, schools
from bot.storage import stats as store

FORMAT = "shouwang-county-summary"
VERSION = 1

# The figures, in their order in the file and the workbook. The first four add up within a row: father + mother +
# both away = children, so one of them hidden alone could be worked out from the others.
FIGURES = (
    "father_away",
    "mother_away",
    "both_away",
    "children",
    "no_designated_guardian",
    "no_reachable_guardian",
    "overdue_pairings",
    "dropouts_this_term",
)
KIND_GROUP = [0, 1, 2, 3]


@dataclass(frozen=True)
class SchoolFigures:
    name: str
    township: str
    counts: tuple[int, ...]  # in the order of FIGURES


@dataclass(frozen=True)
class CountySummary:
    county: str
    term: str  # e.g. "2025-2"
    as_of: str  # the local date the figures were counted
    schools: list[SchoolFigures]

    @property
    def total(self) -> tuple[int, ...]:
        return tuple(sum(s.counts[n] for s in self.schools) for n in range(len(FIGURES)))

    def hidden(self) -> set[tuple[int, int]]:
        """The cells to show as "<5": rows are the schools, then the county total (published too)."""
        grid = [list(s.counts) for s in self.schools] + [list(self.total)]
        return hidden_cells(grid, row_groups=[KIND_GROUP])


async def _figures(services: Services, scope: Scope) -> tuple[int, ...]:
    term = term_of(local_today(services))
    window = care_window(services)
    found = await store.summary(services.db, scope)
    care = await store.visit_figures(services.db, scope, window)
    terms = await store.term_figures(services.db, scope, term.start, term.end, window.local)
    return (
        found.father,
        found.mother,
        found.both,
        found.total,
        found.no_designated,
        found.unreachable,
        care["overdue"],
        terms["dropped_out"],
    )


async def county_summary(services: Services) -> CountySummary:
    """Every school's figures, read on the server by whoever runs the installation (no bot user: the audit row
    names no actor); audited once, as the counts of the whole county."""
    config = services.config
    found = []
    for school in await schools.list_schools(services.db):
        # The first school is named from the config at the bot's start; a database never started has no name yet.
        name = school.name or (config.school.name if school.id == schools.FIRST_SCHOOL else "")
        found.append(SchoolFigures(name, school.township, await _figures(services, school_scope(school.id))))
    today = local_today(services)
    await audit.record(
        services.db, at=services.now(), actor_id=None, action="summary_export", child_id=None, detail="county"
    )
    return CountySummary(config.county.name, term_of(today).key, today.isoformat(), found)


def as_json(summary: CountySummary) -> dict[str, Any]:
    """The file the province merges: every count as a number, or "<5" where the small-count rule hides it."""
    hidden = summary.hidden()

    def row(r: int, counts: tuple[int, ...]) -> dict[str, int | str]:
        return {f: counts[c] if (r, c) not in hidden else shown_count(counts[c], True) for c, f in enumerate(FIGURES)}

    return {
        "format": FORMAT,
        "version": VERSION,
        "county": summary.county,
        "term": summary.term,
        "as_of": summary.as_of,
        "figures": list(FIGURES),
        "schools": [
            {"school": s.name, "township": s.township, "counts": row(r, s.counts)}
            for r, s in enumerate(summary.schools)
        ],
        "total": row(len(summary.schools), summary.total),
    }
