"""What /mychildren shows of each child's care at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.columns import optional_date, optional_datetime
from bot.storage.db import Database
from bot.storage.queries import among, record


@dataclass(frozen=True)
class CareSummary:
    """What /mychildren shows about a child's care: the mentor, the last check-in and visit."""

    child_id: int
    mentor_id: int | None
    mentor_name: str
    cadence_days: int | None
    pairing_started_at: datetime | None
    last_checkin_at: datetime | None
    last_visit_date: date | None
    enrolment: str = "enrolled"


async def summaries(db: Database, child_ids: list[int]) -> dict[int, CareSummary]:
    """Mentor, cadence, last check-in and last visit of each child, in a few indexed queries."""
    result: dict[int, CareSummary] = {}
    for start in range(0, len(child_ids), 500):
        chunk = child_ids[start : start + 500]
        of_chunk, params = among("ch.id", chunk)
        rows = await db.fetchall(
            "SELECT ch.id AS child_id, p.mentor_id, COALESCE(m.full_name, '') AS mentor_name, p.cadence_days,"
            " p.started_at,"
            " (SELECT MAX(k.at) FROM checkins k WHERE k.child_id = ch.id) AS last_checkin,"
            " (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = ch.id) AS last_visit,"
            " (SELECT e.status FROM enrolment_events e WHERE e.child_id = ch.id"
            "  ORDER BY e.effective_date DESC, e.id DESC LIMIT 1) AS enrolment"
            " FROM children ch LEFT JOIN pairings p ON p.child_id = ch.id AND p.ended_at IS NULL"
            " LEFT JOIN users m ON m.id = p.mentor_id WHERE " + of_chunk,
            params,
        )
        for row in rows:
            result[row["child_id"]] = record(
                CareSummary,
                row,
                pairing_started_at=optional_datetime(row["started_at"]),
                last_checkin_at=optional_datetime(row["last_checkin"]),
                last_visit_date=optional_date(row["last_visit"]),
                enrolment=row["enrolment"] or "enrolled",
            )
    return result
