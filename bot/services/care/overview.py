"""A child's care timeline, and care at a glance (the mentor, the last check-in and visit, overdue or not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import care as rules
from bot.domain.care import Enrolment
from bot.domain.models import Child
from bot.domain.roles import Actor
from bot.services import Services
from bot.services.care.common import child_for_care, today, write_audit
from bot.storage import activities as activities_store
from bot.storage import boarding as boarding_store
from bot.storage import care_summaries as care_summaries_store
from bot.storage import checkins as checkins_store
from bot.storage import enrolment as enrolment_store
from bot.storage import pairings as pairings_store
from bot.storage import visits as visits_store
from bot.storage.care_summaries import CareSummary


@dataclass(frozen=True)
class TimelineEntry:
    """One thing recorded about a child: when it was recorded, what kind, by whom, and its details."""

    at: datetime
    kind: str
    who: str
    details: dict[str, object] = field(default_factory=dict)


async def timeline(
    services: Services, actor: Actor, child_id: int, *, limit: int, offset: int
) -> tuple[Child, list[TimelineEntry], int]:
    """Everything care-related recorded about a child, newest first. Counselling records are never read here:
    only this module's tables (and pairings) are. The read is audited."""
    child = await child_for_care(services, actor, child_id)
    db = services.db
    entries: list[TimelineEntry] = []
    for k in await checkins_store.checkins_of(db, child_id):
        entries.append(TimelineEntry(k.at, "checkin", k.author_name, {"checkin": k}))
    for v in await visits_store.visits_of(db, child_id):
        entries.append(TimelineEntry(v.created_at, "visit", v.author_name, {"visit": v}))
    for f in await visits_store.followups_of(db, child_id):
        if f.done_at is not None:
            entries.append(TimelineEntry(f.done_at, "followup_done", f.done_by_name, {"followup": f}))
    for p in await pairings_store.pairings_of(db, child_id):
        entries.append(TimelineEntry(p.started_at, "pairing", p.created_by_name, {"pairing": p}))
        if p.ended_at is not None:
            entries.append(TimelineEntry(p.ended_at, "pairing_end", "", {"pairing": p}))
    for b in await pairings_store.buddies_of(db, child_id):
        entries.append(TimelineEntry(b.created_at, "buddy", b.created_by_name, {"buddy": b}))
    for r in await boarding_store.boarding_of(db, child_id):
        entries.append(TimelineEntry(r.requested_at, "boarding_request", r.requested_by_name, {"request": r}))
        if r.decided_at is not None:
            entries.append(TimelineEntry(r.decided_at, "boarding_" + r.status, r.decided_by_name, {"request": r}))
    for e in await enrolment_store.enrolment_history(db, child_id):
        entries.append(TimelineEntry(e.recorded_at, "enrolment", e.recorded_by_name, {"event": e}))
    for a in await activities_store.of_child(db, child_id):
        entries.append(TimelineEntry(a.created_at, "activity", a.recorded_by_name, {"activity": a}))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    await write_audit(services, actor, "care.timeline", child_id, f"offset={offset}")
    return child, entries[offset : offset + limit], len(entries)


async def summaries(services: Services, child_ids: list[int]) -> dict[int, CareSummary]:
    """Care at a glance for children the caller has already authorised (and audited) for a list."""
    return await care_summaries_store.summaries(services.db, child_ids)


def overdue(services: Services, summary: CareSummary) -> bool:
    """Whether the mentor's next visit or talk is overdue today (local date)."""
    if summary.cadence_days is None or summary.pairing_started_at is None:
        return False
    if summary.enrolment != Enrolment.ENROLLED:
        return False  # a child who left the school is no longer due for visits
    zone = services.config.school.timezone
    started = rules.local_date(summary.pairing_started_at, zone)
    return rules.is_overdue(today(services), started, summary.cadence_days, summary.last_visit_date)
