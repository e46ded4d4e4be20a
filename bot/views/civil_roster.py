"""The civil-affairs workbook in the reader's words: the roster (花名册) and the summary (汇总表)."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from openpyxl import Workbook

from bot.domain import civil_forms
from bot.domain.archive import FIELDS_BY_NAME, FieldKind
from bot.domain.roles import Actor
from bot.services import Services, excel
from bot.services import civil_roster as roster_service
from bot.texts import Texts
from bot.views import WorkbookWords


def roster_headers(words: WorkbookWords) -> list[str]:
    return [words.plain(f"civil.roster.col.{name}") for name in civil_forms.ROSTER_COLUMNS]


def roster_row(words: WorkbookWords, number: int, entry: roster_service.Entry) -> list[Any]:
    child = entry.child
    row: list[Any] = []
    for name in civil_forms.ROSTER_COLUMNS:
        if name == "seq":
            row.append(number)
        elif name == "id_number":
            row.append(entry.id_number or "")
        elif name == "school_class":
            row.append(child.class_label)
        else:
            value = child.value(name)
            spec = FIELDS_BY_NAME[name]
            if spec.kind is FieldKind.CHOICE and value:
                value = words.plain(f"choice.{name}.{value}")
            row.append(value if value is not None else "")
    return row


def summary_headers(words: WorkbookWords) -> list[str]:
    headers = [words.plain("civil.summary.col.unit")]
    for group, value in civil_forms.summary_columns():
        headers.append(words.plain(f"civil.summary.{group}.{value}" if value else "civil.summary.total"))
    return headers


def build(words: WorkbookWords, found: list[roster_service.Entry]) -> bytes:
    """Two sheets: the roster, numbered, then the summary by class with the total row."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    taken: set[str] = set()
    rows = [roster_row(words, i, entry) for i, entry in enumerate(found, start=1)]
    excel.write_table(book, words.plain("civil.sheet.roster"), roster_headers(words), rows, taken)
    summary = roster_service.summary(found, words.plain("civil.summary.total_row"))
    excel.write_table(
        book, words.plain("civil.sheet.summary"), summary_headers(words),
        [[row.label, *row.values()] for row in summary], taken,
    )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def workbook(services: Services, actor: Actor, texts: Texts) -> tuple[str, bytes, int]:
    """(file name, content, number of children) of the actor's roster and summary; for /roster and the export."""
    found, today = await roster_service.roster(services, actor)
    words = WorkbookWords(texts.locale)
    content = await asyncio.to_thread(build, words, found)
    return texts.t("civil.file_name", day=today.isoformat()), content, len(found)
