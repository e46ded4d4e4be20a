"""Surveys: the questionnaire, who is asked about which child, their answers, and the card changes proposed."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import from_db, to_db
from bot.domain.roles import ChildFilter
from bot.domain.surveys import Question
from bot.storage.db import Database
from bot.storage.queries import answered_by_class
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class Survey:
    id: int
    school_id: int
    sender_id: int
    audience: str  # "teachers" | "parents"
    scope: str
    template: str | None
    title: str
    questions: tuple[Question, ...]
    created_at: datetime


@dataclass(frozen=True)
class Request:
    id: int
    survey_id: int
    respondent_id: int
    child_id: int
    class_id: int
    answered_at: datetime | None


@dataclass(frozen=True)
class Proposal:
    id: int
    request_id: int
    child_id: int
    field: str
    value: str
    status: str


@dataclass(frozen=True)
class ClassStatus:
    class_id: int
    class_label: str
    asked: int
    answered: int
    waiting: tuple[str, ...]  # who has not answered: the child's name (teachers) or the family's (parents)


def _survey(r: sqlite3.Row) -> Survey:
    questions = tuple(Question(q, tuple(c)) for q, c in json.loads(r["questions"]))
    return Survey(
        r["id"], r["school_id"], r["sender_id"], r["audience"], r["scope"], r["template"], r["title"], questions,
        from_db(r["created_at"]),
    )  # fmt: skip


def _request(r: sqlite3.Row) -> Request:
    answered = from_db(r["answered_at"]) if r["answered_at"] else None
    return Request(r["id"], r["survey_id"], r["respondent_id"], r["child_id"], r["class_id"], answered)


async def children_of(db: Database, scope: ChildFilter) -> list[tuple[int, int, str]]:
    """(child id, class id, name) of the children of `scope`, by class then name."""
    within, params = children_within(scope, child="ch.id", klass="ch.class_id")
    rows = await db.fetchall(
        f"SELECT ch.id, ch.class_id, ch.name FROM children ch WHERE {within} ORDER BY ch.class_id, ch.name, ch.id",
        params,
    )
    return [(row["id"], row["class_id"], row["name"]) for row in rows]


async def family_child(db: Database, user_id: int, scope: ChildFilter) -> int | None:
    """The (first) child of `scope` a bound parent is the family of."""
    within, params = children_within(scope, child="ch.id", klass="ch.class_id")
    value = await db.fetchval(
        "SELECT MIN(ch.id) FROM guardians g JOIN children ch ON ch.id = g.child_id"
        f" WHERE g.user_id = ? AND g.unbound_at IS NULL AND {within}",
        (user_id, *params),
    )
    return None if value is None else int(value)


async def create(
    db: Database, *, school_id: int, sender_id: int, audience: str, scope: str, template: str | None, title: str,
    questions: tuple[Question, ...], remind_at: datetime, now: datetime,
) -> int:  # fmt: skip
    """Stores the questionnaire (inside the caller's transaction); returns its id."""
    return await db.insert(
        "INSERT INTO surveys (school_id, sender_id, audience, scope, template, title, questions, remind_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            school_id, sender_id, audience, scope, template, title,
            json.dumps([[q.code, list(q.choices)] for q in questions], ensure_ascii=False), to_db(remind_at),
            to_db(now),
        ),
    )  # fmt: skip


async def add_request(db: Database, survey_id: int, respondent_id: int, child_id: int, class_id: int) -> int:
    return await db.insert(
        "INSERT INTO survey_requests (survey_id, respondent_id, child_id, class_id) VALUES (?, ?, ?, ?)",
        (survey_id, respondent_id, child_id, class_id),
    )


async def get(db: Database, survey_id: int) -> Survey | None:
    row = await db.fetchone("SELECT * FROM surveys WHERE id = ?", (survey_id,))
    return None if row is None else _survey(row)


async def get_request(db: Database, request_id: int) -> Request | None:
    row = await db.fetchone("SELECT * FROM survey_requests WHERE id = ?", (request_id,))
    return None if row is None else _request(row)


async def answers(db: Database, request_id: int) -> dict[int, int]:
    rows = await db.fetchall("SELECT question, choice FROM survey_answers WHERE request_id = ?", (request_id,))
    return {row["question"]: row["choice"] for row in rows}


async def answer(db: Database, request_id: int, question: int, choice: int, now: datetime) -> bool:
    """Records one answer; False if the question was answered already (the first answer stands)."""
    changed = await db.execute(
        "INSERT INTO survey_answers (request_id, question, choice, answered_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (request_id, question) DO NOTHING",
        (request_id, question, choice, to_db(now)),
    )
    return changed == 1


async def complete(db: Database, request_id: int, now: datetime) -> None:
    await db.execute(
        "UPDATE survey_requests SET answered_at = ? WHERE id = ? AND answered_at IS NULL", (to_db(now), request_id)
    )


async def sent_by(
    db: Database, sender_id: int, school_ids: frozenset[int], limit: int
) -> list[tuple[Survey, int, int]]:
    """The latest questionnaires the sender sent (or, for an admin, any of their schools'), with (asked, answered)."""
    marks = ",".join("?" * len(school_ids)) or "NULL"
    rows = await db.fetchall(
        "SELECT s.*, (SELECT COUNT(*) FROM survey_requests r WHERE r.survey_id = s.id) AS asked,"
        " (SELECT COUNT(*) FROM survey_requests r WHERE r.survey_id = s.id AND r.answered_at IS NOT NULL)"
        f" AS answered FROM surveys s WHERE s.sender_id = ? OR s.school_id IN ({marks}) ORDER BY s.id DESC LIMIT ?",
        (sender_id, *sorted(school_ids), limit),
    )
    return [(_survey(row), row["asked"], row["answered"]) for row in rows]


async def status(db: Database, survey_id: int) -> list[ClassStatus]:
    """Per class: requests, answered, and who has not answered (the child's name for a teacher's request, the
    family's for a parent's)."""
    rows = await db.fetchall(
        "SELECT r.class_id, g.name || c.name AS label, r.answered_at, s.audience, ch.name AS child,"
        " u.full_name AS family FROM survey_requests r JOIN surveys s ON s.id = r.survey_id"
        " JOIN classes c ON c.id = r.class_id JOIN grades g ON g.id = c.grade_id"
        " JOIN children ch ON ch.id = r.child_id LEFT JOIN users u ON u.id = r.respondent_id"
        " WHERE r.survey_id = ? ORDER BY g.sort_order, c.name, ch.name",
        (survey_id,),
    )
    return [
        ClassStatus(*line)
        for line in answered_by_class(
            rows, lambda row: row["child"] if row["audience"] == "teachers" else row["family"]
        )
    ]


async def choice_counts(db: Database, survey_id: int, *, class_id: int | None = None) -> dict[tuple[int, int], int]:
    """(question, choice) → how many chose it (in one class, if given)."""
    within = " AND r.class_id = ?" if class_id is not None else ""
    rows = await db.fetchall(
        "SELECT a.question, a.choice, COUNT(*) AS n FROM survey_answers a JOIN survey_requests r"
        f" ON r.id = a.request_id WHERE r.survey_id = ?{within} GROUP BY a.question, a.choice",
        (survey_id,) if class_id is None else (survey_id, class_id),
    )
    return {(row["question"], row["choice"]): row["n"] for row in rows}


async def of_schools(db: Database, school_ids: frozenset[int] | None, limit: int) -> list[Survey]:
    """The latest questionnaires of some schools (None: every school)."""
    if school_ids is None:
        rows = await db.fetchall("SELECT * FROM surveys ORDER BY id DESC LIMIT ?", (limit,))
    else:
        marks = ",".join("?" * len(school_ids)) or "NULL"
        rows = await db.fetchall(
            f"SELECT * FROM surveys WHERE school_id IN ({marks}) ORDER BY id DESC LIMIT ?", (*sorted(school_ids), limit)
        )
    return [_survey(row) for row in rows]


async def template_counts(db: Database, template: str, since: datetime) -> list[tuple[int, int, int, int]]:
    """(school, question, choice, count) of a ready questionnaire's answers since `since`, every school."""
    rows = await db.fetchall(
        "SELECT s.school_id, a.question, a.choice, COUNT(*) AS n FROM survey_answers a"
        " JOIN survey_requests r ON r.id = a.request_id JOIN surveys s ON s.id = r.survey_id"
        " WHERE s.template = ? AND s.created_at >= ? GROUP BY s.school_id, a.question, a.choice",
        (template, to_db(since)),
    )
    return [(row["school_id"], row["question"], row["choice"], row["n"]) for row in rows]


async def answered_rows(db: Database, survey_id: int) -> list[tuple[str, str, dict[int, int]]]:
    """(class label, child's name, answers) of each answered request, by class and name."""
    rows = await db.fetchall(
        "SELECT r.id, g.name || c.name AS label, ch.name FROM survey_requests r"
        " JOIN classes c ON c.id = r.class_id JOIN grades g ON g.id = c.grade_id"
        " JOIN children ch ON ch.id = r.child_id WHERE r.survey_id = ? AND r.answered_at IS NOT NULL"
        " ORDER BY g.sort_order, c.name, ch.name",
        (survey_id,),
    )
    return [(row["label"], row["name"], await answers(db, row["id"])) for row in rows]


async def due_reminders(db: Database, now: datetime) -> list[Survey]:
    rows = await db.fetchall(
        "SELECT * FROM surveys WHERE reminded_at IS NULL AND remind_at <= ? ORDER BY id", (to_db(now),)
    )
    return [_survey(row) for row in rows]


async def unanswered(db: Database, survey_id: int) -> list[Request]:
    rows = await db.fetchall(
        "SELECT * FROM survey_requests WHERE survey_id = ? AND answered_at IS NULL ORDER BY id", (survey_id,)
    )
    return [_request(row) for row in rows]


async def mark_reminded(db: Database, survey_id: int, now: datetime) -> None:
    await db.execute("UPDATE surveys SET reminded_at = ? WHERE id = ?", (to_db(now), survey_id))


async def latest_template_answers(db: Database, template: str, child_ids: list[int]) -> dict[int, dict[int, int]]:
    """Each child's latest completed answers to a ready questionnaire."""
    if not child_ids:
        return {}
    marks = ",".join("?" * len(child_ids))
    rows = await db.fetchall(
        "SELECT r.child_id, a.question, a.choice FROM survey_answers a JOIN survey_requests r ON r.id = a.request_id"
        " WHERE r.id IN (SELECT MAX(r2.id) FROM survey_requests r2 JOIN surveys s ON s.id = r2.survey_id"
        f" WHERE s.template = ? AND r2.answered_at IS NOT NULL AND r2.child_id IN ({marks}) GROUP BY r2.child_id)",
        (template, *child_ids),
    )
    found: dict[int, dict[int, int]] = {}
    for row in rows:
        found.setdefault(row["child_id"], {})[row["question"]] = row["choice"]
    return found


# --- proposals --------------------------------------------------------------------------------------------


async def propose(db: Database, request_id: int, child_id: int, field: str, value: str, now: datetime) -> int:
    return await db.insert(
        "INSERT INTO survey_proposals (request_id, child_id, field, value, created_at) VALUES (?, ?, ?, ?, ?)",
        (request_id, child_id, field, value, to_db(now)),
    )


async def get_proposal(db: Database, proposal_id: int) -> Proposal | None:
    row = await db.fetchone("SELECT * FROM survey_proposals WHERE id = ?", (proposal_id,))
    if row is None:
        return None
    return Proposal(row["id"], row["request_id"], row["child_id"], row["field"], row["value"], row["status"])


async def decide(db: Database, proposal_id: int, status: str, user_id: int, now: datetime) -> bool:
    """Confirms or declines an open proposal; False if it was decided already."""
    changed = await db.execute(
        "UPDATE survey_proposals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? AND status = 'open'",
        (status, user_id, to_db(now), proposal_id),
    )
    return changed == 1
