"""The leadership group's figures, charts and county workbook in words: what bot.services.stats counts, worded
for the reader (plain text here; handlers escape it where it goes into a message)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.clock import from_db
from bot.domain.roles import Actor
from bot.domain.stats import CALL_WEEKS, VISIT_WINDOW_DAYS, DateRange, Scope, Term, percent, shown_count
from bot.services import Services, charts, excel
from bot.services import stats as stats_service
from bot.services.notices import UNREAD_WEEKS
from bot.texts import Texts
from bot.views import WorkbookWords
from bot.views import surveys as survey_view


def scope_title(texts: Texts, services: Services, scope: Scope, label: str) -> str:
    """ "全校（学校名）", the county's name, or the grade's or class's name, as plain text."""
    if scope.kind == "school":
        return texts.t("stats.scope.school", school=label)
    if scope.kind == "county":
        return texts.t("county.scope", county=services.config.county.name or texts.t("county.unnamed"))
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


def term_label(texts: Texts, term: Term) -> str:
    return texts.t(f"stats.term.{term.number}", first=term.year, second=term.year + 1)


# The figures a headmaster acts on, shown first (/stats); the rest and every explanation are one tap away.
KEY_FIGURES = ("total", "no_designated", "unreachable", "pairing", "overdue", "calls", "records", "dropout")


def key_figures(texts: Texts, data: stats_service.Summary) -> list[Figure]:
    """The key figures in report order; only the total while no child is registered (the rest would all be 0)."""
    keep = KEY_FIGURES if data.total else ("total",)
    return [f for f in figures(texts, data) if f.key in keep]


def figures(texts: Texts, data: stats_service.Summary) -> list[Figure]:
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

    def listed(key: str, list_kind: str, count: int) -> Figure:
        """A bare count with the list of the children behind it."""
        return line(key, str(count), list_kind=list_kind, count=count)

    def rate(value_key: str, part: tuple[str, int], whole: tuple[str, int], none: str) -> str:
        """A part of a whole with its percentage (the catalogue names both); `none` with nothing to divide by."""
        (part_name, part_count), (whole_name, whole_count) = part, whole
        if not whole_count:
            return none
        counts = {part_name: part_count, whole_name: whole_count}
        return texts.t(value_key, **counts, percent=percent(part_count, whole_count))

    paired = rate("stats.val.coverage", ("part", data.paired), ("whole", total), str(data.paired))
    rows = [
        line("total", str(total)),
        line("father", share(data.father)),
        line("mother", share(data.mother)),
        line("both", share(data.both)),
        listed("no_designated", "nog", data.no_designated),
        listed("unreachable", "unr", data.unreachable),
        line("pairing", paired, list_kind="nom", count=data.no_mentor),
        listed("no_consent", "ncs", data.no_consent),
        line("boarding", texts.t("stats.val.boarding", requested=data.boarding_requested, yes=data.boarding_yes)),
    ]
    care = data.care
    if not care:
        return rows
    term = term_label(texts, data.term) if data.term else ""
    visits = rate("stats.val.visits", ("done", care["visits_done"]), ("due", care["visits_due"]),
                  texts.t("stats.val.visits_none"))  # fmt: skip
    calls = rate("stats.val.calls", ("confirmed", care["calls_confirmed"]), ("agreed", care["calls_agreed"]),
                 texts.t("stats.val.calls_none"))  # fmt: skip
    dropout = rate("stats.val.dropout", ("dropped", care["dropped_out"]), ("enrolled", care["enrolled_at_start"]),
                   texts.t("stats.val.dropout_none", dropped=care["dropped_out"]))  # fmt: skip
    records = texts.t("stats.val.records", visits=care["visits_all"], checkins=care["checkins"],
                      worries=care["worries"])  # fmt: skip
    boarding = texts.t("stats.val.boarding_term", requested=care["boarding_requests"],
                       granted=care["boarding_granted"], open=care["boarding_open"])  # fmt: skip
    rows += [
        line("visits", visits, days=VISIT_WINDOW_DAYS),
        listed("overdue", "ovd", care["overdue"]),
        line("calls", calls, weeks=CALL_WEEKS),
        line("records", records, days=VISIT_WINDOW_DAYS),
        line("boarding_term", boarding, term=term),
        line("dropout", dropout, term=term),
    ]
    return rows + duty_figures(texts, care, line) + activity_figures(texts, data, term)


def duty_figures(texts: Texts, care: dict[str, int], line: Callable[..., Figure]) -> list[Figure]:
    """What the school owes families and the county: written designations, weekly updates read, this month's
    ledger of keeping children in school."""
    if "no_written" not in care:
        return []
    sent, read = care["weekly_sent"], care["weekly_read"]
    return [
        line("no_written", str(care["no_written"])),
        line(
            "weekly_read",
            texts.t("stats.val.weekly_read", read=read, sent=sent, percent=percent(read, sent))
            if sent
            else texts.t("stats.val.weekly_read_none"),
            weeks=UNREAD_WEEKS,
        ),
        line(
            "month",
            texts.t(
                "stats.val.month",
                suspected=care["month_suspected"],
                open=care["month_open"],
                returned=care["month_returned"],
                dropped=care["month_dropped"],
                attempts=care["month_attempts"],
                absent=care["month_absent"],
            ),
        ),
    ]


def activity_figures(texts: Texts, data: stats_service.Summary, term: str) -> list[Figure]:
    """The care activities of the term by month, and the children none of them reached (a list behind it)."""
    months = texts.t("list.separator").join(
        texts.t("activity.stats.month", month=int(month[5:]), count=count) for month, count in data.activity_months
    )
    unreached = data.care.get("activities_unreached", 0)
    return [
        Figure(
            "activities",
            texts.t("activity.stats.fig_months"),
            months or texts.t("activity.stats.none"),
            texts.t("activity.stats.why_months", term=term, total=sum(n for _, n in data.activity_months)),
        ),
        Figure(
            "activities_unreached",
            texts.t("activity.stats.fig_unreached"),
            str(unreached),
            texts.t("activity.stats.why_unreached", term=term),
            list_kind=stats_service.UNREACHED,
            count=unreached,
        ),
    ]


async def chart(services: Services, actor: Actor, scope: Scope, texts: Texts) -> tuple[str, bytes]:
    """The scope's figures as a PNG: children by grade and kind (one bar for a grade or class), and the family
    calls confirmed week by week when any were agreed."""
    label, data = await stats_service.summary(services, actor, scope)
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
    heading = texts.t("stats.chart.heading", scope=title, date=stats_service.local_today(services).isoformat())
    return title, await charts.render_async(specs, heading=heading, note=note)


async def export(
    services: Services, actor: Actor, scope: Scope, period: DateRange, texts: Texts
) -> tuple[str, bytes, int]:
    """The county workbook for a scope in the reader's words (bot.services.stats.export gathers and audits).
    Returns (file name, content, number of children)."""

    async def workbook(data: stats_service.Export) -> bytes:
        title = scope_title(texts, services, scope, data.label)
        summary_rows: list[list[Any]] = [
            [texts.t("export.summary.scope"), title, ""],
            [texts.t("export.summary.period"), f"{period.start.isoformat()} — {period.end.isoformat()}", ""],
            [texts.t("export.summary.made"), services.now().astimezone(services.config.school.timezone).replace(
                tzinfo=None, microsecond=0), ""],
        ]  # fmt: skip
        summary_rows += [
            [_unescape(f.label), _cell(f.value), _unescape(f.explanation)] for f in figures(texts, data.summary)
        ]
        summary_rows += [
            [texts.t("export.summary.read_class", klass=klass), f"{read}/{sent}", percent(read, sent)]
            for klass, sent, read in data.summary.read_rates
        ]
        for grade in data.summary.by_grade:
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
            roster=data.roster,
            tables=_care_tables(services, data, texts) + await survey_view.export_tables(services, actor, scope, texts),
        )
        words = WorkbookWords(texts.locale)
        return await asyncio.to_thread(excel.build_export, book, words=words, today=stats_service.local_today(services))

    data, content = await stats_service.export(services, actor, scope, period, workbook)
    title = scope_title(texts, services, scope, data.label)
    stamp = services.now().astimezone(services.config.school.timezone).strftime("%Y%m%d-%H%M")
    file_name = texts.t("export.file_name", scope=title, stamp=stamp).replace("/", "_").replace(" ", "")
    return file_name, content, data.children


def _care_tables(
    services: Services, data: stats_service.Export, texts: Texts
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The visits and check-ins of the period, one sheet each, with dates as dates and labels in words."""
    tz = services.config.school.timezone
    visits, checkins = data.visits, data.checkins
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


# --- the county's table --------------------------------------------------------------------------------


def band_label(texts: Texts, low: int, high: int | None) -> str:
    if high is None:
        return texts.t("stats.county.band_open", low=low)
    return texts.t("stats.county.band", low=low, high=high)


def _shown(value: int | None) -> str:
    return shown_count(value or 0, value is None)


def county_line(texts: Texts, row: stats_service.CountyRow) -> str:
    """One school's line (or the total's) of the county's table, as HTML."""
    values = dict(zip(stats_service.COUNTY_COLUMNS, (_shown(v) for v in row.values), strict=True))
    concerns = "/".join(values[f"concerns_{n}"] for n in range(len(stats_service.AGE_BANDS)))
    name = texts.t("stats.county.total") if row.school_id is None else row.name
    return texts.t(
        "stats.county.line",
        school=name,
        concerns=concerns,
        **{k: v for k, v in values.items() if not k.startswith("concerns_")},
    )


def county_text(texts: Texts, services: Services, scope: Scope, table: stats_service.CountyTable) -> str:
    """The county office's /stats: a legend, one line per school, then the county's total."""
    title = scope_title(texts, services, scope, table.label)
    bands = "/".join(band_label(texts, low, high) for low, high in stats_service.AGE_BANDS)
    lines = [
        texts.t("stats.header", scope=title, date=stats_service.local_today(services).isoformat()),
        texts.t("stats.county.legend", term=term_label(texts, table.term), bands=bands),
        "",
    ]
    lines += [county_line(texts, row) for row in table.rows]
    if not table.rows:
        lines.append(texts.t("stats.county.no_schools"))
    lines += ["", texts.t("stats.county.small")]
    return "\n".join(lines)


async def county_chart(services: Services, actor: Actor, scope: Scope, texts: Texts) -> tuple[str, bytes]:
    """Children by kind per school, the small counts left out (as in the table)."""
    table = await stats_service.county_figures(services, actor, scope)
    title = scope_title(texts, services, scope, table.label)
    schools = [row for row in table.rows if row.school_id is not None]
    series = [
        (texts.t(f"stats.fig.{kind}"), [schools_row.values[n] or 0 for schools_row in schools])
        for n, kind in enumerate(("father", "mother", "both"))
    ]
    specs: list[charts.StackedBars | charts.RateLine] = [
        charts.StackedBars(
            title=texts.t("stats.county.chart"),
            categories=[row.name for row in schools],
            series=series,
            y_label=texts.t("stats.chart.children"),
            empty_note=texts.t("stats.chart.empty"),
        )
    ]
    heading = texts.t("stats.chart.heading", scope=title, date=stats_service.local_today(services).isoformat())
    return title, await charts.render_async(specs, heading=heading, note=texts.t("stats.county.chart_note"))


def county_headers(texts: Texts) -> list[str]:
    bands = [band_label(texts, low, high) for low, high in stats_service.AGE_BANDS]
    named = [texts.t(f"stats.county.col.{c}") for c in stats_service.COUNTY_COLUMNS if not c.startswith("concerns_")]
    return [texts.t("stats.county.col.school"), *named, *(texts.t("stats.county.col.concerns", band=b) for b in bands)]


async def county_export(services: Services, actor: Actor, scope: Scope, texts: Texts) -> tuple[str, bytes, int]:
    """The county office's workbook: one sheet of schools × figures (small counts "<5"), one of what it covers.
    Returns (file name, content, number of schools)."""

    async def workbook(table: stats_service.CountyTable) -> bytes:
        title = scope_title(texts, services, scope, table.label)
        rows: list[list[Any]] = [
            [texts.t("stats.county.total") if row.school_id is None else row.name,
             *(_unescape(_shown(v)) if v is None else v for v in row.values)]
            for row in table.rows
        ]  # fmt: skip
        made = services.now().astimezone(services.config.school.timezone).replace(tzinfo=None, microsecond=0)
        about: list[list[Any]] = [
            [texts.t("export.summary.scope"), title],
            [texts.t("stats.county.col.term"), term_label(texts, table.term)],
            [texts.t("export.summary.made"), made],
            [texts.t("export.col.note"), _unescape(texts.t("stats.county.small"))],
        ]
        book = excel.ExportBook(
            summary_title=texts.t("stats.county.sheet"),
            summary_headers=county_headers(texts),
            summary_rows=rows,
            tables=[(texts.t("stats.county.sheet_about"), [texts.t("export.col.figure"), texts.t("export.col.value")],
                     about)],
        )  # fmt: skip
        words = WorkbookWords(texts.locale)
        return await asyncio.to_thread(excel.build_export, book, words=words, today=stats_service.local_today(services))

    table, content = await stats_service.county_export(services, actor, scope, workbook)
    title = scope_title(texts, services, scope, table.label)
    stamp = services.now().astimezone(services.config.school.timezone).strftime("%Y%m%d-%H%M")
    file_name = texts.t("stats.county.file_name", scope=title, stamp=stamp).replace("/", "_").replace(" ", "")
    return file_name, content, sum(row.school_id is not None for row in table.rows)
