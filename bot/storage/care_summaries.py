"""What /mychildren shows of each child's care at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.columns import optional_date, optional_datetime
from bot.storage.db import Database


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
        marks = ",".join("?" * len(chunk))
        rows = await db.fetchall(
            "SELECT ch.id AS child_id, p.mentor_id, COALESCE(m.full_name, '') AS mentor_name, p.cadence_days,"
            " p.started_at,"
            " (SELECT MAX(k.at) FROM checkins k WHERE k.child_id = ch.id) AS last_checkin,"
            " (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = ch.id) AS last_visit,"
            " (SELECT e.status FROM enrolment_events e WHERE e.child_id = ch.id"
            "  ORDER BY e.effective_date DESC, e.id DESC LIMIT 1) AS enrolment"
            " FROM children ch LEFT JOIN pairings p ON p.child_id = ch.id AND p.ended_at IS NULL"
            f" LEFT JOIN users m ON m.id = p.mentor_id WHERE ch.id IN ({marks})",
            chunk,
        )
        for row in rows:
            result[row["child_id"]] = CareSummary(
                child_id=row["child_id"],
                mentor_id=row["mentor_id"],
                mentor_name=row["mentor_name"],
                cadence_days=row["cadence_days"],
                pairing_started_at=optional_datetime(row["started_at"]),
                last_checkin_at=optional_datetime(row["last_checkin"]),
                last_visit_date=optional_date(row["last_visit"]),
                enrolment=row["enrolment"] or "enrolled",
            )
    return result
