"""Keeping children in school (控辍保学): the day's absentees, the suspected-dropout ledger (疑似辍学), attempts to
bring a child back (劝返) and the monthly report (一月一报告). Decides and returns data; never words.

An absence without a reason asks the class's head teacher to call the guardian today; unexplained absences on
three school days in a row open the child's case and tell the school's admins, once per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import buttons as bt
from bot.domain import attendance as rules
from bot.domain.attendance import Method, Outcome, Reason
from bot.domain.care import local_date
from bot.domain.messages import Choice, Notification, message
from bot.domain.models import Child, SchoolClass
from bot.domain.roles import Access, Actor, ChildFilter, Role, reaches_every_child, scope_for
from bot.services import AccessDenied, NotFound, Services, message_kinds
from bot.services.access import audit_refusal, authorised, authorised_child
from bot.services.care.common import AlreadyDone, InvalidChange
from bot.storage import attendance as store
from bot.storage import audit, children, job_runs, people, schools
from bot.storage import enrolment as enrolment_store
from bot.storage.attendance import Attempt as Attempt
from bot.storage.attendance import Case as Case

CALL_GUARDIAN = "attendance.call"  # outbox kinds
SUSPECTED = "attendance.suspected"
MONTHLY = "attendance.monthly"
MONTHLY_JOB = "attendance.monthly"
CLASS_LIMIT = 90  # a rural class is far smaller; the day's buttons must fit one message


def today(services: Services) -> date:
    return local_date(services.now(), services.config.school.timezone)


@dataclass(frozen=True)
class DayList:
    klass: SchoolClass
    day: date
    children: list[Child]
    marks: dict[int, Reason]


@dataclass(frozen=True)
class DaySaved:
    day: date
    absent: list[tuple[Child, Reason]]
    call_today: list[Child]  # absent without a reason: the guardian is called today
    suspected: list[Child]  # on the suspected-dropout ledger from today


async def classes_to_mark(services: Services, actor: Actor) -> list[SchoolClass]:
    """The classes whose absentees the actor may mark (a head teacher's own, an admin's school's)."""
    await authorised(services, actor, Access.MARK_ABSENCE)
    return await people.list_classes(services.db, scope_for(actor, Access.MARK_ABSENCE))


async def _class_for(services: Services, actor: Actor, class_id: int) -> SchoolClass:
    klass = await people.get_class(services.db, class_id)
    scope = scope_for(actor, Access.MARK_ABSENCE)
    if klass is None:
        raise NotFound if reaches_every_child(actor, Access.MARK_ABSENCE) else AccessDenied
    if not scope.includes_class(klass.id, klass.school_id):
        await audit_refusal(services, actor.user_id, f"{Access.MARK_ABSENCE.value}:class={class_id}")
        raise AccessDenied
    return klass


async def _pupils(services: Services, class_id: int) -> list[Child]:
    found = await children.listed(services.db, "", ChildFilter(class_ids=frozenset({class_id})), limit=CLASS_LIMIT)
    return found


async def day_list(services: Services, actor: Actor, class_id: int) -> DayList:
    """Today's list of a class with the absences marked so far (a second marking starts from them)."""
    klass = await _class_for(services, actor, class_id)
    day = today(services)
    if not rules.is_school_day(day):
        raise InvalidChange("attendance.not_school_day")
    pupils = await _pupils(services, class_id)
    marks = await store.absences_on(services.db, day, [c.id for c in pupils])
    await audit.record_many(
        services.db, at=services.now(), actor_id=actor.user_id, action="attendance.list",
        child_ids=[c.id for c in pupils], detail=f"day={day.isoformat()}",
    )  # fmt: skip
    return DayList(klass, day, pupils, {child: Reason(reason) for child, reason in marks.items()})


async def save_day(services: Services, actor: Actor, class_id: int, day: date, marks: dict[int, Reason]) -> DaySaved:
    """Stores the day's absentees of a class (the others were at school); a second save of the same day updates
    it. Then asks the head teacher to call the guardians of the unexplained absentees, and opens a case for a child
    absent without a reason on the third school day in a row (the school's admins hear of it once)."""
    klass = await _class_for(services, actor, class_id)
    if day != today(services):
        raise InvalidChange("attendance.day_over")
    now = services.now()
    pupils = await _pupils(services, class_id)
    absent: list[tuple[Child, Reason]] = []
    opened: list[tuple[Child, int]] = []
    async with services.db.transaction():
        for child in pupils:
            reason = marks.get(child.id)
            if reason is None:
                if await store.clear_absence(services.db, child_id=child.id, day=day):
                    await _audit(services, actor, "attendance.mark", child.id, f"day={day.isoformat()},present")
                continue
            await store.set_absence(services.db, child_id=child.id, day=day, reason=reason.value, by=actor.user_id,
                                    now=now)  # fmt: skip
            await _audit(services, actor, "attendance.mark", child.id, f"day={day.isoformat()},reason={reason.value}")
            absent.append((child, reason))
            if reason is Reason.UNKNOWN:
                streak = rules.school_days_back(day, rules.DAYS_TO_SUSPECT)
                if await store.unexplained_days(services.db, child.id, streak) == rules.DAYS_TO_SUSPECT:
                    case_id = await store.open_case(services.db, child_id=child.id, school_id=klass.school_id,
                                                    class_id=klass.id, day=day, now=now)  # fmt: skip
                    if case_id is not None:
                        await _audit(services, actor, "attendance.case_open", child.id, f"case={case_id}")
                        opened.append((child, case_id))
        call_today = [child for child, reason in absent if reason is Reason.UNKNOWN]
        await _ask_head_teachers(services, actor, klass, day, call_today)
        await _alert_admins(services, klass, opened)
    return DaySaved(day, absent, call_today, [child for child, _ in opened])


async def _audit(services: Services, actor: Actor, action: str, child_id: int | None, detail: str = "") -> None:
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action=action, child_id=child_id, detail=detail
    )


async def _language(services: Services, user_id: int) -> str | None:
    return (await people.load_actor(services.db, user_id)).language


async def _ask_head_teachers(
    services: Services, actor: Actor, klass: SchoolClass, day: date, call_today: list[Child]
) -> None:
    """The follow-up "call the guardian today", for each head teacher of the class but the one who marked (they
    read it in the answer to their marking)."""
    teachers = [t for t in await people.staff_of_class(services.db, klass.id, Role.HEAD_TEACHER) if t != actor.user_id]
    for teacher in teachers:
        language = await _language(services, teacher)
        for child in call_today:
            text = message("attendance.call_guardian", name=child.name, class_label=klass.label, day=day.isoformat())
            await message_kinds.queue(
                services, Notification(teacher, language, text), kind=CALL_GUARDIAN,
                dedup_key=f"{child.id}:{day.isoformat()}",
            )  # fmt: skip


async def _alert_admins(services: Services, klass: SchoolClass, opened: list[tuple[Child, int]]) -> None:
    for admin in await people.admin_ids(services.db, klass.school_id):
        language = await _language(services, admin)
        for child, case_id in opened:
            text = message("attendance.suspected_alert", name=child.name, class_label=klass.label,
                           days=rules.DAYS_TO_SUSPECT)  # fmt: skip
            buttons = ((Choice(message("attendance.button.case"), bt.CaseView(case_id)),),)
            await message_kinds.queue(
                services, Notification(admin, language, text, buttons), kind=SUSPECTED, dedup_key=f"case:{case_id}"
            )


# --- cases and attempts --------------------------------------------------------------------------------


async def open_cases(services: Services, actor: Actor) -> list[Case]:
    """The open cases the actor may follow (an admin's school, a head teacher's class)."""
    await authorised(services, actor, Access.RETURN_CASES)
    found = await store.open_cases(services.db, scope_for(actor, Access.RETURN_CASES))
    if found:
        await audit.record_many(services.db, at=services.now(), actor_id=actor.user_id,
                                action="attendance.case_list", child_ids=[c.child_id for c in found])  # fmt: skip
    return found


async def _case_for(services: Services, actor: Actor, case_id: int) -> Case:
    case = await store.get_case(services.db, case_id)
    if case is None:
        raise NotFound if reaches_every_child(actor, Access.RETURN_CASES) else AccessDenied
    await authorised_child(services, actor, case.child_id, Access.RETURN_CASES)
    return case


async def case(services: Services, actor: Actor, case_id: int) -> tuple[Case, list[Attempt]]:
    """A case and its attempts so far."""
    found = await _case_for(services, actor, case_id)
    attempts = await store.attempts_of(services.db, case_id)
    await _audit(services, actor, "attendance.case_view", found.child_id, f"case={case_id}")
    return found, attempts


async def open_case_for_attempt(services: Services, actor: Actor, case_id: int) -> Case:
    """The case an attempt is about to be recorded for: still open."""
    found = await _case_for(services, actor, case_id)
    if found.status != "open":
        raise InvalidChange("attendance.case_closed")
    return found


async def record_attempt(
    services: Services, actor: Actor, case_id: int, *, method: Method, result: str, outcome: Outcome, flow_token: str
) -> Case:
    """Stores one attempt (today, by the actor). Back at school closes the case (动态销号); a dropout closes it with
    an enrolment event at the case's school. Raises AlreadyDone for this flow's second save."""
    found = await _case_for(services, actor, case_id)
    day, now = today(services), services.now()
    async with services.db.transaction():
        attempt_id = await store.insert_attempt(
            services.db, case_id=case_id, day=day, by=actor.user_id, method=method.value, result=result,
            outcome=outcome.value, now=now, flow_token=flow_token,
        )  # fmt: skip
        if attempt_id is None:
            raise AlreadyDone("attendance.attempt_already")
        current = await store.get_case(services.db, case_id)
        if current is None or current.status != "open":
            raise InvalidChange("attendance.case_closed")
        detail = f"case={case_id},attempt={attempt_id},method={method.value},outcome={outcome.value}"
        await _audit(services, actor, "attendance.attempt", found.child_id, detail)
        if outcome is not Outcome.NOT_YET:
            event_id = None
            if outcome is Outcome.DROPPED_OUT:
                event_id = await enrolment_store.insert_enrolment(
                    services.db, child_id=found.child_id, status="dropped_out", effective=day, reason=None,
                    by=actor.user_id, now=now, flow_token=f"attendance:{flow_token}", school_id=found.school_id,
                )  # fmt: skip
            await store.close_case(services.db, case_id, status=outcome.value, day=day, by=actor.user_id, now=now,
                                   event_id=event_id)  # fmt: skip
            await _audit(services, actor, "attendance.case_close", found.child_id, f"case={case_id},{outcome.value}")
    closed = await store.get_case(services.db, case_id)
    assert closed is not None
    return closed


# --- the month -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    """This month's figures (for /stats, and the first sheet of the monthly report)."""

    start: date
    end: date
    suspected: int  # cases opened in the month
    open_at_end: int  # cases still open at the month's end (or today)
    returned: int  # closed in the month: back at school
    dropped_out: int  # closed in the month: dropped out
    attempts: int
    attempts_by_method: dict[str, int]
    absence_days: dict[str, int]  # reason → child-days absent


@dataclass(frozen=True)
class MonthlyReport:
    figures: MonthFigures
    suspected: list[Case]
    dropped_out: list[Case]
    returned: list[Case]
    open_at_end: list[Case]
    attempts: list[Attempt]


def _within(moment: date | None, start: date, end: date) -> bool:
    return moment is not None and start <= moment <= end


async def _month(services: Services, scope: ChildFilter, year: int, month: int) -> MonthlyReport:
    start, end = rules.month_bounds(year, month)
    end = min(end, max(start, today(services)))
    cases = await store.cases_in_month(services.db, scope, start, end)
    attempts = await store.attempts_in(services.db, scope, start, end)
    suspected = [c for c in cases if _within(c.opened_on, start, end)]
    closed = [c for c in cases if _within(c.closed_on, start, end)]
    returned = [c for c in closed if c.status == Outcome.RETURNED.value]
    dropped = [c for c in closed if c.status == Outcome.DROPPED_OUT.value]
    still_open = [c for c in cases if c.closed_on is None or c.closed_on > end]
    by_method = {m.value: sum(1 for a in attempts if a.method == m.value) for m in Method}
    figures = MonthFigures(
        start=start, end=end, suspected=len(suspected), open_at_end=len(still_open), returned=len(returned),
        dropped_out=len(dropped), attempts=len(attempts), attempts_by_method=by_method,
        absence_days=await store.absence_days_in(services.db, scope, start, end),
    )  # fmt: skip
    return MonthlyReport(figures, suspected, dropped, returned, still_open, attempts)


async def month_figures(services: Services, scope: ChildFilter, year: int, month: int) -> MonthFigures:
    """A month's figures (counts only) for the children of `scope` (the caller decides the scope through the
    policy; counts leaving a school go through the small-count rule)."""
    return (await _month(services, scope, year, month)).figures


async def monthly_report(services: Services, actor: Actor, year: int, month: int) -> MonthlyReport:
    """The month's ledgers for the actor's children (an admin's school, a head teacher's class), audited per
    child named."""
    await authorised(services, actor, Access.RETURN_CASES)
    report = await _month(services, scope_for(actor, Access.RETURN_CASES), year, month)
    named = {c.child_id for c in (*report.suspected, *report.dropped_out, *report.returned, *report.open_at_end)}
    named |= {a.child_id for a in report.attempts}
    await _audit(services, actor, "attendance.monthly", None, f"month={year:04d}-{month:02d}")
    if named:
        await audit.record_many(services.db, at=services.now(), actor_id=actor.user_id, action="attendance.monthly",
                                child_ids=sorted(named), detail=f"month={year:04d}-{month:02d}")  # fmt: skip
    return report


async def queue_monthly_reminders(services: Services) -> int:
    """On the first school day of a month, reminds each school's admins of last month's report; once a month
    (the job's key and the outbox's dedup key both say so). Returns the number queued."""
    day = today(services)
    if day != rules.first_school_day(day.year, day.month):
        return 0
    key = f"{day.year:04d}-{day.month:02d}"
    if await job_runs.job_key(services.db, MONTHLY_JOB) == key:
        return 0
    year, month = rules.previous_month(day)
    label = f"{year:04d}-{month:02d}"
    queued = 0
    async with services.db.transaction():
        for school in await schools.list_schools(services.db):
            for admin in await people.admin_ids(services.db, school.id):
                text = message("attendance.monthly_reminder", month=label)
                buttons = ((Choice(message("attendance.button.monthly", month=label), bt.MonthlyReport(label)),),)
                notification = Notification(admin, await _language(services, admin), text, buttons)
                queued += await message_kinds.queue(
                    services, notification, kind=MONTHLY, dedup_key=f"{key}:{school.id}"
                )
        await job_runs.set_job_key(services.db, MONTHLY_JOB, key, services.now())
    return queued
