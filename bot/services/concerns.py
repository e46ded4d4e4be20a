"""Safety concerns (强制报告): report, alert every admin at once, acknowledge, assign, close with an outcome.

Alerts go to the durable outbox as urgent (quiet hours do not apply), one dedup key per concern, round and
admin, so a retried tick never sends one round twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot import buttons as bt
from bot.domain.clock import to_db
from bot.domain.messages import Choice, Joiner, Listing, Notification, message
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, ChildFilter, Role, may, may_do, scope_for
from bot.domain.safety import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_POLICE_UNIT,
    MAX_REASON,
    MAX_RECEIPT,
    OUTCOMES_NEEDING_NOTE,
    POLICE_FEEDBACK_DAYS,
    ConcernKind,
    ConcernStatus,
    Outcome,
    RiskLevel,
    effective_risk,
    risk_sort_key,
)
from bot.domain.validation import required_text
from bot.services import AccessDenied, NotFound, Services, access
from bot.storage import audit, children, people, schools
from bot.storage import concerns as concerns_store
from bot.storage import risks as risks_store


@dataclass(frozen=True)
class Alert:
    """One notification for one person, to be queued by the caller's delivery (bot/jobs/concerns.py)."""

    notification: Notification
    dedup_key: str
    urgent: bool = True  # safety alerts ignore quiet hours; routine notes (a non-urgent letter) do not

    @property
    def recipient_id(self) -> int:
        return self.notification.recipient


class NoteRequired(ValueError):
    """This outcome needs a reference or the name of the body referred to."""


async def _language_of(services: Services, user_id: int) -> str | None:
    return (await people.load_actor(services.db, user_id)).language


async def _deny(services: Services, actor: Actor, child_id: int | None, detail: str) -> None:
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action="denied", child_id=child_id, detail=detail
    )
    raise AccessDenied


async def check_may_report(services: Services, actor: Actor, child_id: int) -> None:
    await access.authorised_child(services, actor, child_id, Access.REPORT_CONCERN)


async def report(
    services: Services,
    actor: Actor,
    child_id: int,
    *,
    kind: ConcernKind,
    description: str,
    occurred_on: date,
    checkin_id: int | None = None,
) -> tuple[int, list[Alert]]:
    """Stores the concern and returns the urgent alert for every admin (sent by the caller at once)."""
    await check_may_report(services, actor, child_id)
    body = required_text(description, MAX_DESCRIPTION)
    now = services.now()
    async with services.db.transaction():
        concern_id = await concerns_store.insert_concern(
            services.db, child_id=child_id, reporter_id=actor.user_id, kind=kind, description=body,
            occurred_on=occurred_on.isoformat(), checkin_id=checkin_id, now=now,
        )  # fmt: skip
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="concern.report", child_id=child_id,
            detail=f"concern={concern_id} kind={kind.value}",
        )  # fmt: skip
    concern = await concerns_store.get_concern(services.db, concern_id)
    assert concern is not None
    return concern_id, await alerts_for(services, concern, round_number=0)


async def alerts_for(services: Services, concern: concerns_store.Concern, *, round_number: int) -> list[Alert]:
    """The alert of one round for every admin, in each admin's language."""
    reporter = await people.get_user(services.db, concern.reporter_id)
    child = await children.get_child(services.db, concern.child_id)
    class_label = child.class_label if child else ""
    alerts = []
    head = "safety.alert.header" if round_number == 0 else "safety.alert.resend_header"
    text = Listing(
        (
            message(head, id=concern.id, round=round_number),
            message(
                "safety.alert.body",
                name=concern.child_name,
                class_label=class_label,
                kind=message(f"safety.kind.{concern.kind.value}"),
                when=concern.occurred_on,
                what=concern.description,
                reporter=reporter.full_name if reporter and reporter.full_name else concern.reporter_id,
            ),
        ),
        Joiner.LINES,
    )
    buttons = (
        (
            Choice(message("safety.button.ack"), bt.ConcernAck(concern.id)),
            Choice(message("safety.button.assign"), bt.ConcernAssign(concern.id)),
        ),
        (Choice(message("safety.button.close"), bt.ConcernClose(concern.id)),),
    )
    for admin_id in await people.admin_ids(services.db, child.school_id if child else 0):
        notification = Notification(admin_id, await _language_of(services, admin_id), text, buttons)
        alerts.append(Alert(notification, f"concern:{concern.id}:r{round_number}:{admin_id}"))
    return alerts


async def _concern_for_admin(services: Services, actor: Actor, concern_id: int, action: str) -> concerns_store.Concern:
    concern = await concerns_store.get_concern(services.db, concern_id)
    child = await children.get_child(services.db, concern.child_id) if concern is not None else None
    if concern is None or child is None:
        raise NotFound
    if not (
        may(actor, Access.MANAGE_CONCERNS, child.scope) or (action == "close" and concern.assigned_to == actor.user_id)
    ):
        await _deny(services, actor, concern.child_id, f"concern.{action}")
    return concern


async def _change(
    services: Services,
    actor: Actor,
    concern: concerns_store.Concern,
    now: datetime,
    audited: tuple[str, str],
    change: Callable[[], Awaitable[bool]],
) -> tuple[concerns_store.Concern, bool]:
    """Runs `change` in one transaction and, if it changed anything, audits it (`audited`: the action and a detail
    naming ids, never content); returns the concern as it is now, and whether it changed."""
    action, detail = audited
    async with services.db.transaction():
        done = await change()
        if done:
            await audit.record(
                services.db, at=now, actor_id=actor.user_id, action=action, child_id=concern.child_id, detail=detail
            )
    updated = await concerns_store.get_concern(services.db, concern.id)
    assert updated is not None
    return updated, done


async def acknowledge(
    services: Services, actor: Actor, concern_id: int
) -> tuple[concerns_store.Concern, bool, list[Alert]]:
    """Admins only. Returns the concern, whether this tap acknowledged it, and notes for the other admins."""
    concern = await _concern_for_admin(services, actor, concern_id, "ack")
    now = services.now()
    updated, done = await _change(
        services, actor, concern, now, ("concern.ack", f"concern={concern_id}"),
        lambda: concerns_store.acknowledge(services.db, concern_id, actor.user_id, now),
    )  # fmt: skip
    notes: list[Alert] = []
    if done:
        who = await people.get_user(services.db, actor.user_id)
        for admin_id in await people.admin_ids(
            services.db, await schools.school_of_child(services.db, concern.child_id) or 0
        ):
            if admin_id == actor.user_id:
                continue
            text = message("safety.ack.notice", id=concern_id, who=who.full_name if who else actor.user_id)
            notification = Notification(admin_id, await _language_of(services, admin_id), text)
            notes.append(Alert(notification, f"concern:{concern_id}:ack:{admin_id}"))
    return updated, done, notes


async def assignees(services: Services, actor: Actor, concern_id: int) -> list[tuple[int, str]]:
    """Who a concern can be given to: admins, the class's head and subject teachers, the child's mentor."""
    concern = await _concern_for_admin(services, actor, concern_id, "assign")
    ids = set(await people.admin_ids(services.db, await schools.school_of_class(services.db, concern.class_id) or 0))
    for role in (Role.HEAD_TEACHER, Role.SUBJECT_TEACHER):
        ids |= set(await people.staff_of_class(services.db, concern.class_id, role))
    ids |= set(await people.mentors_of(services.db, concern.child_id))
    names = []
    for user_id in sorted(ids):
        user = await people.get_user(services.db, user_id)
        names.append((user_id, user.full_name if user and user.full_name else str(user_id)))
    return names


async def assign(
    services: Services, actor: Actor, concern_id: int, assignee: int
) -> tuple[concerns_store.Concern, list[Alert]]:
    concern = await _concern_for_admin(services, actor, concern_id, "assign")
    if assignee not in {uid for uid, _ in await assignees(services, actor, concern_id)}:
        raise NotFound
    if concern.status is ConcernStatus.CLOSED:
        return concern, []
    now = services.now()

    async def assigned() -> bool:
        await concerns_store.assign(services.db, concern_id, assignee)
        # Assigning is a way of taking it up: it also counts as acknowledging.
        await concerns_store.acknowledge(services.db, concern_id, actor.user_id, now)
        return True

    updated, _ = await _change(
        services, actor, concern, now, ("concern.assign", f"concern={concern_id} to={assignee}"), assigned
    )
    text = Listing(
        (
            message("safety.assigned.notice", id=concern_id),
            message(
                "safety.alert.body_short",
                name=updated.child_name,
                kind=message(f"safety.kind.{updated.kind.value}"),
                when=updated.occurred_on,
                what=updated.description,
            ),
        ),
        Joiner.LINES,
    )
    buttons = ((Choice(message("safety.button.close"), bt.ConcernClose(concern_id)),),)
    notification = Notification(assignee, await _language_of(services, assignee), text, buttons)
    return updated, [Alert(notification, f"concern:{concern_id}:as:{assignee}:{to_db(now)}")]


async def concern_for_close(services: Services, actor: Actor, concern_id: int) -> concerns_store.Concern:
    return await _concern_for_admin(services, actor, concern_id, "close")


async def close(
    services: Services, actor: Actor, concern_id: int, outcome: Outcome, note: str | None
) -> tuple[concerns_store.Concern, bool]:
    """Closes with an outcome (police, civil affairs and referrals need a note). False if already closed."""
    concern = await _concern_for_admin(services, actor, concern_id, "close")
    cleaned = (note or "").strip() or None
    if outcome in OUTCOMES_NEEDING_NOTE and not cleaned:
        raise NoteRequired
    if cleaned and len(cleaned) > MAX_NOTE:
        raise ValueError("too_long")
    now = services.now()
    return await _change(
        services, actor, concern, now, ("concern.close", f"concern={concern_id} outcome={outcome.value}"),
        lambda: concerns_store.close(services.db, concern_id, outcome, cleaned, actor.user_id, now),
    )  # fmt: skip


async def due_resends(services: Services) -> list[Alert]:
    """Every open (unacknowledged) concern last sent a re-send interval ago: the next round for every admin."""
    now = services.now()
    interval = timedelta(minutes=services.config.scheduler.concern_resend_minutes)
    alerts: list[Alert] = []
    for concern in await concerns_store.due_for_resend(services.db, now - interval):
        round_number = concern.resend_round + 1
        alerts += await alerts_for(services, concern, round_number=round_number)
        await concerns_store.mark_resent(services.db, concern.id, round_number, now)
    return alerts


async def open_list(services: Services, actor: Actor) -> list[concerns_store.Concern]:
    """Unclosed concerns: all for admins; otherwise those assigned to or reported by the actor."""
    if may_do(actor, Access.MANAGE_CONCERNS):
        return await concerns_store.unclosed_concerns(services.db, scope_for(actor, Access.MANAGE_CONCERNS))
    # What someone reported or was given stays theirs to follow, whichever class the child is in now.
    return await concerns_store.unclosed_concerns(services.db, ChildFilter(everyone=True), involving=actor.user_id)


def now_local(services: Services) -> datetime:
    return services.now().astimezone(services.config.school.timezone)


# --- risk level ----------------------------------------------------------------------------------------------


async def risk_for_edit(services: Services, actor: Actor, child_id: int) -> tuple[Child, risks_store.Risk]:
    child = await access.authorised_child(services, actor, child_id, Access.SET_RISK)
    return child, await risks_store.get_risk(services.db, child_id)


async def set_risk(services: Services, actor: Actor, child_id: int, level: RiskLevel, reason: str) -> Child:
    """Head teacher of the class or an admin; the reason is required (audited by field, not value)."""
    child, _ = await risk_for_edit(services, actor, child_id)
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise ValueError("reason")
    now = services.now()
    async with services.db.transaction():
        await risks_store.set_risk(services.db, child_id, level, text, actor.user_id, now)
        await audit.record(services.db, at=now, actor_id=actor.user_id, action="risk.set", child_id=child_id,
                           detail=f"level={level.value}")  # fmt: skip
    return child


async def ranked(services: Services, child_ids: list[int]) -> list[int]:
    """The given children with high-risk ones first (then medium, then low), order otherwise kept.
    For any list of children: call this to put the children most at risk on top."""
    levels = await risks_store.risks(services.db, ChildFilter(child_ids=frozenset(child_ids)))

    def key(child_id: int) -> int:
        risk = levels.get(child_id)
        return risk_sort_key(effective_risk(risk.level, risk.open_concerns) if risk else RiskLevel.LOW)

    return sorted(child_ids, key=key)


# --- reports to the police (强制报告) -------------------------------------------------------------------------


class TooLong(ValueError):
    """A typed answer is longer than its step allows."""


def _short(text: str, limit: int) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise NoteRequired
    if len(cleaned) > limit:
        raise TooLong
    return cleaned


async def report_to_police(
    services: Services,
    actor: Actor,
    concern_id: int,
    *,
    reported_at: datetime,
    police_unit: str,
    receipt_no: str,
) -> tuple[concerns_store.Concern, bool]:
    """Records the report to the police (when it was made and accepted, the unit, the receipt's number) and
    closes the concern with that outcome. False if the concern was already closed."""
    concern = await _concern_for_admin(services, actor, concern_id, "close")
    unit = _short(police_unit, MAX_POLICE_UNIT)
    receipt = _short(receipt_no, MAX_RECEIPT)
    now = services.now()

    async def reported() -> bool:
        done = await concerns_store.close(services.db, concern_id, Outcome.POLICE, receipt, actor.user_id, now)
        if done:
            await concerns_store.insert_police_report(
                services.db, concern_id, reported_at=min(reported_at, now), police_unit=unit, receipt_no=receipt,
                user_id=actor.user_id, now=now,
            )  # fmt: skip
        return done

    return await _change(services, actor, concern, now, ("concern.police", f"concern={concern_id}"), reported)


async def police_report_for_feedback(
    services: Services, actor: Actor, concern_id: int
) -> tuple[concerns_store.Concern, concerns_store.PoliceReport]:
    """The concern and its report to the police, for an admin about to record the police's feedback."""
    concern = await _concern_for_admin(services, actor, concern_id, "feedback")
    police = await concerns_store.police_report(services.db, concern_id)
    if police is None:
        raise NotFound
    return concern, police


async def _school(services: Services, concern: concerns_store.Concern) -> int:
    return await schools.school_of_class(services.db, concern.class_id) or 0


async def record_feedback(services: Services, actor: Actor, concern_id: int, feedback: str) -> concerns_store.Concern:
    """The police's feedback on a report (admins only); it stops the reminder. Audited by id, not by content."""
    concern, _ = await police_report_for_feedback(services, actor, concern_id)
    text = _short(feedback, MAX_NOTE)
    now = services.now()

    async def recorded() -> bool:
        await concerns_store.record_feedback(services.db, concern_id, text, actor.user_id, now)
        return True

    await _change(services, actor, concern, now, ("concern.feedback", f"concern={concern_id}"), recorded)
    return concern


async def due_feedback_reminders(services: Services) -> list[Alert]:
    """Reports accepted POLICE_FEEDBACK_DAYS ago with no feedback: one reminder for the child's school's admins,
    once per report (marked in the same transaction the caller queues them in)."""
    now = services.now()
    alerts: list[Alert] = []
    for police in await concerns_store.awaiting_feedback(services.db, now - timedelta(days=POLICE_FEEDBACK_DAYS)):
        concern = await concerns_store.get_concern(services.db, police.concern_id)
        if concern is None or not await concerns_store.mark_reminded(services.db, police.concern_id, now):
            continue
        text = message(
            "safety.police.reminder",
            id=concern.id,
            kind=message(f"safety.kind.{concern.kind.value}"),
            unit=police.police_unit,
            receipt=police.receipt_no,
            days=POLICE_FEEDBACK_DAYS,
        )
        buttons = ((Choice(message("safety.button.feedback"), bt.ConcernFeedback(concern.id)),),)
        for admin_id in await people.admin_ids(services.db, await _school(services, concern)):
            notification = Notification(admin_id, await _language_of(services, admin_id), text, buttons)
            alerts.append(Alert(notification, f"police:{concern.id}:remind:{admin_id}", urgent=False))
    return alerts


RegisterRow = concerns_store.RegisterRow  # what the register's view words


async def register(services: Services, actor: Actor) -> list[RegisterRow]:
    """The register of reports (强制报告登记): every concern the actor manages, with its report to the police;
    the export is audited once per child it names."""
    if not may_do(actor, Access.MANAGE_CONCERNS):
        await _deny(services, actor, None, "concern.register")
    rows = await concerns_store.register(services.db, scope_for(actor, Access.MANAGE_CONCERNS))
    child_ids = sorted({row.concern.child_id for row in rows})
    if child_ids:
        await audit.record_many(
            services.db, at=services.now(), actor_id=actor.user_id, action="concern.register", child_ids=child_ids,
            detail="register",
        )  # fmt: skip
    return rows


async def county_counts(services: Services, scope: ChildFilter) -> list[concerns_store.ConcernCount]:
    """Name-free counts for the county's figures: per school, kind and status, with how many went to the police
    and still wait for its feedback. The caller decides the scope (and applies the small-count rule)."""
    return await concerns_store.counts(services.db, scope)
