"""The leadership group's use cases: figures, lists that need action, charts, Excel export and import.

Admins see any scope, head teachers their own classes (bot.domain.stats.may_see). Every export and every
import is audited; an import writes nothing until the user confirms, then writes every row in one transaction.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.domain.clock import from_db
from bot.domain.roles import Access, Actor, scope_for
from bot.domain.stats import (
    CALL_WEEKS,
    VISIT_WINDOW_DAYS,
    DateRange,
    Scope,
    Term,
    last_days,
    may_see,
    may_use_reports,
    percent,
    term_of,
)
from bot.services import AccessDenied, NotFound, Services, charts, excel
from bot.storage import audit
from bot.storage import stats as store
from bot.texts import Texts


def local_today(services: Services) -> date:
    return services.now().astimezone(services.config.school.timezone).date()


async def _checked(services: Services, actor: Actor, scope: Scope) -> str:
    """The scope's label, after checking the actor may see it; NotFound for a grade or class that is gone."""
    if not may_see(actor, scope):
        raise AccessDenied
    label = await store.scope_label(services.db, scope)
    if label is None:
        raise NotFound
    return label


def scope_title(texts: Texts, services: Services, scope: Scope, label: str) -> str:
    """ "全校（学校名）", or the grade's or class's name, as plain text."""
    if scope.kind == "school":
        return texts.t("stats.scope.school", school=services.config.school.name)
    return label


@dataclass(frozen=True)
class Figure:
    """One line of the report: what it counts, the number, and how it is computed."""

    key: str
    label: str
    value: str
    explanation: str
    list_kind: str = ""  # a list of children behind the figure (a code of store.LIST_CONDITIONS)
    count: int = 0


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
    term = term or term_of(local_today(services))
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
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action="stats", child_id=None, detail=scope.encode()
    )
    return label, result


def term_label(texts: Texts, term: Term) -> str:
    return texts.t(f"stats.term.{term.number}", first=term.year, second=term.year + 1)


# The figures a headmaster acts on, shown first (/stats); the rest and every explanation are one tap away.
KEY_FIGURES = ("total", "no_designated", "unreachable", "pairing", "overdue", "calls", "records", "dropout")


def key_figures(texts: Texts, data: store.Summary) -> list[Figure]:
    """The key figures in report order; only the total while no child is registered (the rest would all be 0)."""
    keep = KEY_FIGURES if data.total else ("total",)
    return [f for f in figures(texts, data) if f.key in keep]


def figures(texts: Texts, data: store.Summary) -> list[Figure]:
    """The figures of a summary in report order, each explained in one line (plain text, not yet escaped).
    A ratio with nothing to divide by is not shown as one: a bare count, or what the empty denominator means."""
    total = data.total

    def line(key: str, value: str, *, list_kind: str = "", count: int = 0, **values: object) -> Figure:
        return Figure(
            key=key,
            label=texts.t(f"stats.fig.{key}"),
            value=value,
            explanation=texts.t(f"stats.why.{key}", **values),
            list_kind=list_kind,
            count=count,
        )

    def share(part: int) -> str:
        return texts.t("stats.val.share", count=part, percent=percent(part, total)) if total else str(part)

    rows = [
        line("total", str(total)),
        line("father", share(data.father)),
        line("mother", share(data.mother)),
        line("both", share(data.both)),
        line("no_designated", str(data.no_designated), list_kind="nog", count=data.no_designated),
        line("unreachable", str(data.unreachable), list_kind="unr", count=data.unreachable),
        line(
            "pairing",
            texts.t("stats.val.coverage", part=data.paired, whole=total, percent=percent(data.paired, total))
            if total
            else str(data.paired),
            list_kind="nom",
            count=data.no_mentor,
        ),
        line("no_consent", str(data.no_consent), list_kind="ncs", count=data.no_consent),
        line("boarding", texts.t("stats.val.boarding", requested=data.boarding_requested, yes=data.boarding_yes)),
    ]
    care = data.care
    if not care:
        return rows
    term = term_label(texts, data.term) if data.term else ""
    rows += [
        line(
            "visits",
            texts.t(
                "stats.val.visits",
                done=care["visits_done"],
                due=care["visits_due"],
                percent=percent(care["visits_done"], care["visits_due"]),
            )
            if care["visits_due"]
            else texts.t("stats.val.visits_none"),
            days=VISIT_WINDOW_DAYS,
        ),
        line("overdue", str(care["overdue"]), list_kind="ovd", count=care["overdue"]),
        line(
            "calls",
            texts.t(
                "stats.val.calls",
                confirmed=care["calls_confirmed"],
                agreed=care["calls_agreed"],
                percent=percent(care["calls_confirmed"], care["calls_agreed"]),
            )
            if care["calls_agreed"]
            else texts.t("stats.val.calls_none"),
            weeks=CALL_WEEKS,
        ),
        line(
            "records",
            texts.t("stats.val.records", visits=care["visits_all"], checkins=care["checkins"], worries=care["worries"]),
            days=VISIT_WINDOW_DAYS,
        ),
        line(
            "boarding_term",
            texts.t(
                "stats.val.boarding_term",
                requested=care["boarding_requests"],
                granted=care["boarding_granted"],
                open=care["boarding_open"],
            ),
            term=term,
        ),
        line(
            "dropout",
            texts.t(
                "stats.val.dropout",
                dropped=care["dropped_out"],
                enrolled=care["enrolled_at_start"],
                percent=percent(care["dropped_out"], care["enrolled_at_start"]),
            )
            if care["enrolled_at_start"]
            else texts.t("stats.val.dropout_none", dropped=care["dropped_out"]),
            term=term,
        ),
    ]
    return rows


async def attention(
    services: Services, actor: Actor, scope: Scope, kind: str, *, page: int, page_size: int
) -> tuple[str, list[store.ListedChild], int]:
    """One page of a list of children that need action; reading names is audited as a list view."""
    if kind not in (*store.LIST_CONDITIONS, "ovd"):
        raise NotFound
    label = await _checked(services, actor, scope)
    found, total = await store.attention_list(
        services.db, scope, kind, limit=page_size, offset=page * page_size, window=care_window(services)
    )
    await audit.record(
        services.db,
        at=services.now(),
        actor_id=actor.user_id,
        action="stats_list",
        child_id=None,
        detail=f"{scope.encode()}:{kind}:{page}",
    )
    return label, found, total


async def drill_down(services: Services, actor: Actor, scope: Scope) -> list[tuple[Scope, str]]:
    """The scopes one level down that the actor may open: grades of the school, classes of a grade."""
    within = scope_for(actor, Access.REPORTS)
    if not within.everyone:
        return [(Scope("class", cid), label) for cid, label in (await store.class_labels(services.db)).items()
                if within.includes_class(cid) and Scope("class", cid) != scope]  # fmt: skip
    tree = await store.grades_and_classes(services.db)
    if scope.kind == "school":
        return [(Scope("grade", gid), name) for gid, name, _ in tree]
    if scope.kind == "grade":
        return [
            (Scope("class", cid), cname) for gid, _, classes in tree if gid == scope.ref_id for cid, cname in classes
        ]
    return []


async def chart(services: Services, actor: Actor, scope: Scope, texts: Texts) -> tuple[str, bytes]:
    """The scope's figures as a PNG: children by grade and kind (one bar for a grade or class), and the family
    calls confirmed week by week when any were agreed."""
    label, data = await summary(services, actor, scope)
    title = scope_title(texts, services, scope, label)
    if scope.kind == "school":
        categories = [g.grade_name for g in data.by_grade]
        series = [
            (texts.t("stats.fig.father"), [g.father for g in data.by_grade]),
            (texts.t("stats.fig.mother"), [g.mother for g in data.by_grade]),
            (texts.t("stats.fig.both"), [g.both for g in data.by_grade]),
        ]
        chart_title = texts.t("stats.chart.by_grade")
    else:
        categories = [title]
        series = [
            (texts.t("stats.fig.father"), [data.father]),
            (texts.t("stats.fig.mother"), [data.mother]),
            (texts.t("stats.fig.both"), [data.both]),
        ]
        chart_title = texts.t("stats.chart.by_kind")
    specs: list[charts.StackedBars | charts.RateLine] = [
        charts.StackedBars(
            title=chart_title,
            categories=categories,
            series=series,
            y_label=texts.t("stats.chart.children"),
            empty_note=texts.t("stats.chart.empty"),
        )
    ]
    # With no family call agreed in these weeks there is no rate to draw: one panel and a note, not an empty one.
    note = "" if any(agreed for _, agreed, _ in data.weekly_calls) else texts.t("stats.chart.no_calls")
    if not note:
        specs.append(
            charts.RateLine(
                title=texts.t("stats.chart.calls"),
                periods=[texts.t("stats.chart.week", date=f"{w.month}/{w.day}") for w, _, _ in data.weekly_calls],
                values=[(c / a if a else None) for _, a, c in data.weekly_calls],
                y_label=texts.t("stats.chart.percent"),
                empty_note=texts.t("stats.chart.no_calls"),
            )
        )
    heading = texts.t("stats.chart.heading", scope=title, date=local_today(services).isoformat())
    return title, await charts.render_async(specs, heading=heading, note=note)


# --- export ------------------------------------------------------------------------------------------


async def export(
    services: Services, actor: Actor, scope: Scope, period: DateRange, texts: Texts
) -> tuple[str, bytes, int]:
    """The county workbook for a scope: summary, roster (one sheet per class), care records in the period.
    Returns (file name, content, number of children). Audited: one row for the export, one per child read."""
    label, data = await summary(services, actor, scope)
    title = scope_title(texts, services, scope, label)
    children = await store.children_in_scope(services.db, scope)
    in_scope = set(await store.class_ids_of(services.db, scope))
    # Every class of the scope gets its sheet, an empty class too (the county sees it has no such children).
    by_class: dict[str, list[Any]] = {
        class_label: [] for class_id, class_label in (await store.class_labels(services.db)).items()
        if class_id in in_scope
    }  # fmt: skip
    for child in children:
        by_class.setdefault(child.class_label, []).append(child)
    summary_rows: list[list[Any]] = [
        [texts.t("export.summary.scope"), title, ""],
        [texts.t("export.summary.period"), f"{period.start.isoformat()} — {period.end.isoformat()}", ""],
        [texts.t("export.summary.made"), services.now().astimezone(services.config.school.timezone).replace(
            tzinfo=None, microsecond=0), ""],
    ]  # fmt: skip
    summary_rows += [[_unescape(f.label), _cell(f.value), _unescape(f.explanation)] for f in figures(texts, data)]
    for grade in data.by_grade:
        summary_rows.append(
            [
                texts.t("export.summary.grade", grade=grade.grade_name),
                grade.total,
                texts.t("export.summary.grade_detail", father=grade.father, mother=grade.mother, both=grade.both),
            ]
        )
    book = excel.ExportBook(
        summary_title=texts.t("export.sheet.summary"),
        summary_headers=[texts.t("export.col.figure"), texts.t("export.col.value"), texts.t("export.col.note")],
        summary_rows=[[_unescape(str(c)) if isinstance(c, str) else c for c in row] for row in summary_rows],
        roster=list(by_class.items()),
        tables=await _care_tables(services, scope, period, texts),
    )
    content = await asyncio.to_thread(excel.build_export, book, locale=texts.locale, today=local_today(services))
    now = services.now()
    async with services.db.transaction():
        await audit.record(
            services.db,
            at=now,
            actor_id=actor.user_id,
            action="export",
            child_id=None,
            detail=f"{scope.encode()}:{period.start.isoformat()}:{period.end.isoformat()}:children={len(children)}",
        )
        await audit.record_many(
            services.db, at=now, actor_id=actor.user_id, action="export", child_ids=[c.id for c in children],
            detail="roster",
        )  # fmt: skip
    stamp = now.astimezone(services.config.school.timezone).strftime("%Y%m%d-%H%M")
    file_name = texts.t("export.file_name", scope=title, stamp=stamp).replace("/", "_").replace(" ", "")
    return file_name, content, len(children)


async def _care_tables(
    services: Services, scope: Scope, period: DateRange, texts: Texts
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The visits and check-ins of the period, one sheet each, with dates as dates and labels in words."""
    tz = services.config.school.timezone
    local = store.local_modifier(tz, services.now())
    visits = await store.visits_between(services.db, scope, period.start, period.end)
    checkins = await store.checkins_between(services.db, scope, period.start, period.end, local)
    yes, no = texts.t("export.yes"), texts.t("export.no")

    def rating(value: int) -> str:
        return texts.t(f"export.rating.{value}")

    visit_rows: list[list[Any]] = [
        [date.fromisoformat(v["visit_date"]), v["name"], v["class_label"], texts.t(f"export.kind.{v['kind']}"),
         v["participants"], v["notes"], v["author"], yes if v["by_mentor"] else no]
        for v in visits
    ]  # fmt: skip
    checkin_rows: list[list[Any]] = [
        [from_db(k["at"]).astimezone(tz).replace(tzinfo=None), k["name"], k["class_label"], rating(k["study"]),
         rating(k["life"]), rating(k["mood"]), rating(k["health"]), yes if k["worry"] else no, k["note"],
         k["author"]]
        for k in checkins
    ]  # fmt: skip
    visit_headers = ["date", "child", "class", "kind", "participants", "notes", "author", "by_mentor"]
    checkin_headers = ["time", "child", "class", "study", "life", "mood", "health", "worry", "remark", "author"]
    return [
        (texts.t("export.sheet.visits"), [texts.t(f"export.col.{h}") for h in visit_headers], visit_rows),
        (texts.t("export.sheet.checkins"), [texts.t(f"export.col.{h}") for h in checkin_headers], checkin_rows),
    ]


def _cell(value: str) -> int | str:
    """A bare count goes into the sheet as a number (the county sums it); anything else as text."""
    return int(value) if value.isdigit() else _unescape(value)


def _unescape(text: str) -> str:
    """Catalogue output is HTML-escaped for messages; a spreadsheet cell wants the plain characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- import ------------------------------------------------------------------------------------------


def _import_classes(actor: Actor, labels: dict[int, str]) -> tuple[dict[str, int], frozenset[int] | None]:
    mapping = {excel.normalise_class_label(label): cid for cid, label in labels.items()}
    return mapping, scope_for(actor, Access.REGISTER).classes()


async def import_template(services: Services, actor: Actor, texts: Texts) -> bytes:
    if not may_use_reports(actor):
        raise AccessDenied
    labels = await store.class_labels(services.db)
    within = scope_for(actor, Access.REGISTER)
    allowed = [label for cid, label in labels.items() if within.includes_class(cid)]
    return await asyncio.to_thread(excel.build_template, locale=texts.locale, class_labels=allowed)


async def check_import(
    services: Services, actor: Actor, content: bytes, file_name: str
) -> tuple[int | None, excel.ImportReport]:
    """Reads and checks a workbook; stages the good rows (nothing written to the archive yet).
    Returns (batch id or None when no row can be added, report). Raises excel.ImportProblem for a bad file."""
    if not may_use_reports(actor):
        raise AccessDenied
    labels = await store.class_labels(services.db)
    classes, allowed = _import_classes(actor, labels)
    existing = await store.archive_keys(services.db, None if allowed is None else sorted(allowed))
    report = await asyncio.to_thread(
        excel.parse_import,
        content,
        today=local_today(services),
        classes=classes,
        allowed_class_ids=allowed,
        existing=existing,
    )
    now = services.now()
    await audit.record(
        services.db,
        at=now,
        actor_id=actor.user_id,
        action="import_check",
        child_id=None,
        detail=f"good={len(report.good)}:skipped={len(report.skipped)}",
    )
    if not report.good:
        return None, report
    rows = [{"sheet": g.sheet, "row": g.row, "values": g.values} for g in report.good]
    batch_id = await store.stage_import(services.db, user_id=actor.user_id, file_name=file_name, rows=rows, now=now)
    return batch_id, report


UNCONFIRMED_IMPORT_KEPT = timedelta(hours=24)


class ImportGone(Exception):
    """The batch was already imported or cancelled (a double tap, or a newer file replaced it)."""


async def confirm_import(services: Services, actor: Actor, batch_id: int) -> tuple[int, list[tuple[str, int, str]]]:
    """Writes every staged row in one transaction; rows that became duplicates or out of reach since the check
    are left out. Returns (number added, [(sheet, row, name)] left out)."""
    staged = await store.pending_import(services.db, batch_id)
    if staged is None or staged[0] != actor.user_id:
        raise NotFound
    if staged[1] != "pending":
        raise ImportGone
    if not may_use_reports(actor):
        raise AccessDenied
    labels = await store.class_labels(services.db)
    now = services.now()
    left_out: list[tuple[str, int, str]] = []
    async with services.db.transaction():
        if not await store.close_import(services.db, batch_id, "imported"):
            raise ImportGone
        existing = await store.archive_keys(services.db, None)
        to_add = []
        for item in staged[2]:
            values = item["values"]
            key = (str(values["name"]), str(values["birth_date"]), int(values["class_id"]))
            allowed = scope_for(actor, Access.REGISTER).includes_class(key[2])
            if key in existing or key[2] not in labels or not allowed:
                left_out.append((str(item["sheet"]), int(item["row"]), key[0]))
                continue
            existing.add(key)
            to_add.append(values)
        ids = await store.insert_children(services.db, to_add, created_by=actor.user_id, now=now)
        await audit.record_many(
            services.db, at=now, actor_id=actor.user_id, action="create", child_ids=ids, detail=f"import:{batch_id}"
        )
    return len(ids), left_out


async def expire_unconfirmed_imports(services: Services) -> int:
    """Children's details staged for an import are kept only while the report can still be confirmed: a report
    left unconfirmed for UNCONFIRMED_IMPORT_KEPT is cancelled and its rows dropped (its buttons then say it was
    already handled)."""
    return await store.expire_imports(services.db, services.now() - UNCONFIRMED_IMPORT_KEPT)


async def cancel_import(services: Services, actor: Actor, batch_id: int) -> bool:
    staged = await store.pending_import(services.db, batch_id)
    if staged is None or staged[0] != actor.user_id:
        raise NotFound
    return await store.close_import(services.db, batch_id, "cancelled")
