"""Roles, what each may do, and who may see which child (least privilege)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    HEAD_TEACHER = "head_teacher"
    SUBJECT_TEACHER = "subject_teacher"
    COUNSELLOR = "counsellor"
    MENTOR = "mentor"  # derived from an active pairing, never granted directly
    PARENT = "parent"  # derived from an active guardian binding, never granted directly


STAFF_ROLES = (Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.COUNSELLOR)
CLASS_ROLES = (Role.HEAD_TEACHER, Role.SUBJECT_TEACHER)


class Access(StrEnum):
    """What an actor may do with one child's record."""

    VIEW_CARD = "view_card"
    EDIT_CARD = "edit_card"
    LOG_CARE = "log_care"  # check-ins, visits
    INVITE_GUARDIAN = "invite_guardian"
    # Safety and trust (issue 6).
    REPORT_CONCERN = "report_concern"  # any staff member who may log care for the child; admins, counsellors
    SET_RISK = "set_risk"  # head teacher of the class, admins
    COUNSEL = "counsel"  # counselling records: counsellors only (not admins, not the head teacher)
    CONSENT_PAPER = "consent_paper"  # note a guardian's consent given on paper: head teacher, admins
    CONSENT_GIVE = "consent_give"  # give consent in the bot, see /mydata, ask to correct or erase: bound guardian
    ERASE = "erase"  # admins only, after a confirmation step
    VIEW_AUDIT = "view_audit"  # admins only


@dataclass(frozen=True)
class ChildScope:
    """The facts about a child that decide who may see it."""

    child_id: int
    class_id: int


@dataclass(frozen=True)
class Actor:
    """A person using the bot, with everything needed to decide what they may do."""

    user_id: int
    language: str | None = None
    admin: bool = False
    counsellor: bool = False
    head_classes: frozenset[int] = field(default_factory=frozenset)
    subject_classes: frozenset[int] = field(default_factory=frozenset)
    mentee_ids: frozenset[int] = field(default_factory=frozenset)
    guarded_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def roles(self) -> frozenset[Role]:
        held = set()
        if self.admin:
            held.add(Role.ADMIN)
        if self.counsellor:
            held.add(Role.COUNSELLOR)
        if self.head_classes:
            held.add(Role.HEAD_TEACHER)
        if self.subject_classes:
            held.add(Role.SUBJECT_TEACHER)
        if self.mentee_ids:
            held.add(Role.MENTOR)
        if self.guarded_ids:
            held.add(Role.PARENT)
        return frozenset(held)

    @property
    def is_staff(self) -> bool:
        return bool(self.admin or self.counsellor or self.head_classes or self.subject_classes or self.mentee_ids)

    @property
    def visible_class_ids(self) -> frozenset[int]:
        return self.head_classes | self.subject_classes


def may(actor: Actor, access: Access, child: ChildScope) -> bool:
    """The one rule for access to a child's record; every service checks through here."""
    if access is Access.VIEW_CARD:
        return (
            actor.admin
            or child.class_id in actor.visible_class_ids
            or child.child_id in actor.mentee_ids
            or child.child_id in actor.guarded_ids
        )
    if access in (Access.EDIT_CARD, Access.INVITE_GUARDIAN):
        return actor.admin or child.class_id in actor.head_classes
    if access is Access.LOG_CARE:
        return actor.admin or child.class_id in actor.visible_class_ids or child.child_id in actor.mentee_ids
    return _may_safety(actor, access, child)


def _may_safety(actor: Actor, access: Access, child: ChildScope) -> bool:
    """Safety and trust rules; anything not named here is refused."""
    if access is Access.REPORT_CONCERN:
        return (
            actor.admin
            or actor.counsellor
            or child.class_id in actor.visible_class_ids
            or child.child_id in actor.mentee_ids
        )
    if access in (Access.SET_RISK, Access.CONSENT_PAPER):
        return actor.admin or child.class_id in actor.head_classes
    if access is Access.COUNSEL:
        return actor.counsellor
    if access is Access.CONSENT_GIVE:
        return child.child_id in actor.guarded_ids
    if access in (Access.ERASE, Access.VIEW_AUDIT):
        return actor.admin
    return False


# Commands in the menu, in order, with the roles that may use them. /start, /help and /cancel are for all.
COMMANDS: tuple[tuple[str, frozenset[Role] | None], ...] = (
    ("start", None),
    ("help", None),
    ("register", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("child", frozenset({Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.MENTOR, Role.PARENT})),
    ("mychildren", frozenset({Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.MENTOR, Role.PARENT})),
    ("checkin", frozenset({Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.MENTOR})),
    ("visit", frozenset({Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.MENTOR})),
    ("followups", frozenset({Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.MENTOR})),
    ("pair", frozenset({Role.ADMIN})),
    ("buddy", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("boarding", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("invite", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("stats", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("export", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("import", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("concern", frozenset({Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.COUNSELLOR, Role.MENTOR})),
    ("counsel", frozenset({Role.COUNSELLOR})),
    ("mailbox", None),  # anyone, anonymously; counsellors see the open tickets
    ("mydata", frozenset({Role.PARENT})),
    ("audit", frozenset({Role.ADMIN})),
    ("erase", frozenset({Role.ADMIN})),
    ("backup", frozenset({Role.ADMIN})),
    ("callplan", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("contact", frozenset({Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.MENTOR, Role.PARENT})),
    ("settings", frozenset({Role.PARENT})),
    ("parentnote", frozenset({Role.ADMIN, Role.HEAD_TEACHER})),
    ("language", None),
    ("cancel", None),
)


# Commands a parent reads in their own words (`cmd.<name>.parent`): the default words are staff wording
# ("the children in my care"). Someone who is also staff keeps the staff words.
PARENT_WORDED = frozenset({"child", "mychildren", "contact"})


def command_description_key(actor: Actor, name: str) -> str:
    """The catalogue key of a command's description in this actor's /help and menu."""
    if name in PARENT_WORDED and actor.guarded_ids and not actor.is_staff:
        return f"cmd.{name}.parent"
    return f"cmd.{name}"


def commands_for(actor: Actor) -> list[str]:
    """The command names this actor may use, in menu order."""
    held = actor.roles
    return [name for name, roles in COMMANDS if roles is None or roles & held]


def may_use(actor: Actor, command: str) -> bool:
    return command in commands_for(actor)
