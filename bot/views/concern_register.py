"""The register of reports (强制报告登记簿) as a workbook, in the reader's words."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook

from bot.domain.roles import Actor
from bot.services import Services, excel
from bot.services import concerns as concern_service
from bot.services.concerns import RegisterRow
from bot.texts import Texts
from bot.views import WorkbookWords

COLUMNS = (
    "id", "child", "class", "kind", "occurred", "reported", "reporter", "status", "outcome",
    "police_at", "police_unit", "receipt", "feedback", "feedback_at",
)  # fmt: skip


def _local(services: Services, moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(services.config.school.timezone).replace(tzinfo=None, second=0, microsecond=0)


def _row(services: Services, words: WorkbookWords, row: RegisterRow) -> list[Any]:
    concern, police = row.concern, row.police
    return [
        concern.id,
        concern.child_name,
        row.class_label,
        words.plain(f"safety.kind.{concern.kind.value}"),
        concern.occurred_on,
        _local(services, concern.created_at),
        row.reporter_name or str(concern.reporter_id),
        words.plain(
            "safety.register.status_closed"
            if concern.status.value == "closed"
            else f"safety.status.{concern.status.value}"
        ),
        words.plain(f"safety.outcome.{concern.outcome.value}") if concern.outcome else "",
        _local(services, police.reported_at) if police else None,
        police.police_unit if police else "",
        police.receipt_no if police else "",
        (police.feedback or "") if police else "",
        _local(services, police.feedback_at) if police else None,
    ]


def build(services: Services, words: WorkbookWords, rows: list[RegisterRow]) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    headers = [words.plain(f"safety.register.col.{c}") for c in COLUMNS]
    excel.write_table(
        book, words.plain("safety.register.sheet"), headers, [_row(services, words, r) for r in rows], set()
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def workbook(services: Services, actor: Actor, texts: Texts) -> tuple[bytes, int]:
    """(content, number of reports); the service checks who may and audits the export."""
    rows = await concern_service.register(services, actor)
    words = WorkbookWords(texts.locale)
    return await asyncio.to_thread(build, services, words, rows), len(rows)
