"""The leadership group's use cases: figures, lists that need action, charts, Excel export and import.

Admins see any scope, head teachers their own classes (bot.domain.stats.may_see). Every export and every
import is audited; an import writes nothing until the user confirms, then writes every row in one transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.domain.roles import Access, Actor, ChildFilter, reaches_every_child, scope_for
from bot.domain.stats import (
    CALL_WEEKS,
    COUNTY,
    VISIT_WINDOW_DAYS,
    DateRange,
    Scope,
    Term,
    TermStarts,
    hidden_cells,
    last_days,
    may_import,
    may_see,
    school_scope,
    term_of,
)
from bot.services import AccessDenied, NotFound, Services, excel
from bot.services import activities as activities_service
from bot.services import concerns as concerns_service
from bot.services import schools as schools_service
from bot.services.access import write_audit
from bot.services.duty_figures import add_duty_figures
from bot.storage import audit, exports, import_batches, schools
from bot.storage import county_figures as county_store
from bot.storage import stats as store

Summary = store.Summary  # what `summary` returns: the views word it


def local_today(services: Services) -> date:
    return services.now().astimezone(services.config.school.timezone).date()


async def _class_school(services: Services, scope: Scope) -> int | None:
    return await schools.school_of_class(services.db, scope.ref_id) if scope.kind == "class" else None


async def current_term_starts(services: Services, scope: Scope) -> TermStarts:
    """The term start days a scope's figures follow: its school's own (a class's: its class's school), else the
    national calendar's; the county's table keeps the national calendar for every school, to compare like with
    like."""
    school = scope.school if scope.kind != "class" else await _class_school(services, scope)
    return await schools_service.term_starts(services, school)


async def current_term(services: Services, scope: Scope) -> Term:
    """The term today falls in, for this scope's figures."""
    return term_of(local_today(services), await current_term_starts(services, scope))


async def may_see_scope(services: Services, actor: Actor, scope: Scope) -> bool:
    """Whether the actor may read the figures of this scope (a class's school looked up)."""
    return may_see(actor, scope, await _class_school(services, scope))


def _names_within(actor: Actor, scope: Scope, class_school: int | None) -> bool:
    """Whether the actor reads this scope as a school does (REPORTS: its lists of children by name)."""
    within = scope_for(actor, Access.REPORTS)
    if scope.kind == "county":
        return within.everyone
    if scope.kind == "class":
        return class_school is not None and within.includes_class(scope.ref_id, class_school)
    school = scope.school
    return school is not None and within.includes_school(school)


async def figures_only(services: Services, actor: Actor, scope: Scope) -> bool:
    """The county office reads a scope as counts alone (small ones suppressed), never names: a scope it sees
    through COUNTY_REPORTS and not through a school's REPORTS."""
    class_school = await _class_school(services, scope)
    return may_see(actor, scope, class_school) and not _names_within(actor, scope, class_school)


async def _checked(services: Services, actor: Actor, scope: Scope) -> str:
    """The scope's label, after checking the actor may see it; NotFound for a grade or class that is gone."""
    class_school = await _class_school(services, scope)
    if scope.kind == "class" and class_school is None:
        # A class that is gone: who reads a whole school's figures may be told so; to anyone else it is refused.
        raise NotFound if reaches_every_child(actor, Access.REPORTS) else AccessDenied
    if not may_see(actor, scope, class_school):
        raise AccessDenied
    label = await schools.scope_label(services.db, scope)
    if label is None:
        raise NotFound
    return label


def care_window(services: Services) -> store.CareWindow:
    """The last VISIT_WINDOW_DAYS local days, today included."""
    period = last_days(local_today(services), VISIT_WINDOW_DAYS)
    return store.CareWindow(
        period.start, period.end, store.local_modifier(services.config.school.timezone, services.now())
    )


async def summary(
    services: Services, actor: Actor, scope: Scope, term: Term | None = None
) -> tuple[str, store.Summary]:
    """Every figure of a scope; the term figures (enrolment, dropout, boarding requests) for `term`
    (default: the current one). The read is audited (figures name no child, lists do: see `attention`)."""
    label = await _checked(services, actor, scope)
    starts = await current_term_starts(services, scope)
    term = term.at(starts) if term else term_of(local_today(services), starts)
    result = await store.summary(services.db, scope)
    window = care_window(services)
    result.care.update(await store.visit_figures(services.db, scope, window))
    result.care.update(await store.term_figures(services.db, scope, term.start, term.end, window.local))
    result.term = term
    today = local_today(services)
    weeks = [(today - timedelta(days=7 * n), today - timedelta(days=7 * n - 6)) for n in range(CALL_WEEKS, 0, -1)]
    result.weekly_calls = await store.call_weeks(services.db, scope, weeks, window.local)
    result.care["calls_agreed"] = sum(a for _, a, _ in result.weekly_calls)
    result.care["calls_confirmed"] = sum(min(c, a) for _, a, c in result.weekly_calls)
    await add_duty_figures(services, scope, result)
    await _activity_figures(services, scope, term, result)
    await write_audit(services, actor, "stats", None, scope.encode())
    return label, result


async def attention(
    services: Services, actor: Actor, scope: Scope, kind: str, *, page: int, page_size: int
) -> tuple[str, list[store.ListedChild], int]:
    """One page of a list of children that need action; reading names is audited as a list view."""
    if kind not in (*store.LIST_CONDITIONS, "ovd", UNREACHED):
        raise NotFound
    label = await _checked(services, actor, scope)
    if not _names_within(actor, scope, await _class_school(services, scope)):
        raise AccessDenied  # the county office: counts, never a list of names
    if kind == UNREACHED:
        found, total = await _unreached(services, scope, page=page, page_size=page_size)
    else:
        found, total = await store.attention_list(
            services.db, scope, kind, limit=page_size, offset=page * page_size, window=care_window(services)
        )
    await write_audit(services, actor, "stats_list", None, f"{scope.encode()}:{kind}:{page}")
    return label, found, total


# --- care activities: by month this term, and the children none reached ----------------------------------------

UNREACHED = "noa"  # the list of the children no care activity reached this term


async def _activity_figures(services: Services, scope: Scope, term: Term, result: store.Summary) -> None:
    found = await activities_service.term_activities(services, scope, term)
    result.activity_months = found.months
    result.care["activities_unreached"] = found.unreached


async def _unreached(
    services: Services, scope: Scope, *, page: int, page_size: int
) -> tuple[list[store.ListedChild], int]:
    term = await current_term(services, scope)
    rows, total = await activities_service.unreached_page(
        services, scope, term, limit=page_size, offset=page * page_size
    )
    return [store.ListedChild(child_id, name, label) for child_id, name, label in rows], total


async def export_scopes(services: Services, actor: Actor) -> list[tuple[Scope, str]]:
    """What the actor may export, as (scope, label): the county, each school of their reach with its grades,
    then the classes of their reach."""
    found: list[tuple[Scope, str]] = []
    if may_see(actor, COUNTY):
        found.append((COUNTY, ""))
        found += [(school_scope(s.id), s.name) for s in await schools.list_schools(services.db)]
        return found
    within = scope_for(actor, Access.REPORTS)
    for school in sorted(within.school_ids):
        found.append((school_scope(school), ""))
        found += [
            (Scope("grade", gid, school), name)
            for gid, name, _ in await schools.grades_and_classes(services.db, school)
        ]
    found += [(Scope("class", cid), label) for cid, label in (await schools.class_labels(services.db, within)).items()]
    return found


async def scope_above(services: Services, actor: Actor, scope: Scope) -> Scope | None:
    """The school a grade or class figure belongs to, when the actor may see the school's figures."""
    within = scope_for(actor, Access.REPORTS)
    school = scope.school if scope.kind == "grade" else None
    if scope.kind == "class":
        school = await schools.school_of_class(services.db, scope.ref_id)
    return school_scope(school) if school is not None and within.includes_school(school) else None


async def drill_down(services: Services, actor: Actor, scope: Scope) -> list[tuple[Scope, str]]:
    """The scopes one level down that the actor may open: grades of the school, classes of a grade."""
    if scope.kind == "county":
        return [(school_scope(s.id), s.name) for s in await schools.list_schools(services.db)]
    within = scope_for(actor, Access.REPORTS)
    school = scope.school
    if school is None or not within.includes_school(school):
        return [(Scope("class", cid), label) for cid, label in (await schools.class_labels(services.db, within)).items()
                if Scope("class", cid) != scope]  # fmt: skip
    tree = await schools.grades_and_classes(services.db, school)
    if scope.kind == "school":
        return [(Scope("grade", gid, school), name) for gid, name, _ in tree]
    return [(Scope("class", cid), cname) for gid, _, classes in tree if gid == scope.ref_id for cid, cname in classes]


# --- export ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    """What a scope's county workbook holds, as data (bot/views/stats.py words it and writes the workbook)."""

    label: str
    summary: store.Summary
    roster: list[tuple[str, list[Any]]]  # (class label, children), every class of the scope, an empty one too
    visits: list[Any]
    checkins: list[Any]
    children: int


async def export(
    services: Services, actor: Actor, scope: Scope, period: DateRange, workbook: Callable[[Export], Awaitable[bytes]]
) -> tuple[Export, bytes]:
    """The county workbook for a scope: summary, roster (one sheet per class), care records in the period, written
    by `workbook`. Audited once it is made: one row for the export, one per child read. The county office gets
    the figures alone (`county_export`)."""
    if not _names_within(actor, scope, await _class_school(services, scope)):
        raise AccessDenied
    label, data = await summary(services, actor, scope)
    children = await exports.children_in_scope(services.db, scope)
    in_scope = set(await schools.class_ids_of(services.db, scope))
    # Every class of the scope gets its sheet, an empty class too (the county sees it has no such children).
    by_class: dict[str, list[Any]] = {
        class_label: [] for class_id, class_label in (
            await schools.class_labels(services.db, ChildFilter(class_ids=frozenset(in_scope)))
        ).items()
    }  # fmt: skip
    for child in children:
        by_class.setdefault(child.class_label, []).append(child)
    local = store.local_modifier(services.config.school.timezone, services.now())
    visits = await exports.visits_between(services.db, scope, period.start, period.end)
    checkins = await exports.checkins_between(services.db, scope, period.start, period.end, local)
    found = Export(label, data, list(by_class.items()), visits, checkins, len(children))
    content = await workbook(found)
    now = services.now()
    async with services.db.transaction():
        period_code = f"{scope.encode()}:{period.start.isoformat()}:{period.end.isoformat()}"
        await write_audit(services, actor, "export", None, f"{period_code}:children={len(children)}", at=now)
        await audit.record_many(
            services.db, at=now, actor_id=actor.user_id, action="export", child_ids=[c.id for c in children],
            detail="roster",
        )  # fmt: skip
    return found, content


# --- the county's table ----------------------------------------------------------------------------

# Open concerns are counted by their child's age today, in these bands of whole years (the last one open-ended):
# by age, never by name.
AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 5), (6, 13), (14, None))
# The columns of the county's table, in order; "total" is father + mother + both (a group the rule guards too).
COUNTY_COLUMNS: tuple[str, ...] = (
    "father", "mother", "both", "total", "no_designated", "unreachable", "overdue", "dropped_out", "reported",
    "awaiting", *(f"concerns_{n}" for n in range(len(AGE_BANDS))),
)  # fmt: skip
_KIND_GROUP = [0, 1, 2, 3]


@dataclass(frozen=True)
class CountyRow:
    """One line of the county's table: a school's (`school_id`), or the county's total (None)."""

    name: str
    school_id: int | None
    values: list[int | None]  # in COUNTY_COLUMNS order; None: a count under 5, shown "<5"


@dataclass(frozen=True)
class CountyTable:
    """Every school's figures side by side and the county's total (or one school's line), small counts hidden so
    that none can be worked out from the totals beside it."""

    label: str  # the school's name for one school's line; "" for the county
    rows: list[CountyRow]
    term: Term


def _cells(line: county_store.SchoolFigures, reports: tuple[int, int]) -> list[int]:
    return [line.father, line.mother, line.both, line.total, line.no_designated, line.unreachable, line.overdue,
            line.dropped_out, *reports, *line.concerns]  # fmt: skip


async def _police_reports(services: Services, school_id: int | None) -> dict[int, tuple[int, int]]:
    """Per school: concerns reported to the police (强制报告), and of them those still without the police's
    feedback."""
    within = ChildFilter(everyone=True) if school_id is None else ChildFilter(school_ids=frozenset({school_id}))
    reports: dict[int, tuple[int, int]] = {}
    for count in await concerns_service.county_counts(services, within):
        police, waiting = reports.get(count.school_id, (0, 0))
        reports[count.school_id] = (police + count.police, waiting + count.awaiting_feedback)
    return reports


def _years_before(day: date, years: int) -> date:
    """The latest birth date of someone `years` old or more on `day` (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


async def county_figures(services: Services, actor: Actor, scope: Scope, term: Term | None = None) -> CountyTable:
    """The county's table (scope: the county) or one school's line of it, for the county office; the term's
    dropouts for `term` (default: the current one). Counts only; the read is audited like any figures'."""
    if scope.kind not in ("county", "school") or not may_see(actor, scope):
        raise AccessDenied
    label = await schools.scope_label(services.db, scope)
    if label is None:
        raise NotFound
    today = local_today(services)
    term = term or term_of(today)
    bands = [_years_before(today, low) for low, _ in reversed(AGE_BANDS[1:])]
    lines = await county_store.county_table(
        services.db, school_id=scope.school, window=care_window(services), term_start=term.start,
        term_end=term.end, bands=bands,
    )  # fmt: skip
    reports = await _police_reports(services, scope.school)
    grid = [_cells(line, reports.get(line.school_id, (0, 0))) for line in lines]
    names: list[tuple[str, int | None]] = [(line.name, line.school_id) for line in lines]
    if scope.kind == "county":
        grid.append([sum(column) for column in zip(*grid, strict=True)] if grid else [0] * len(COUNTY_COLUMNS))
        names.append(("", None))
    hidden = hidden_cells(grid, row_groups=[_KIND_GROUP])
    rows = [
        CountyRow(name, school, [None if (r, c) in hidden else value for c, value in enumerate(grid[r])])
        for r, (name, school) in enumerate(names)
    ]
    await write_audit(services, actor, "stats", None, f"{scope.encode()}:figures")
    return CountyTable(label, rows, term)


async def county_export(
    services: Services, actor: Actor, scope: Scope, workbook: Callable[[CountyTable], Awaitable[bytes]]
) -> tuple[CountyTable, bytes]:
    """The county office's workbook: the table of figures alone (no roster, no care records, no name), written by
    `workbook`; audited as an export of figures."""
    table = await county_figures(services, actor, scope)
    content = await workbook(table)
    await write_audit(services, actor, "export", None, f"{scope.encode()}:figures")
    return table, content


# --- import ------------------------------------------------------------------------------------------


async def _import_classes(services: Services, actor: Actor) -> tuple[dict[str, int], frozenset[int]]:
    """The classes of the importer's schools by normalised label (another school's "三年级2班" is no class of this
    import), and those of them they may register into."""
    reach = scope_for(actor, Access.REGISTER)
    own = ChildFilter(school_ids=actor.staff_schools | reach.school_ids)
    labels = await schools.class_labels(services.db, own)
    allowed = await schools.class_labels(services.db, reach)
    return {excel.normalise_class_label(label): cid for cid, label in labels.items()}, frozenset(allowed)


async def import_template(services: Services, actor: Actor, words: excel.Words) -> bytes:
    if not may_import(actor):
        raise AccessDenied
    labels = await schools.class_labels(services.db, scope_for(actor, Access.REGISTER))
    allowed = list(labels.values())
    return await asyncio.to_thread(excel.build_template, words=words, class_labels=allowed)


async def check_import(
    services: Services, actor: Actor, content: bytes, file_name: str, words: excel.Words
) -> tuple[int | None, excel.ImportReport]:
    """Reads and checks a workbook; stages the good rows (nothing written to the archive yet).
    Returns (batch id or None when no row can be added, report). Raises excel.ImportProblem for a bad file."""
    if not may_import(actor):
        raise AccessDenied
    classes, allowed = await _import_classes(services, actor)
    existing = await import_batches.archive_keys(services.db, sorted(allowed))
    report = await asyncio.to_thread(
        excel.parse_import,
        content,
        today=local_today(services),
        classes=classes,
        allowed_class_ids=allowed,
        existing=existing,
        words=words,
        secret=services.config.security.secret,
    )
    now = services.now()
    await write_audit(
        services, actor, "import_check", None, f"good={len(report.good)}:skipped={len(report.skipped)}", at=now
    )
    if not report.good:
        return None, report
    rows = [{"sheet": g.sheet, "row": g.row, "values": g.values} for g in report.good]
    batch_id = await import_batches.stage_import(
        services.db, user_id=actor.user_id, file_name=file_name, rows=rows, now=now
    )
    return batch_id, report


UNCONFIRMED_IMPORT_KEPT = timedelta(hours=24)


class ImportGone(Exception):
    """The batch was already imported or cancelled (a double tap, or a newer file replaced it)."""


async def confirm_import(services: Services, actor: Actor, batch_id: int) -> tuple[int, list[tuple[str, int, str]]]:
    """Writes every staged row in one transaction; rows that became duplicates or out of reach since the check
    are left out. Returns (number added, [(sheet, row, name)] left out)."""
    staged = await import_batches.pending_import(services.db, batch_id)
    if staged is None or staged[0] != actor.user_id:
        raise NotFound
    if staged[1] != "pending":
        raise ImportGone
    if not may_import(actor):
        raise AccessDenied
    labels = await schools.class_labels(services.db, scope_for(actor, Access.REGISTER))
    now = services.now()
    left_out: list[tuple[str, int, str]] = []
    async with services.db.transaction():
        if not await import_batches.close_import(services.db, batch_id, "imported"):
            raise ImportGone
        existing = await import_batches.archive_keys(services.db, sorted(labels))
        to_add = []
        for item in staged[2]:
            values = item["values"]
            key = (str(values["name"]), str(values["birth_date"]), int(values["class_id"]))
            if key in existing or key[2] not in labels:
                left_out.append((str(item["sheet"]), int(item["row"]), key[0]))
                continue
            existing.add(key)
            to_add.append(values)
        ids = await import_batches.insert_children(services.db, to_add, created_by=actor.user_id, now=now)
        await audit.record_many(
            services.db, at=now, actor_id=actor.user_id, action="create", child_ids=ids, detail=f"import:{batch_id}"
        )
    return len(ids), left_out


async def expire_unconfirmed_imports(services: Services) -> int:
    """Children's details staged for an import are kept only while the report can still be confirmed: a report
    left unconfirmed for UNCONFIRMED_IMPORT_KEPT is cancelled and its rows dropped (its buttons then say it was
    already handled)."""
    return await import_batches.expire_imports(services.db, services.now() - UNCONFIRMED_IMPORT_KEPT)


async def cancel_import(services: Services, actor: Actor, batch_id: int) -> bool:
    staged = await import_batches.pending_import(services.db, batch_id)
    if staged is None or staged[0] != actor.user_id:
        raise NotFound
    return await import_batches.close_import(services.db, batch_id, "cancelled")
