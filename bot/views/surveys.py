"""Surveys in words: a questionnaire's title, who has answered by class, the per-choice counts, the sheet of
answers, the /export sheet and the county's re-screening table (small counts shown as "<5")."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from openpyxl import Workbook

from bot.domain.messages import Message
from bot.domain.roles import Actor
from bot.domain.stats import Scope, shown_count
from bot.services import Services, excel
from bot.services import survey_results as results
from bot.services import surveys as service
from bot.texts import Raw, Texts


def _plain(texts: Texts, value: object) -> str:
    if isinstance(value, Message):
        return texts.t(value.key)
    return str(value)


def plain_title(texts: Texts, survey: service.Survey) -> str:
    return _plain(texts, service.title_of(survey))


def question(texts: Texts, survey: service.Survey, index: int) -> str:
    return _plain(texts, service.question_text(survey, index))


def choice(texts: Texts, survey: service.Survey, index: int, option: int) -> str:
    return _plain(texts, service.choice_text(survey, index, option))


def counts_lines(texts: Texts, survey: service.Survey, counts: dict[tuple[int, int], int]) -> list[str]:
    """Each question, then each of its choices with how many chose it."""
    lines = []
    for index, asked in enumerate(survey.questions):
        lines.append(texts.t("survey.status_question", number=index + 1, question=question(texts, survey, index)))
        for option in range(len(asked.choices)):
            lines.append(
                texts.t(
                    "survey.status_choice",
                    choice=choice(texts, survey, index, option),
                    count=counts.get((index, option), 0),
                )
            )
    return lines


def status_text(
    texts: Texts, survey: service.Survey, classes: list[service.ClassStatus], counts: dict[tuple[int, int], int]
) -> str:
    separator = texts.t("list.separator")
    lines = []
    for klass in classes:
        if klass.waiting:
            lines.append(texts.t("survey.status_class", label=klass.class_label, answered=klass.answered,
                                 asked=klass.asked, waiting=separator.join(klass.waiting[:30])))  # fmt: skip
        else:
            lines.append(texts.t("survey.status_class_done", label=klass.class_label, answered=klass.answered,
                                 asked=klass.asked))  # fmt: skip
    return texts.t(
        "survey.status",
        title=plain_title(texts, survey),
        audience=texts.t(f"survey.kind.{survey.audience}"),
        asked=sum(k.asked for k in classes),
        answered=sum(k.answered for k in classes),
        classes=Raw("\n".join(lines)),
        counts=Raw("\n".join(counts_lines(texts, survey, counts))),
    )


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _counts_rows(texts: Texts, survey: service.Survey, counts: dict[tuple[int, int], int]) -> list[list[Any]]:
    return [
        [_unescape(question(texts, survey, index)), _unescape(choice(texts, survey, index, option)),
         counts.get((index, option), 0)]
        for index, asked in enumerate(survey.questions)
        for option in range(len(asked.choices))
    ]  # fmt: skip


async def sheet(services: Services, actor: Actor, survey_id: int, texts: Texts) -> tuple[str, bytes]:
    """One questionnaire's workbook: the counts, then each answered questionnaire (class, child, answers)."""
    survey, _classes, counts = await service.status(services, actor, survey_id)
    _survey, rows = await service.answered_rows(services, actor, survey_id)
    headers = [texts.t("survey.col.class"), texts.t("survey.col.child")] + [
        _unescape(question(texts, survey, i)) for i in range(len(survey.questions))
    ]
    answers = [
        [label, name] + [
            _unescape(choice(texts, survey, i, given[i])) if i in given else "" for i in range(len(survey.questions))
        ]
        for label, name, given in rows
    ]  # fmt: skip
    count_headers = [texts.t("survey.col.question"), texts.t("survey.col.choice"), texts.t("survey.col.count")]

    def build() -> bytes:
        book = Workbook()
        assert book.active is not None
        book.remove(book.active)
        taken: set[str] = set()
        excel.write_table(book, texts.t("survey.sheet.counts"), count_headers, _counts_rows(texts, survey, counts),
                          taken)  # fmt: skip
        excel.write_table(book, texts.t("survey.sheet.answers"), headers, answers, taken)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    content = await asyncio.to_thread(build)
    stamp = survey.created_at.astimezone(services.config.school.timezone).strftime("%Y%m%d")
    return texts.t("survey.file_name", stamp=stamp, survey=survey.id), content


async def export_tables(
    services: Services, actor: Actor, scope: Scope, texts: Texts
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """/export's sheet of the questionnaires of the scope's school: per questionnaire, question and choice, the
    count of each choice (no sheet where there is none)."""
    headers = [texts.t("survey.col.survey"), texts.t("survey.col.date"), texts.t("survey.col.question"),
               texts.t("survey.col.choice"), texts.t("survey.col.count")]  # fmt: skip
    tz = services.config.school.timezone
    rows: list[list[Any]] = []
    for survey, counts in await results.of_scope(services, actor, scope):
        day = survey.created_at.astimezone(tz).date()
        rows += [[_unescape(plain_title(texts, survey)), day, *row] for row in _counts_rows(texts, survey, counts)]
    return [(texts.t("survey.sheet.export"), headers, rows)] if rows else []


async def county_text(services: Services, actor: Actor, texts: Texts) -> str:
    """The county's re-screening answers this term, school by school, small counts shown as "<5"."""
    table = await results.county_rescreen(services, actor)
    if not table.schools:
        return texts.t("survey.county_none")
    survey_like = results.rescreen_survey()
    lines = [texts.t("survey.county_head")]
    for index, asked in enumerate(survey_like.questions):
        lines.append(texts.t("survey.status_question", number=index + 1, question=question(texts, survey_like, index)))
        for row, (_school_id, name) in enumerate(table.schools):
            cells = [
                texts.t(
                    "survey.county_cell",
                    choice=choice(texts, survey_like, index, option),
                    count=shown_count(table.grid[index][row][option], (row, option) in table.hidden[index]),
                )
                for option in range(len(asked.choices))
            ]
            lines.append(texts.t("survey.county_line", school=name, cells=Raw(texts.t("list.separator").join(cells))))
    return "\n".join(lines)
