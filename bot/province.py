"""python -m bot.province county1.json county2.json ... --out province.xlsx: the province's workbook, merged from the
counties' de-identified summaries (`python -m bot summary`).

A count a county hid ("<5") stays hidden: a total that includes one is shown as a lower bound, "≥N", the known
counts plus one for each hidden count (a hidden count is never zero, and may be more than four when it was hidden
so that another could not be worked out), so no sum ever lets a hidden count be worked out.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from bot.domain.stats import SMALL_COUNT
from bot.services.summary import FIGURES, FORMAT, VERSION
from bot.texts import DEFAULT_LOCALE, Texts

HIDDEN = f"<{SMALL_COUNT}"

Cell = int | str  # a count, or HIDDEN


class ProvinceError(Exception):
    """A file that is not a county summary this version can merge; the message says which and why."""


@dataclass(frozen=True)
class County:
    name: str
    term: str
    as_of: str
    schools: list[tuple[str, str, list[Cell]]]  # (township, school, counts in the order of FIGURES)
    total: list[Cell]


@dataclass(frozen=True)
class Sum:
    """A column's total over counties: exact, or at least `value` when some of its counts were hidden."""

    value: int
    hidden: int  # how many of the counts added were hidden

    @property
    def exact(self) -> bool:
        return self.hidden == 0


def _counts(source: str, where: str, found: Any) -> list[Cell]:
    if not isinstance(found, dict) or set(found) != set(FIGURES):
        raise ProvinceError(f"{source}: {where} must hold exactly the figures {', '.join(FIGURES)}")
    counts: list[Cell] = []
    for figure in FIGURES:
        value = found[figure]
        if value == HIDDEN or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
            counts.append(value)
        else:
            raise ProvinceError(f"{source}: {where}: {figure} is {value!r}, not a count or {HIDDEN!r}")
    return counts


def read_county(path: Path) -> County:
    """One county's summary file, checked: the format and version this merge knows, every count a count."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProvinceError(f"{source}: cannot read it as JSON ({error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProvinceError(f"{source}: not a county summary (write one with: python -m bot summary --out FILE)")
    if data.get("version") != VERSION or data.get("figures") != list(FIGURES):
        raise ProvinceError(f"{source}: summary version {data.get('version')!r}; this merge reads version {VERSION}")
    schools = data.get("schools")
    if not isinstance(schools, list):
        raise ProvinceError(f"{source}: no list of schools")
    rows = []
    for n, school in enumerate(schools, start=1):
        if not isinstance(school, dict):
            raise ProvinceError(f"{source}: school {n} is not an object")
        rows.append(
            (
                str(school.get("township", "")),
                str(school.get("school", "")),
                _counts(source, f"school {n}", school.get("counts")),
            )
        )
    return County(
        str(data.get("county", "")) or path.stem,
        str(data.get("term", "")),
        str(data.get("as_of", "")),
        rows,
        _counts(source, "total", data.get("total")),
    )


def add_up(cells: list[Cell]) -> Sum:
    """The total of some counts; a hidden one counts as 1 towards the lower bound."""
    hidden = sum(1 for cell in cells if cell == HIDDEN)
    return Sum(sum(cell for cell in cells if isinstance(cell, int)) + hidden, hidden)


def province_totals(counties: list[County]) -> list[Sum]:
    """The province's total of each figure: the sum of the counties' published totals."""
    return [add_up([county.total[n] for county in counties]) for n in range(len(FIGURES))]


def workbook(counties: list[County], catalogue: Texts) -> bytes:
    """Three sheets: a row per county and the province total; a row per school; how to read the hidden counts."""

    class PlainTexts:
        """The catalogue's words as a cell wants them: it is escaped for messages, a cell holds the characters."""

        def t(self, key: str, **values: object) -> str:
            return html.unescape(catalogue.t(key, **values))

    texts = PlainTexts()

    def shown(total: Sum) -> Cell:
        return total.value if total.exact else texts.t("province.lower_bound", value=total.value)

    figures = [texts.t(f"province.figure.{figure}") for figure in FIGURES]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = texts.t("province.sheet.counties")
    sheet.append(
        [texts.t("province.col.county"), texts.t("province.col.term"), texts.t("province.col.as_of"), *figures]
    )
    for county in counties:
        sheet.append([county.name, county.term, county.as_of, *county.total])
    sheet.append([texts.t("province.total"), "", "", *(shown(total) for total in province_totals(counties))])
    schools = book.create_sheet(texts.t("province.sheet.schools"))
    schools.append(
        [texts.t("province.col.county"), texts.t("province.col.township"), texts.t("province.col.school"), *figures]
    )
    for county in counties:
        for township, school, counts in county.schools:
            schools.append([county.name, township, school, *counts])
        schools.append([county.name, "", texts.t("province.county_total"), *county.total])
    notes = book.create_sheet(texts.t("province.sheet.notes"))
    for key in ("province.note.small", "province.note.bound", "province.note.sources"):
        notes.append([texts.t(key)])
    for page in (sheet, schools):
        page.freeze_panes = "B2"
        page.column_dimensions["A"].width = 16
        page.column_dimensions["C"].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def merge(paths: list[Path], out: Path, language: str = DEFAULT_LOCALE) -> list[County]:
    """Reads every county's file (all of them, before anything is written) and writes the province's workbook."""
    counties = [read_county(path) for path in paths]
    out.write_bytes(workbook(counties, Texts(language)))
    return counties


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.province", description=__doc__.split("\n\n")[0])
    parser.add_argument("counties", nargs="+", type=Path, help="the counties' summary files (python -m bot summary)")
    parser.add_argument("--out", type=Path, default=Path("province.xlsx"), help="the workbook to write")
    parser.add_argument("--language", default=DEFAULT_LOCALE, help="zh_CN (default) or en")
    args = parser.parse_args(argv)
    try:
        counties = merge(args.counties, args.out, args.language)
    except ProvinceError as error:
        print(f"province: {error}; nothing was written", file=sys.stderr)
        return 2
    schools = sum(len(county.schools) for county in counties)
    print(f"wrote {args.out}: {len(counties)} counties, {schools} schools")
    return 0


if __name__ == "__main__":
    sys.exit(main())
