"""The rows a research dataset is made from (identifiers never leave this module) and the record of each export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.clock import to_db
from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.scopes import children_within


@dataclass(frozen=True)
class Source:
    child_id: int  # to join the child's answers; never written out
    grade: str
    sex: str
    parents_away: str
    birth_date: str
    away_since: str | None
    boarding: str
    risk: str
    visits: int
    checkins: int
    concerns: int


async def source_rows(db: Database, scope: ChildFilter) -> list[Source]:
    """Per child of `scope`: grade, sex, who is away, dates, boarding, risk level and how many visits, check-ins
    and concerns there are, with the child's id (for the caller to join answers; never written out)."""
    within, params = children_within(scope, child="ch.id", klass="ch.class_id")
    rows = await db.fetchall(
        "SELECT ch.id, g.name AS grade, ch.sex, ch.parents_away, ch.birth_date, ch.away_since, ch.boarding,"
        " COALESCE(r.level, '') AS risk,"
        " (SELECT COUNT(*) FROM visits v WHERE v.child_id = ch.id) AS visits,"
        " (SELECT COUNT(*) FROM checkins k WHERE k.child_id = ch.id) AS checkins,"
        " (SELECT COUNT(*) FROM concerns c WHERE c.child_id = ch.id) AS concerns"
        " FROM children ch JOIN classes cl ON cl.id = ch.class_id JOIN grades g ON g.id = cl.grade_id"
        f" LEFT JOIN child_risk r ON r.child_id = ch.id WHERE {within} ORDER BY ch.id",
        params,
    )
    return [
        Source(
            row["id"], row["grade"], row["sex"], row["parents_away"], row["birth_date"], row["away_since"],
            row["boarding"], row["risk"], row["visits"], row["checkins"], row["concerns"],
        )
        for row in rows
    ]  # fmt: skip


async def record(
    db: Database, *, actor_id: int, topic: str, children: int, suppressed: int, now: datetime
) -> int:  # fmt: skip
    return await db.insert(
        "INSERT INTO research_exports (actor_id, topic, children, suppressed, created_at) VALUES (?, ?, ?, ?, ?)",
        (actor_id, topic, children, suppressed, to_db(now)),
    )
