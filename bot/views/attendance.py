"""The monthly keep-in-school report (一月一报告) as a workbook, in the reader's words: the counts the county asks
for on the first sheet, then the ledgers (suspected dropouts, dropouts, attempts and their results, closed cases).
Blocking (openpyxl): callers run it with asyncio.to_thread."""

from __future__ import annotations

import html
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.services.attendance import Case, MonthlyReport
from bot.texts import Texts


def _plain(texts: Texts, key: str, **values: Any) -> str:
    return html.unescape(texts.t(key, **values))


def summary_rows(texts: Texts, report: MonthlyReport, month: str) -> list[tuple[str, object]]:
    """The first sheet: (figure, count), as the county's monthly form asks."""
    figures = report.figures
    rows: list[tuple[str, object]] = [
        (_plain(texts, "attendance.fig.month"), month),
        (_plain(texts, "attendance.fig.suspected"), figures.suspected),
        (_plain(texts, "attendance.fig.open_at_end"), figures.open_at_end),
        (_plain(texts, "attendance.fig.returned"), figures.returned),
        (_plain(texts, "attendance.fig.dropped_out"), figures.dropped_out),
        (_plain(texts, "attendance.fig.attempts"), figures.attempts),
    ]
    for method, count in figures.attempts_by_method.items():
        label = _plain(texts, "attendance.fig.method", method=_plain(texts, f"attendance.method.{method}"))
        rows.append((label, count))
    for reason in ("unknown", "sick", "leave"):
        label = _plain(texts, "attendance.fig.absence_days", reason=_plain(texts, f"attendance.reason.{reason}"))
        rows.append((label, figures.absence_days.get(reason, 0)))
    return rows


def workbook(texts: Texts, report: MonthlyReport, month: str) -> bytes:
    book = Workbook()
    bold = Font(bold=True)

    def sheet(title_key: str, headers: list[str], rows: list[list[object]], *, first: bool = False) -> None:
        ws = book.active if first else book.create_sheet()
        assert ws is not None
        ws.title = _plain(texts, title_key)
        ws.append([_plain(texts, h) for h in headers])
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # typed words (a name, a result) are text, never a formula
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(60, 2 * width + 2)

    def case_rows(cases: list[Case]) -> list[list[object]]:
        return [
            [c.child_name, c.class_label, c.opened_on.isoformat(), c.closed_on.isoformat() if c.closed_on else "",
             _plain(texts, f"attendance.status.{c.status}")]
            for c in cases
        ]  # fmt: skip

    case_headers = ["attendance.col.name", "attendance.col.class", "attendance.col.opened", "attendance.col.closed",
                    "attendance.col.status"]  # fmt: skip
    sheet("attendance.sheet.summary", ["attendance.col.figure", "attendance.col.value"],
          [list(r) for r in summary_rows(texts, report, month)], first=True)  # fmt: skip
    sheet("attendance.sheet.suspected", case_headers, case_rows(report.suspected))
    sheet("attendance.sheet.dropped", case_headers, case_rows(report.dropped_out))
    attempts: list[list[object]] = [
        [a.attempt_date.isoformat(), a.child_name, a.class_label, a.by_name,
         _plain(texts, f"attendance.method.{a.method}"), a.result, _plain(texts, f"attendance.outcome.{a.outcome}")]
        for a in report.attempts
    ]  # fmt: skip
    sheet("attendance.sheet.attempts", ["attendance.col.date", "attendance.col.name", "attendance.col.class",
          "attendance.col.who", "attendance.col.method", "attendance.col.result", "attendance.col.outcome"],
          attempts)  # fmt: skip
    sheet("attendance.sheet.closed", case_headers, case_rows(report.returned))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
