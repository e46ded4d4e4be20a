"""Survey figures for /stats and /export: the questionnaires of a scope with their per-choice counts, and the
county's re-screening answers school by school, small counts hidden (bot.domain.stats.hidden_cells)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.domain import surveys as rules
from bot.domain.roles import Access, Actor
from bot.domain.stats import DEFAULT_TERM_STARTS, Scope, hidden_cells, term_of
from bot.services import Services
from bot.services.access import authorised
from bot.services.stats import local_today
from bot.storage import schools
from bot.storage import surveys as store

SHOWN = 20


async def of_scope(
    services: Services, actor: Actor, scope: Scope
) -> list[tuple[store.Survey, dict[tuple[int, int], int]]]:
    """A school's questionnaires (the latest SHOWN) with their counts; a class's, counted within the class. The
    caller has checked that the actor may read the scope's names."""
    if scope.kind == "school":
        found = await store.of_schools(services.db, frozenset({scope.ref_id}), SHOWN)
        return [(survey, await store.choice_counts(services.db, survey.id)) for survey in found]
    if scope.kind == "class":
        school_id = await schools.school_of_class(services.db, scope.ref_id)
        if school_id is None:
            return []
        found = await store.of_schools(services.db, frozenset({school_id}), SHOWN)
        counted = [(s, await store.choice_counts(services.db, s.id, class_id=scope.ref_id)) for s in found]
        return [(survey, counts) for survey, counts in counted if counts]
    return []


@dataclass(frozen=True)
class CountyRescreen:
    schools: list[tuple[int, str]]  # (school id, name), the rows of each question's grid
    grid: list[list[list[int]]]  # question → school → choice → count
    hidden: list[set[tuple[int, int]]]  # question → the (school, choice) cells shown as "<5"


def rescreen_survey() -> store.Survey:
    """The ready re-screening as a questionnaire (to word its questions and choices)."""
    return store.Survey(0, 0, 0, "teachers", "", rules.RESCREEN, "", rules.TEMPLATES[rules.RESCREEN],
                        datetime.min)  # fmt: skip


async def county_rescreen(services: Services, actor: Actor) -> CountyRescreen:
    """This term's re-screening answers of every school (the national calendar's term, to compare like with like),
    school by school; a count under 5 is hidden, and a second one wherever a row or column would give it away."""
    await authorised(services, actor, Access.COUNTY_REPORTS)
    term = term_of(local_today(services), DEFAULT_TERM_STARTS)
    since = datetime.combine(term.start, time(0), services.config.school.timezone)
    rows = await store.template_counts(services.db, rules.RESCREEN, since)
    names = await schools.school_names(services.db)
    school_ids = sorted({school for school, _q, _c, _n in rows})
    questions = rules.TEMPLATES[rules.RESCREEN]
    grid = [[[0] * len(q.choices) for _ in school_ids] for q in questions]
    for school, question, option, count in rows:
        if 0 <= question < len(questions) and 0 <= option < len(questions[question].choices):
            grid[question][school_ids.index(school)][option] = count
    hidden = [
        hidden_cells(table, row_groups=[list(range(len(questions[q].choices)))]) if table else set()
        for q, table in enumerate(grid)
    ]
    return CountyRescreen([(s, names.get(s, "")) for s in school_ids], grid, hidden)
