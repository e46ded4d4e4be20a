"""Invitations: one-time, expiring deep-link codes for staff (by admins) and guardians (by head teachers)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.clock import from_db
from bot.domain.models import Child, SchoolClass
from bot.domain.roles import STAFF_ROLES, Access, Actor, ChildFilter, Role, may_do, scope_for
from bot.services import AccessDenied, Services
from bot.services.registry import child_for_invitation
from bot.storage import audit, children, invitations, people, schools

CODE_BYTES = 18  # 24 URL-safe characters: unguessable, well inside Telegram's 64-character payload limit
CLASS_LIMIT = 500  # more than any class holds: the picker sorts the whole class before taking its first few


class RedeemProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    ALREADY = "already"
    ALREADY_BOUND = "already_bound"


@dataclass(frozen=True)
class Redeemed:
    kind: str
    role: Role | None
    school_class: SchoolClass | None
    child: Child | None
    relationship: str | None
    inviter_id: int


class RedeemError(Exception):
    def __init__(self, problem: RedeemProblem, child: Child | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.child = child  # set for ALREADY_BOUND: the child this guardian is already bound to


async def _new_code(
    services: Services,
    actor: Actor,
    now: datetime,
    *,
    kind: str,
    role: str | None = None,
    class_id: int | None = None,
    child_id: int | None = None,
    relationship: str | None = None,
    school_id: int | None = None,
) -> str:
    """Stores a fresh one-time code of the actor's, valid for the configured hours; returns it."""
    code = secrets.token_urlsafe(CODE_BYTES)
    await invitations.create(
        services.db,
        code=code,
        kind=kind,
        role=role,
        class_id=class_id,
        child_id=child_id,
        relationship=relationship,
        created_by=actor.user_id,
        now=now,
        expires_at=now + timedelta(hours=services.config.conversation.invitation_ttl_hours),
        school_id=school_id,
    )
    return code


async def school_names(services: Services) -> dict[int, str]:
    return await schools.school_names(services.db)


async def classes_of_school(services: Services, school_id: int) -> list[SchoolClass]:
    return await people.list_classes(services.db, ChildFilter(school_ids=frozenset({school_id})))


def invitation_schools(actor: Actor) -> frozenset[int]:
    """The schools the actor may invite staff into."""
    return scope_for(actor, Access.INVITE_STAFF).school_ids


async def invite_staff(
    services: Services, actor: Actor, role: Role, class_id: int | None, *, school_id: int | None = None
) -> str:
    """An admin invites a staff member into their school (a class role: the class's school; a school-wide role:
    `school_id`), or the county office a school's first admin; returns the code for the deep link."""
    if role not in STAFF_ROLES:
        raise AccessDenied
    if (role in (Role.HEAD_TEACHER, Role.SUBJECT_TEACHER)) != (class_id is not None):
        raise ValueError("class required exactly for class roles")
    if class_id is not None:
        school_id = await schools.school_of_class(services.db, class_id)
    if school_id is None or await schools.get_school(services.db, school_id) is None:
        raise AccessDenied
    county_invites_admin = role is Role.ADMIN and may_do(actor, Access.MANAGE_SCHOOLS)
    if not (school_id in invitation_schools(actor) or county_invites_admin):
        raise AccessDenied
    return await _new_code(
        services, actor, services.now(), kind="staff", role=role.value, class_id=class_id,
        school_id=None if class_id is not None else school_id,
    )  # fmt: skip


async def children_to_invite(services: Services, actor: Actor, *, limit: int) -> list[Child]:
    """The picker of a parent invitation: the children of the classes the actor heads, those whose family has
    neither joined nor an open invitation first (a head teacher inviting a class sees who is left)."""
    scope = scope_for(actor, Access.INVITE_FROM_CLASS)
    if scope.empty:
        return []
    found = await children.listed(services.db, "", scope, limit=CLASS_LIMIT)
    reached = await invitations.families_reached(services.db, [c.id for c in found], services.now())
    found.sort(key=lambda c: c.id in reached)  # stable: class and name order within each group
    return found[:limit]


async def invite_guardian(services: Services, actor: Actor, child_id: int, relationship: str) -> str:
    """A head teacher invites a parent or guardian for one child of their class."""
    await child_for_invitation(services, actor, child_id)
    now = services.now()
    async with services.db.transaction():
        code = await _new_code(services, actor, now, kind="guardian", child_id=child_id, relationship=relationship)
        await audit.record(services.db, at=now, actor_id=actor.user_id, action="invite_guardian", child_id=child_id)
    return code


async def redeem(services: Services, user_id: int, full_name: str, code: str) -> Redeemed:
    """Uses a code: stores the person, grants the staff role or binds the guardian, exactly once, in one
    transaction."""
    invitation = await invitations.get(services.db, code)
    if invitation is None:
        raise RedeemError(RedeemProblem.UNKNOWN)
    if invitation.used_by is not None:
        raise RedeemError(RedeemProblem.USED)
    now = services.now()
    if from_db(invitation.expires_at) <= now:
        raise RedeemError(RedeemProblem.EXPIRED)
    db = services.db
    async with db.transaction():
        await people.ensure_user(db, user_id, full_name, now)
        if not await invitations.mark_used(db, code, user_id, now):
            raise RedeemError(RedeemProblem.USED)
        if invitation.kind == "staff":
            role = Role(str(invitation.role))
            changed = await people.grant_role(
                db,
                user_id=user_id,
                role=role,
                class_id=invitation.class_id,
                school_id=invitation.school_id,
                granted_by=invitation.created_by,
                now=now,
            )
            if not changed:
                raise RedeemError(RedeemProblem.ALREADY)
            school_class = await people.get_class(db, invitation.class_id) if invitation.class_id else None
            return Redeemed("staff", role, school_class, None, None, invitation.created_by)
        assert invitation.child_id is not None and invitation.relationship is not None
        if not await people.bind_guardian(
            db, user_id=user_id, child_id=invitation.child_id, relationship=invitation.relationship, now=now
        ):
            # The code stays unused (the transaction rolls back): the other parent can still use it.
            raise RedeemError(RedeemProblem.ALREADY_BOUND, await children.get_child(db, invitation.child_id))
        await audit.record(db, at=now, actor_id=user_id, action="bind_guardian", child_id=invitation.child_id)
    child = await children.get_child(db, invitation.child_id)
    return Redeemed("guardian", None, None, child, invitation.relationship, invitation.created_by)
