"""Care use cases: check-ins, visits and follow-ups, pairing, buddies, boarding, enrolment, the timeline.

Every read or change of a child's records is authorised through `may` and audited (actions "care.*").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain import care as rules
from bot.domain.care import Enrolment, Ratings, VisitKind
from bot.domain.models import Child
from bot.domain.roles import (
    Access,
    Actor,
    ChildFilter,
    home_classes,
    may,
    may_do,
    reaches_every_child,
    scope_for,
)
from bot.services import AccessDenied, NotFound, Services, access
from bot.storage import audit, children
from bot.storage import boarding as boarding_store
from bot.storage import care_summaries as care_summaries_store
from bot.storage import checkins as checkins_store
from bot.storage import enrolment as enrolment_store
from bot.storage import pairings as pairings_store
from bot.storage import visits as visits_store
from bot.storage.boarding import BoardingRequest
from bot.storage.care_summaries import CareSummary
from bot.storage.checkins import Checkin
from bot.storage.enrolment import EnrolmentEvent
from bot.storage.pairings import Pairing
from bot.storage.visits import Followup


class AlreadyDone(Exception):
    """The change was made already (a double tap, or someone else got there first)."""


class InvalidChange(Exception):
    """The change does not fit the record's current state; `reason` is a catalogue key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def today(services: Services) -> date:
    return rules.local_date(services.now(), services.config.school.timezone)


async def _audit(services: Services, actor: Actor, action: str, child_id: int | None, detail: str = "") -> None:
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action=action, child_id=child_id, detail=detail
    )


authorised_child = access.authorised_child


async def child_for_care(services: Services, actor: Actor, child_id: int) -> Child:
    return await authorised_child(services, actor, child_id, Access.LOG_CARE)


async def search_for_care(
    services: Services, actor: Actor, query: str, *, limit: int, offset: int = 0
) -> tuple[list[Child], int]:
    """Children the actor may log care for whose name contains `query`."""
    return await children.search(services.db, query, scope_for(actor, Access.LOG_CARE), limit=limit, offset=offset)


async def quick_picks(services: Services, actor: Actor, *, limit: int) -> list[Child]:
    """Buttons for the picker: the actor's recent check-ins first, then mentees, then their classes."""
    picked: dict[int, Child] = {}
    candidates = await checkins_store.recent_checkin_children(services.db, actor.user_id, limit)
    candidates += sorted(scope_for(actor, Access.LOG_CARE).child_ids)
    for child_id in candidates:
        if len(picked) >= limit or child_id in picked:
            continue
        child = await children.get_child(services.db, child_id)
        if child and may(actor, Access.LOG_CARE, child.scope):
            picked[child.id] = child
    if len(picked) < limit and home_classes(actor):
        own, _ = await children.search(services.db, "", ChildFilter(class_ids=home_classes(actor)), limit=limit)
        for child in own:
            if len(picked) < limit:
                picked.setdefault(child.id, child)
    return list(picked.values())


# --- check-ins ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinSaved:
    checkin_id: int | None  # None: this flow's check-in had been stored already
    worry: bool


async def save_checkin(
    services: Services,
    actor: Actor,
    child_id: int,
    ratings: Ratings,
    *,
    note: str | None,
    voice_file_id: str | None,
    note_flagged: bool,
    quick: bool,
    flow_token: str,
) -> CheckinSaved:
    """Stores one check-in (once per flow token) with its worry flag, audited."""
    await child_for_care(services, actor, child_id)
    worry = rules.is_worry(ratings, note_flagged=note_flagged)
    now = services.now()
    async with services.db.transaction():
        checkin_id = await checkins_store.insert_checkin(
            services.db,
            child_id=child_id,
            author_id=actor.user_id,
            at=now,
            ratings=ratings,
            note=note,
            voice_file_id=voice_file_id,
            worry=worry,
            quick=quick,
            flow_token=flow_token,
        )
        if checkin_id is not None:
            await _audit(services, actor, "care.checkin", child_id, f"checkin={checkin_id}")
    return CheckinSaved(checkin_id, worry)


async def answer_concern(services: Services, actor: Actor, checkin_id: int, wanted: bool) -> Checkin:
    """The author's answer to "raise a concern?" on a flagged check-in."""
    checkin = await checkins_store.get_checkin(services.db, checkin_id)
    if checkin is None:
        raise NotFound
    if checkin.author_id != actor.user_id:
        await _audit(services, actor, "denied", checkin.child_id, "care.concern_answer")
        raise AccessDenied
    await child_for_care(services, actor, checkin.child_id)
    if not checkin.worry:
        raise InvalidChange("care.concern_not_flagged")
    async with services.db.transaction():
        await checkins_store.set_concern_wanted(services.db, checkin_id, wanted)
        await _audit(services, actor, "care.concern_answer", checkin.child_id, f"checkin={checkin_id}")
    updated = await checkins_store.get_checkin(services.db, checkin_id)
    assert updated is not None
    return updated


async def flagged_checkins(
    services: Services,
    actor: Actor,
    *,
    since: datetime | None = None,
    wanted_only: bool = False,
    limit: int = 50,
) -> list[Checkin]:
    """Flagged check-ins (low mood/health or a worrying note) about children the actor may log care for,
    newest first. `wanted_only`: only those whose author asked for a concern to be raised. For the concerns
    feature (issue 6), which offers to open a concern from one of these; each child shown is audited."""
    scope: frozenset[int] | None = None
    if not reaches_every_child(actor, Access.LOG_CARE):
        visible, _ = await search_for_care(services, actor, "", limit=1_000_000)
        scope = frozenset(c.id for c in visible)
    found = await checkins_store.flagged_checkins(
        services.db, child_ids=scope, since=since, wanted_only=wanted_only, limit=limit
    )
    if found:
        async with services.db.transaction():
            for checkin_id, child_id in sorted({(c.id, c.child_id) for c in found}):
                await _audit(services, actor, "care.flagged_list", child_id, f"checkin={checkin_id}")
    return found


# --- visits and follow-ups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowupDraft:
    action: str
    due: date


async def save_visit(
    services: Services,
    actor: Actor,
    child_id: int,
    *,
    kind: VisitKind,
    visit_date: date,
    participants: str,
    notes: str,
    followup: FollowupDraft | None,
    flow_token: str,
) -> int | None:
    """Stores a visit or talk (and its follow-up) once per flow token; None if it was stored already."""
    child = await child_for_care(services, actor, child_id)
    if visit_date > today(services):
        raise InvalidChange("invalid.date_future")
    if visit_date < child.birth_date:
        raise InvalidChange("care.invalid_before_birth")
    now = services.now()
    async with services.db.transaction():
        pairing = await pairings_store.active_pairing(services.db, child_id)
        pairing_id = pairing.id if pairing and pairing.mentor_id == actor.user_id else None
        visit_id = await visits_store.insert_visit(
            services.db,
            child_id=child_id,
            kind=kind.value,
            visit_date=visit_date,
            participants=participants,
            notes=notes,
            author_id=actor.user_id,
            pairing_id=pairing_id,
            now=now,
            flow_token=flow_token,
        )
        if visit_id is None:
            return None
        if followup is not None:
            await visits_store.insert_followup(
                services.db,
                visit_id=visit_id,
                child_id=child_id,
                owner_id=actor.user_id,
                action=followup.action,
                due=followup.due,
                now=now,
            )
        await _audit(services, actor, "care.visit", child_id, f"visit={visit_id},kind={kind.value}")
    return visit_id


async def my_followups(services: Services, actor: Actor, *, limit: int, offset: int) -> tuple[list[Followup], int]:
    """The actor's open follow-ups, soonest due first (children they may no longer see are left out)."""
    found, total = await visits_store.open_followups(services.db, actor.user_id, limit=limit, offset=offset)
    shown = []
    for item in found:
        child = await children.get_child(services.db, item.child_id)
        if child and may(actor, Access.LOG_CARE, child.scope):
            shown.append(item)
    if shown:
        async with services.db.transaction():
            for item in shown:
                await _audit(services, actor, "list", item.child_id, "followups")
    return shown, total


async def complete_followup(services: Services, actor: Actor, followup_id: int) -> Followup:
    """Marks a follow-up done: its owner (or an admin), for a child they may still log care for."""
    item = await visits_store.get_followup(services.db, followup_id)
    if item is None:
        raise NotFound
    if item.owner_id != actor.user_id and not reaches_every_child(actor, Access.LOG_CARE):
        await _audit(services, actor, "denied", item.child_id, "care.followup_done")
        raise AccessDenied
    await child_for_care(services, actor, item.child_id)
    async with services.db.transaction():
        if not await visits_store.mark_followup_done(services.db, followup_id, actor.user_id, services.now()):
            raise AlreadyDone
        await _audit(services, actor, "care.followup_done", item.child_id, f"followup={followup_id}")
    updated = await visits_store.get_followup(services.db, followup_id)
    assert updated is not None
    return updated


# --- pairing (结对帮扶) and buddies (手拉手) ------------------------------------------------------------------


async def child_for_pairing(services: Services, actor: Actor, child_id: int) -> tuple[Child, Pairing | None]:
    child = await authorised_child(services, actor, child_id, Access.PAIR)
    await _audit(services, actor, "care.pairing_view", child_id)
    return child, await pairings_store.active_pairing(services.db, child_id)


async def staff_for_pairing(services: Services, actor: Actor) -> list[tuple[int, str]]:
    if not may_do(actor, Access.PAIR):
        raise AccessDenied
    return await pairings_store.staff_members(services.db)


async def pair(services: Services, actor: Actor, child_id: int, mentor_id: int, cadence_days: int) -> Pairing:
    """Admin only: makes `mentor_id` the child's mentor, ending the previous pairing (history kept)."""
    if not may_do(actor, Access.PAIR):
        raise AccessDenied
    if not 1 <= cadence_days <= rules.MAX_CADENCE:
        raise InvalidChange("care.invalid_cadence")
    if mentor_id not in {user_id for user_id, _ in await pairings_store.staff_members(services.db)}:
        raise InvalidChange("care.pair_not_staff")
    if await children.get_child(services.db, child_id) is None:
        raise NotFound
    now = services.now()
    async with services.db.transaction():
        current = await pairings_store.active_pairing(services.db, child_id)
        if current and current.mentor_id == mentor_id and current.cadence_days == cadence_days:
            raise AlreadyDone
        await pairings_store.end_pairing(services.db, child_id, now)
        pairing_id = await pairings_store.start_pairing(
            services.db,
            mentor_id=mentor_id,
            child_id=child_id,
            cadence_days=cadence_days,
            created_by=actor.user_id,
            now=now,
        )
        await _audit(services, actor, "care.pair", child_id, f"pairing={pairing_id}")
    pairing = await pairings_store.active_pairing(services.db, child_id)
    assert pairing is not None
    return pairing


async def unpair(services: Services, actor: Actor, child_id: int) -> Pairing:
    """Admin only: ends the child's pairing; returns the ended one."""
    if not may_do(actor, Access.PAIR):
        raise AccessDenied
    async with services.db.transaction():
        current = await pairings_store.active_pairing(services.db, child_id)
        if current is None:
            raise AlreadyDone
        await pairings_store.end_pairing(services.db, child_id, services.now())
        await _audit(services, actor, "care.unpair", child_id, f"pairing={current.id}")
    return current


async def set_buddy(services: Services, actor: Actor, child_id: int, buddy_name: str) -> None:
    """The head teacher (or an admin) records a classmate as the child's buddy; the old pair is ended."""
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    now, day = services.now(), today(services)
    async with services.db.transaction():
        await pairings_store.end_buddy(services.db, child_id, on=day, by=actor.user_id)
        buddy_id = await pairings_store.start_buddy(
            services.db,
            child_id=child_id,
            buddy_name=buddy_name,
            buddy_class_id=child.class_id,
            on=day,
            by=actor.user_id,
            now=now,
        )
        await _audit(services, actor, "care.buddy", child_id, f"buddy_pair={buddy_id}")


async def end_buddy(services: Services, actor: Actor, child_id: int) -> None:
    await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    async with services.db.transaction():
        if not await pairings_store.end_buddy(services.db, child_id, on=today(services), by=actor.user_id):
            raise AlreadyDone
        await _audit(services, actor, "care.buddy_end", child_id)


async def buddy_of(services: Services, actor: Actor, child_id: int) -> tuple[Child, pairings_store.BuddyPair | None]:
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    await _audit(services, actor, "care.buddy_view", child_id)
    return child, await pairings_store.active_buddy(services.db, child_id)


# --- boarding ---------------------------------------------------------------------------------------------


async def request_boarding(services: Services, actor: Actor, child_id: int) -> int:
    """The head teacher (or an admin) asks for a boarding place for the child."""
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    if child.boarding == "yes":
        raise InvalidChange("care.boarding_already_boarding")
    async with services.db.transaction():
        request_id = await boarding_store.request_boarding(
            services.db, child_id=child_id, by=actor.user_id, now=services.now()
        )
        if request_id is None:
            raise AlreadyDone
        await _audit(services, actor, "care.boarding_request", child_id, f"request={request_id}")
    return request_id


async def decide_boarding(services: Services, actor: Actor, request_id: int, *, granted: bool) -> BoardingRequest:
    """Admin only: grants or declines an open request."""
    if not may_do(actor, Access.DECIDE_BOARDING):
        raise AccessDenied
    request = await boarding_store.get_boarding(services.db, request_id)
    if request is None:
        raise NotFound
    async with services.db.transaction():
        if not await boarding_store.decide_boarding(
            services.db, request_id, granted=granted, by=actor.user_id, now=services.now()
        ):
            raise AlreadyDone
        detail = f"request={request_id},{'granted' if granted else 'declined'}"
        await _audit(services, actor, "care.boarding_decide", request.child_id, detail)
    decided = await boarding_store.get_boarding(services.db, request_id)
    assert decided is not None
    return decided


async def boarding_list(
    services: Services, actor: Actor, *, limit: int, offset: int
) -> tuple[list[BoardingRequest], int]:
    """Open requests: an admin sees all, a head teacher their classes'. The children listed are audited."""
    within = scope_for(actor, Access.EDIT_CARD)
    if within.empty:
        raise AccessDenied
    found, total = await boarding_store.open_boarding_requests(services.db, scope=within, limit=limit, offset=offset)
    if found:
        async with services.db.transaction():
            for request in found:
                await _audit(services, actor, "list", request.child_id, "boarding")
    return found, total


# --- enrolment --------------------------------------------------------------------------------------------


async def enrolment(services: Services, actor: Actor, child_id: int) -> tuple[Child, list[EnrolmentEvent]]:
    """A child's enrolment history (oldest first) for whoever may change the card."""
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    history = await enrolment_store.enrolment_history(services.db, child_id)
    await _audit(services, actor, "care.enrolment_view", child_id)
    return child, history


def current_status(history: list[EnrolmentEvent]) -> Enrolment:
    return Enrolment(history[-1].status) if history else Enrolment.ENROLLED


async def record_enrolment(
    services: Services,
    actor: Actor,
    child_id: int,
    status: Enrolment,
    *,
    effective: date,
    reason: str | None,
    flow_token: str,
) -> int | None:
    """Appends an enrolment event (never overwrites); None when this flow's event was stored already."""
    child = await authorised_child(services, actor, child_id, Access.EDIT_CARD)
    if effective > today(services):
        raise InvalidChange("invalid.date_future")
    if effective < child.birth_date:
        raise InvalidChange("care.invalid_before_birth")
    async with services.db.transaction():
        history = await enrolment_store.enrolment_history(services.db, child_id)
        if history and effective < history[-1].effective_date:
            raise InvalidChange("care.enrol_before_last")
        if status not in rules.enrolment_choices(current_status(history)):
            if await enrolment_store.enrolment_flow_stored(services.db, flow_token):
                return None
            raise InvalidChange("care.enrol_not_allowed")
        event_id = await enrolment_store.insert_enrolment(
            services.db,
            child_id=child_id,
            status=status.value,
            effective=effective,
            reason=reason,
            by=actor.user_id,
            now=services.now(),
            flow_token=flow_token,
        )
        if event_id is not None:
            await _audit(services, actor, "care.enrolment", child_id, f"event={event_id},status={status.value}")
    return event_id


# --- the timeline and summaries ---------------------------------------------------------------------------


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
    entries.sort(key=lambda entry: entry.at, reverse=True)
    await _audit(services, actor, "care.timeline", child_id, f"offset={offset}")
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
