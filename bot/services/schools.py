"""The schools of the county: the county office adds them and invites each one's first admin; a school's admin
sets the weekly update's day and time and the quiet hours for their school (unset: the config's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time
from typing import TypeVar

from bot.domain.models import School
from bot.domain.roles import Access, Actor, Role, may_do, scope_for
from bot.domain.stats import DEFAULT_TERM_STARTS, TermStarts
from bot.domain.validation import clean_text
from bot.services import AccessDenied, NotFound, Services
from bot.services import invitations as invitation_service
from bot.services.access import write_audit
from bot.storage import schools as schools_store
from bot.storage.schools import SchoolOverview, SchoolSettings

A = TypeVar("A")
B = TypeVar("B")

NAME_LIMIT = 40


@dataclass(frozen=True)
class Settings:
    """A school's settings as they apply: its own, else the config's (`own_*` says which)."""

    school: School
    weekly_update_day: int  # 0 = Monday
    weekly_update_time: time
    quiet_start: time
    quiet_end: time
    own_weekly: bool
    own_quiet: bool
    term_starts: TermStarts = DEFAULT_TERM_STARTS
    own_terms: bool = False


def clean_name(text: str) -> str:
    """A school's or a township's name, as typed (InvalidInput if empty, too long or with control characters)."""
    return clean_text(text, max_length=NAME_LIMIT)


async def overview(services: Services, actor: Actor) -> list[SchoolOverview]:
    """The county office's list: every school, its classes and children, whether it has an admin yet."""
    if not may_do(actor, Access.MANAGE_SCHOOLS):
        raise AccessDenied
    return await schools_store.overview(services.db, scope_for(actor, Access.MANAGE_SCHOOLS))


async def add_school(services: Services, actor: Actor, name: str, township: str) -> int | None:
    """Adds a school of the county; None if the township has a school of that name already."""
    if not may_do(actor, Access.MANAGE_SCHOOLS):
        raise AccessDenied
    now = services.now()
    async with services.db.transaction():
        school_id = await schools_store.add_school(
            services.db, name=name, township=township, county=services.config.county.name, created_by=actor.user_id,
            now=now,
        )  # fmt: skip
        if school_id is not None:
            await write_audit(services, actor, "school.add", None, f"school={school_id}", at=now)
    return school_id


async def invite_first_admin(services: Services, actor: Actor, school_id: int) -> tuple[School, str]:
    """The school and a one-time code inviting its admin (the county office, for a school it added)."""
    if not may_do(actor, Access.MANAGE_SCHOOLS):
        raise AccessDenied
    school = await schools_store.get_school(services.db, school_id)
    if school is None:
        raise NotFound
    code = await invitation_service.invite_staff(services, actor, Role.ADMIN, None, school_id=school_id)
    await write_audit(services, actor, "school.invite_admin", None, f"school={school_id}")
    return school, code


def settings_schools(actor: Actor) -> frozenset[int]:
    """The schools whose settings the actor may change."""
    return scope_for(actor, Access.SCHOOL_SETTINGS).school_ids


async def settings_of(services: Services, actor: Actor, school_id: int) -> Settings:
    """A school's settings as they apply, for one of its admins."""
    if school_id not in settings_schools(actor):
        raise AccessDenied
    school = await schools_store.get_school(services.db, school_id)
    own = (await schools_store.settings(services.db)).get(school_id)
    if school is None or own is None:
        raise NotFound
    return applying(services, school, own)


def applying(services: Services, school: School, own: schools_store.SchoolSettings) -> Settings:
    sched = services.config.scheduler
    own_weekly = own.weekly_update_day is not None and own.weekly_update_time is not None
    own_quiet = own.quiet_start is not None and own.quiet_end is not None
    return Settings(
        school=school,
        weekly_update_day=own.weekly_update_day if own.weekly_update_day is not None else sched.weekly_update_day,
        weekly_update_time=own.weekly_update_time or sched.weekly_update_time,
        quiet_start=own.quiet_start if own_quiet and own.quiet_start else sched.quiet_start,
        quiet_end=own.quiet_end if own_quiet and own.quiet_end else sched.quiet_end,
        own_weekly=own_weekly,
        own_quiet=own_quiet,
        term_starts=own.term_starts or DEFAULT_TERM_STARTS,
        own_terms=own.term_starts is not None,
    )


async def set_term_starts(services: Services, actor: Actor, school_id: int, starts: TermStarts) -> None:
    """The school's own first days of the autumn and the spring term (its figures' terms follow them)."""
    if school_id not in settings_schools(actor):
        raise AccessDenied
    async with services.db.transaction():
        await schools_store.set_term_starts(services.db, school_id, starts)
        await write_audit(services, actor, "school.term_starts", None, f"school={school_id}")


async def term_starts(services: Services, school_id: int | None) -> TermStarts:
    """A school's term start days: its own, else the national calendar's (1 September, 1 February)."""
    own = (await schools_store.settings(services.db)).get(school_id) if school_id is not None else None
    return own.term_starts if own is not None and own.term_starts else DEFAULT_TERM_STARTS


async def quiet_hours_of_child(services: Services, child_id: int) -> tuple[time, time]:
    """The quiet hours the child's family keeps: their school's own, else the config's."""
    sched = services.config.scheduler
    school_id = await schools_store.school_of_child(services.db, child_id)
    own = (await schools_store.settings(services.db)).get(school_id) if school_id is not None else None
    if own is None or own.quiet_start is None or own.quiet_end is None:
        return sched.quiet_start, sched.quiet_end
    return own.quiet_start, own.quiet_end


async def set_weekly_update(services: Services, actor: Actor, school_id: int, day: int, at: time) -> None:
    if school_id not in settings_schools(actor) or not 0 <= day <= 6:
        raise AccessDenied
    async with services.db.transaction():
        await schools_store.set_weekly_update(services.db, school_id, day, at)
        await write_audit(services, actor, "school.weekly_update", None, f"school={school_id}")


async def set_quiet_hours(services: Services, actor: Actor, school_id: int, start: time, end: time) -> None:
    if school_id not in settings_schools(actor):
        raise AccessDenied
    async with services.db.transaction():
        await schools_store.set_quiet_hours(services.db, school_id, start, end)
        await write_audit(services, actor, "school.quiet_hours", None, f"school={school_id}")


async def quiet_hours(services: Services) -> dict[int, tuple[time, time]]:
    """Each school's quiet hours as they apply (its own, else the config's), by school id."""
    sched = services.config.scheduler
    return await _as_applies(
        services, lambda own: (own.quiet_start, own.quiet_end), (sched.quiet_start, sched.quiet_end)
    )


async def weekly_times(services: Services) -> dict[int, tuple[int, time]]:
    """Each school's weekly update (day, 0 = Monday; local time) as it applies, by school id."""
    sched = services.config.scheduler
    return await _as_applies(
        services,
        lambda own: (own.weekly_update_day, own.weekly_update_time),
        (sched.weekly_update_day, sched.weekly_update_time),
    )


async def _as_applies(
    services: Services, own: Callable[[SchoolSettings], tuple[A | None, B | None]], config: tuple[A, B]
) -> dict[int, tuple[A, B]]:
    """A pair of settings of each school as it applies, by school id: its own if both are set, else the config's."""
    found: dict[int, tuple[A, B]] = {}
    for school_id, settings in (await schools_store.settings(services.db)).items():
        first, second = own(settings)
        found[school_id] = (first, second) if first is not None and second is not None else config
    return found


async def school_names(services: Services) -> dict[int, str]:
    return await schools_store.school_names(services.db)
