"""Excel workbooks with openpyxl: the export the county asks for, the import template, and import parsing.

Everything here is blocking and pure (bytes in, bytes or records out): callers run it with asyncio.to_thread.
Headers and choice labels come from the message catalogue, so a workbook is in the reader's language and
an import accepts either language.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from bot.domain.archive import FIELDS, ArchiveField, FieldKind, parse_id_number
from bot.domain.civil_forms import ROSTER_COLUMNS
from bot.domain.clock import age_on
from bot.domain.messages import Reasoned
from bot.domain.models import Child
from bot.domain.validation import InvalidInput, clean_text, parse_birth_date, parse_date, parse_phone
from bot.services import identity

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_IMPORT_ROWS = 10_000
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_FONT = Font(bold=True)
_EXAMPLE_FONT = Font(italic=True, color="808080")
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


class Words(Protocol):
    """The catalogue's plain words for a workbook (bot.views.WorkbookWords): in the reader's language (writing), and
    in every language the bot speaks (reading a workbook made in any of them)."""

    def plain(self, key: str) -> str: ...

    def every(self, key: str) -> tuple[str, ...]: ...


# --- writing -----------------------------------------------------------------------------------------


def _display_width(value: object) -> int:
    text = value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value if value is not None else "")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(wanted: str, taken: set[str]) -> str:
    base = (wanted.translate(_BAD_SHEET_CHARS).strip("'") or "Sheet")[:31]
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_table(
    book: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], taken: set[str]
) -> None:
    """One sheet: bold header row, frozen; dates as real dates; columns as wide as their content (capped)."""
    sheet = book.create_sheet(_sheet_title(title, taken))
    sheet.append(list(headers))
    widths = [_display_width(h) for h in headers]
    for row in rows:
        sheet.append(list(row))
        for i, value in enumerate(row):
            widths[i] = max(widths[i], _display_width(value))
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 6), 50)
    sheet.freeze_panes = "A2"


def roster_headers(words: Words) -> list[str]:
    """编号, the archive fields in card order, with 年龄 right after the date of birth."""
    headers = [words.plain("export.col.id")]
    for spec in FIELDS:
        headers.append(words.plain(f"field.{spec.name}"))
        if spec.kind is FieldKind.BIRTH_DATE:
            headers.append(words.plain("export.col.age"))
    return headers


def roster_row(child: Child, *, words: Words, today: date) -> list[Any]:
    row: list[Any] = [child.id]
    for spec in FIELDS:
        value = child.value(spec.name)
        if spec.kind is FieldKind.CLASS:
            value = child.class_label
        elif spec.kind is FieldKind.CHOICE and value:  # an optional choice may be empty
            value = words.plain(f"choice.{spec.name}.{value}")
        row.append(value)
        if spec.kind is FieldKind.BIRTH_DATE:
            row.append(age_on(child.birth_date, today))
    return row


@dataclass
class ExportBook:
    """What goes into one export workbook, already in the reader's language."""

    summary_title: str = ""
    summary_headers: list[str] = field(default_factory=list)
    summary_rows: list[list[Any]] = field(default_factory=list)
    roster: list[tuple[str, list[Child]]] = field(default_factory=list)  # (class label, children)
    tables: list[tuple[str, list[str], list[list[Any]]]] = field(default_factory=list)  # extra sheets


def build_export(book_data: ExportBook, *, words: Words, today: date) -> bytes:
    """The summary first, then one roster sheet per class, then the care-record sheets."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    taken: set[str] = set()
    if book_data.summary_rows:
        write_table(book, book_data.summary_title, book_data.summary_headers, book_data.summary_rows, taken)
    headers = roster_headers(words)
    for label, children in book_data.roster:
        write_table(book, label, headers, (roster_row(c, words=words, today=today) for c in children), taken)
    for title, table_headers, rows in book_data.tables:
        write_table(book, title, table_headers, rows, taken)
    if not book.sheetnames:
        write_table(book, words.plain("export.sheet.empty"), [words.plain("export.nothing")], [], taken)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# The template leaves the ID number out (it is typed in the archive's edit step). A sheet with the column (the
# roster /roster writes) is still read: the number is sealed as soon as it is checked, before it is staged.
_IMPORT_FIELDS = tuple(f for f in FIELDS if f.kind is not FieldKind.ID_NUMBER)
REQUIRED_MARK = "*"  # after a required column's header; ignored when reading, so unmarked headers still match
# The example row of the template: the values that are words come from the catalogue (import.example.<field>).
_EXAMPLE_WORDS = ("name", "father_name", "father_work_place", "guardian_name", "guardian_relation", "notes")
_EXAMPLE_VALUES: dict[str, Any] = {
    "sex": "male",
    "birth_date": date(2015, 3, 8),
    "parents_away": "both",
    "away_since": date(2020, 2, 1),
    "father_phone": "13812345678",
    "guardian_phone": "0718-1234567",
    "boarding": "no",
}


def required_in_import(spec: ArchiveField) -> bool:
    """A row without this column's value is skipped. Boarding may be blank: a day pupil."""
    return spec.required and spec.name != "boarding"


def _example_row(words: Words, class_labels: list[str]) -> list[Any]:
    row: list[Any] = []
    for spec in _IMPORT_FIELDS:
        value: Any = _EXAMPLE_VALUES.get(spec.name)
        if spec.name in _EXAMPLE_WORDS:
            value = words.plain(f"import.example.{spec.name}")
        elif spec.kind is FieldKind.CLASS:
            value = class_labels[0] if class_labels else words.plain("import.example.class_id")
        elif spec.kind is FieldKind.CHOICE and value is not None:
            value = words.plain(f"choice.{spec.name}.{value}")
        row.append(value)
    return row


def build_template(*, words: Words, class_labels: list[str]) -> bytes:
    """The import template: the roster headers (no 编号 or 年龄; required ones marked *), one example row that
    the import ignores, drop-down lists for the choices, and a second sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = words.plain("import.sheet.template")
    headers = [
        words.plain(f"field.{spec.name}") + (REQUIRED_MARK if required_in_import(spec) else "")
        for spec in _IMPORT_FIELDS
    ]
    sheet.append(headers)
    sheet.append(_example_row(words, class_labels))
    for cell in sheet[2]:
        cell.font = _EXAMPLE_FONT
    for i, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(i)].width = max(_display_width(header) + 4, 14)
    sheet.freeze_panes = "A2"
    for i, spec in enumerate(_IMPORT_FIELDS, start=1):
        letter = get_column_letter(i)
        options: list[str] = []
        if spec.kind is FieldKind.CHOICE:
            options = [words.plain(f"choice.{spec.name}.{c}") for c in spec.choices]
        elif spec.kind is FieldKind.CLASS:
            options = class_labels
        joined = ",".join(options)
        if options and len(joined) <= 250 and '"' not in joined:
            validation = DataValidation(type="list", formula1=f'"{joined}"', allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_IMPORT_ROWS + 1}")
        if spec.kind in (FieldKind.DATE, FieldKind.BIRTH_DATE):
            for row in range(2, 502):
                sheet.cell(row=row, column=i).number_format = DATE_FORMAT
        elif spec.kind is FieldKind.PHONE:
            for row in range(2, 502):
                sheet.cell(row=row, column=i).number_format = "@"
    help_sheet = book.create_sheet(words.plain("import.sheet.help"))
    help_sheet.append([words.plain("import.help.column"), words.plain("import.help.rule")])
    for spec in _IMPORT_FIELDS:
        help_sheet.append([words.plain(f"field.{spec.name}"), _rule(spec, words, class_labels)])
    help_sheet.column_dimensions["A"].width = 20
    help_sheet.column_dimensions["B"].width = 90
    for cell in help_sheet[1]:
        cell.font = _HEADER_FONT
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rule(spec: ArchiveField, words: Words, class_labels: list[str]) -> str:
    required = words.plain("import.help.required" if required_in_import(spec) else "import.help.optional")
    if spec.kind is FieldKind.CHOICE:
        options = " / ".join(words.plain(f"choice.{spec.name}.{c}") for c in spec.choices)
        detail = words.plain("import.help.choice").format(options=options)
    elif spec.kind is FieldKind.CLASS:
        detail = words.plain("import.help.class").format(classes=" / ".join(class_labels))
    elif spec.kind in (FieldKind.DATE, FieldKind.BIRTH_DATE):
        detail = words.plain("import.help.date")
    elif spec.kind is FieldKind.PHONE:
        detail = words.plain("import.help.phone")
    else:
        detail = words.plain("import.help.text").format(length=spec.max_length)
    return f"{required} {detail}"


# --- reading -----------------------------------------------------------------------------------------


class ImportProblem(Reasoned):
    """The file as a whole cannot be imported; `reason` is a catalogue key."""


@dataclass(frozen=True)
class GoodRow:
    sheet: str
    row: int
    values: dict[str, str | int | None]


@dataclass(frozen=True)
class SkippedRow:
    sheet: str
    row: int
    name: str
    reason: str  # a catalogue key under import.reason.
    column: str = ""  # the header of the offending column, when there is one


@dataclass
class ImportReport:
    good: list[GoodRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)


# Headers of earlier templates and exports, still read: the second guardian's relationship was "与孩子关系".
_FORMER_HEADERS = {"guardian_relation": "import.former.guardian_relation"}
# The civil-affairs roster's columns (civil.roster.col.<column>) that are not named after an archive field.
_ROSTER_FIELDS = {"school_class": "class_id", "seq": None}
# The masked form an export shows (4228**********0020): nothing to import, the number itself is not in the file.
_MASKED_ID = re.compile(r"^[0-9]{4}\*+[0-9Xx]{4}$")


def _header_map(words: Words) -> dict[str, str]:
    """Normalised header text (either language, with or without the required mark) -> field name."""
    mapping: dict[str, str] = {}
    for name, key in _FORMER_HEADERS.items():
        for text in words.every(key):
            mapping[_norm(text)] = name
    for spec in FIELDS:
        for text in words.every(f"field.{spec.name}"):
            mapping[_norm(text)] = spec.name
        mapping[_norm(spec.name)] = spec.name
    for column in ROSTER_COLUMNS:
        field_name = _ROSTER_FIELDS.get(column, column)
        if field_name is not None:
            for text in words.every(f"civil.roster.col.{column}"):
                mapping.setdefault(_norm(text), field_name)
    return mapping


def _example_marks(words: Words) -> tuple[str, ...]:
    return tuple(_norm(text) for text in words.every("import.example.mark"))


def is_example(name: str, words: Words) -> bool:
    """The template's example row, left in: its name starts with the example mark (in either language)."""
    return _norm(name).startswith(_example_marks(words))


def _choice_map(spec: ArchiveField, words: Words) -> dict[str, str]:
    mapping = {}
    for code in spec.choices:
        mapping[_norm(code)] = code
        for text in words.every(f"choice.{spec.name}.{code}"):
            mapping[_norm(text)] = code
    return mapping


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "").replace("*", "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_import(
    content: bytes,
    *,
    today: date,
    classes: dict[str, int],
    allowed_class_ids: frozenset[int] | None,
    existing: set[tuple[str, str, int]],
    words: Words,
    secret: str,
) -> ImportReport:
    """Reads every sheet whose first row carries the archive's headers (the template's, an export's or the
    civil-affairs roster's); validates each row. An ID number is checked and kept only sealed (under `secret`)
    and masked, as the archive's edit step keeps it, so the staged rows never hold it in clear.

    `classes` maps a normalised class label ("三年级2班") to its id; `allowed_class_ids` None means any;
    `existing` holds (name, birth date, class id) of the archives already stored, to catch duplicates.
    Raises ImportProblem for a file that is not a workbook, has no roster headers, or has no rows.
    """
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError):
        raise ImportProblem("import.malformed") from None
    headers_known = _header_map(words)
    choices = {spec.name: _choice_map(spec, words) for spec in FIELDS if spec.kind is FieldKind.CHOICE}
    report = ImportReport()
    seen = set(existing)
    found_sheet = False
    rows_read = 0
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            first = next(rows, None)
            if first is None:
                continue
            columns: dict[int, str] = {}
            for i, v in enumerate(first):
                name = headers_known.get(_norm(_text(v)))
                if name and name not in columns.values():
                    columns[i] = name
            if "name" not in columns.values() or "birth_date" not in columns.values():
                continue
            found_sheet = True
            labels = {name: _text(first[i]) for i, name in columns.items()}
            for number, cells in enumerate(rows, start=2):
                raw = {name: _text(cells[i]) if i < len(cells) else "" for i, name in columns.items()}
                if not any(raw.values()) or is_example(raw.get("name", ""), words):
                    continue
                rows_read += 1
                if rows_read > MAX_IMPORT_ROWS:
                    raise ImportProblem("import.too_many")
                outcome = _check_row(
                    raw, labels, today=today, classes=classes, choices=choices, words=words, secret=secret
                )
                if isinstance(outcome, tuple):
                    reason, column = outcome
                    report.skipped.append(SkippedRow(sheet.title, number, raw.get("name", ""), reason, column))
                    continue
                if allowed_class_ids is not None and outcome["class_id"] not in allowed_class_ids:
                    report.skipped.append(
                        SkippedRow(sheet.title, number, str(outcome["name"]), "import.reason.not_your_class")
                    )
                    continue
                key = (str(outcome["name"]), str(outcome["birth_date"]), int(outcome["class_id"] or 0))
                if key in seen:
                    report.skipped.append(SkippedRow(sheet.title, number, key[0], "import.reason.duplicate"))
                    continue
                seen.add(key)
                report.good.append(GoodRow(sheet.title, number, outcome))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ImportProblem("import.malformed") from None
    finally:
        book.close()
    if not found_sheet:
        raise ImportProblem("import.wrong_headers")
    if not report.good and not report.skipped:
        raise ImportProblem("import.empty")
    return report


def _check_row(
    raw: dict[str, str],
    labels: dict[str, str],
    *,
    today: date,
    classes: dict[str, int],
    choices: dict[str, dict[str, str]],
    words: Words,
    secret: str,
) -> dict[str, str | int | None] | tuple[str, str]:
    """The values to store, or (reason key, column header) for the first problem found."""
    values: dict[str, str | int | None] = {}
    for spec in FIELDS:
        text = raw.get(spec.name, "")
        if spec.kind is FieldKind.ID_NUMBER and _MASKED_ID.match(text):
            text = ""
        label = labels.get(spec.name, "")
        if not text:
            if spec.name == "name":
                return "import.reason.missing_name", label
            if spec.name == "boarding":
                values["boarding"] = "no"  # a roster without the column: day pupils
                continue
            if spec.required:
                return (
                    "import.reason.missing_field",
                    label or words.every(f"field.{spec.name}")[0],  # in Chinese, the first language
                )
            values[spec.name] = None
            continue
        try:
            if spec.kind is FieldKind.BIRTH_DATE:
                values[spec.name] = parse_birth_date(text, today=today).isoformat()
            elif spec.kind is FieldKind.DATE:
                values[spec.name] = parse_date(text, today=today, earliest=date(today.year - 20, 1, 1)).isoformat()
            elif spec.kind is FieldKind.PHONE:
                values[spec.name] = parse_phone(text)
            elif spec.kind is FieldKind.CHOICE:
                code = choices[spec.name].get(_norm(text))
                if code is None:
                    return "import.reason.bad_choice", label
                values[spec.name] = code
            elif spec.kind is FieldKind.CLASS:
                class_id = classes.get(_norm(text))
                if class_id is None:
                    return "import.reason.class_to_create", label
                values[spec.name] = class_id
            elif spec.kind is FieldKind.ID_NUMBER:
                values[spec.name], values[identity.SEALED] = identity.protect(secret, parse_id_number(text))
            else:
                values[spec.name] = clean_text(text, max_length=spec.max_length)
        except InvalidInput as problem:
            if spec.kind in (FieldKind.DATE, FieldKind.BIRTH_DATE):
                return "import.reason.bad_date", label
            if spec.kind is FieldKind.PHONE:
                return "import.reason.bad_phone", label
            if spec.kind is FieldKind.ID_NUMBER:
                return "import.reason.bad_id_number", label
            return (
                "import.reason.too_long" if problem.reason == "invalid.too_long" else "import.reason.bad_text"
            ), label
    return values


def normalise_class_label(label: str) -> str:
    return _norm(label)
