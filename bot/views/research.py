"""The research dataset as a workbook in the reader's words: a sheet of what it is and how it was made safe,
then the data (codes, never names)."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from openpyxl import Workbook

from bot.domain import research as rules
from bot.domain import surveys as survey_rules
from bot.domain.roles import Actor
from bot.services import Services, excel
from bot.services import research as service
from bot.texts import Texts

COLUMNS = ("code", *rules.QUASI_IDENTIFIERS, "boarding", "risk", "visits", "checkins", "concerns", "carer", "change")


def _plain(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _word(texts: Texts, key: str, value: str) -> str:
    """A coded value in words; a blanked one stays "*", an empty one empty."""
    if value in ("", rules.SUPPRESSED):
        return value
    return _plain(texts.t(f"{key}.{value}"))


def _cells(texts: Texts, row: rules.Row) -> list[Any]:
    rescreen = f"survey.{survey_rules.RESCREEN}"
    return [
        row.code, row.grade, _word(texts, "choice.sex", row.sex), _word(texts, "choice.parents_away", row.parents_away),
        row.birth_year, row.away_since, _word(texts, "choice.boarding", row.boarding),
        _word(texts, "safety.risk", row.risk), row.visits, row.checkins, row.concerns,
        _word(texts, f"{rescreen}.carer", row.carer), _word(texts, f"{rescreen}.change", row.change),
    ]  # fmt: skip


async def workbook(services: Services, actor: Actor, topic: str, texts: Texts) -> tuple[str, bytes, rules.Dataset]:
    """(file name, content, dataset) of a research export for `topic` (the service checks, records and audits)."""
    export_id, data = await service.dataset(services, actor, topic)
    month = services.now().astimezone(services.config.school.timezone).strftime("%Y-%m")
    coarsened = texts.t("list.separator").join(texts.t(f"research.col.{c}") for c in data.coarsened)
    about: list[tuple[str, str | int]] = [
        (texts.t("research.about.topic"), topic),
        (texts.t("research.about.made"), month),
        (texts.t("research.about.children"), len(data.rows)),
        (texts.t("research.about.left_out"), data.left_out),
        (texts.t("research.about.coarsened"), coarsened or texts.t("research.about.none")),
        (texts.t("research.about.rule"), texts.t("research.about.rule_text")),
    ]
    headers = [texts.t(f"research.col.{c}") for c in COLUMNS]
    rows = [_cells(texts, row) for row in data.rows]

    def build() -> bytes:
        book = Workbook()
        assert book.active is not None
        book.remove(book.active)
        taken: set[str] = set()
        lines = [[_plain(a), _plain(b) if isinstance(b, str) else b] for a, b in about]
        excel.write_table(book, texts.t("research.sheet.about"), ["", ""], lines, taken)
        excel.write_table(book, texts.t("research.sheet.data"), [_plain(h) for h in headers], rows, taken)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    content = await asyncio.to_thread(build)
    return texts.t("research.file_name", number=export_id, month=month), content, data
