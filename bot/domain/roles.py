"""The access policy: who may see or do what, for one child, for a list, for a field and for a command.

One table (`POLICY`) says, for each action, which roles hold it and how far it reaches: the whole school, the
classes the role holds, or the children the role names. Everything else is read from it: `may` (one child),
`may_do` (the action at all), `scope_for` (which children a list, search, export, figure or audience may hold),
`visible_fields` (what of a card a reader sees) and the commands in each person's menu. A new kind of reader (a
county office, an outside partner with one child) is a new role and new rows, not a new code path.

A deployment serves one county: many schools. A school-wide grant reaches the schools the role is held for, never
another school; only the county office's grants reach every school, and they are for figures, not names (one child
at a time, with a stated reason, through DRILL_DOWN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from bot.domain.archive import FAMILY_FIELDS, FIELDS_BY_NAME
from bot.domain.child_scope import ChildFilter as ChildFilter
from bot.domain.child_scope import ChildScope as ChildScope


class Role(StrEnum):
    ADMIN = "admin"
    HEAD_TEACHER = "head_teacher"
    SUBJECT_TEACHER = "subject_teacher"
    COUNSELLOR = "counsellor"
    MENTOR = "mentor"  # derived from an active pairing, never granted directly
    PARENT = "parent"  # derived from an active guardian binding, never granted directly
    COUNTY = "county"  # the county office (县教育局 / 民政): every school's figures, names only by drill-down
    KEEPER = "keeper"  # looks after the installation (its backups, its health): the county office, else the admins
    PARTNER = "partner"  # derived from an open referral that invited them: one child, the fields it shares


STAFF_ROLES = (Role.ADMIN, Role.HEAD_TEACHER, Role.SUBJECT_TEACHER, Role.COUNSELLOR)
CLASS_ROLES = (Role.HEAD_TEACHER, Role.SUBJECT_TEACHER)


class Access(StrEnum):
    """What an actor may do: with one child's record, or (for the capabilities below) at all."""

    VIEW_CARD = "view_card"
    EDIT_CARD = "edit_card"  # also: buddies, boarding requests, enrolment, family-call plans, parent notes
    LOG_CARE = "log_care"  # check-ins, visits, follow-ups, the timeline
    INVITE_GUARDIAN = "invite_guardian"
    REPORT_CONCERN = "report_concern"
    SET_RISK = "set_risk"
    COUNSEL = "counsel"  # counselling records: counsellors only (not admins, not the head teacher)
    CONSENT_PAPER = "consent_paper"  # note a guardian's consent given on paper
    CONSENT_GIVE = "consent_give"  # give consent in the bot, see /mydata, ask to correct or erase
    ERASE = "erase"  # after a confirmation step
    VIEW_AUDIT = "view_audit"
    SCHOOL_VIEW = "school_view"  # read a card as the school does: who is bound, what is missing, risk, consent
    # Capabilities: whether the actor may do this at all (their reach, where it matters, bounds the list).
    REGISTER = "register"  # register a child into a class
    BROWSE_OWN = "browse_own"  # list one's children without typing a name (a family has few)
    PAIR = "pair"  # pair a mentor with a child
    DECIDE_BOARDING = "decide_boarding"
    INVITE_STAFF = "invite_staff"
    INVITE_FROM_CLASS = "invite_from_class"  # /invite a guardian, picking the child from one's own class
    REPORTS = "reports"  # figures, exports and imports
    MANAGE_CONCERNS = "manage_concerns"  # see every concern, acknowledge, close any
    READ_MAILBOX = "read_mailbox"  # the anonymous mailbox's letters
    CONTACT_OVERVIEW = "contact_overview"  # who has not been in touch with their family
    FAMILY_MESSAGES = "family_messages"  # write to the school; choose how the weekly message comes
    ANSWER_FAMILY = "answer_family"  # answer a parent's message about their child
    BACKUP = "backup"
    HEALTH = "health"  # how the installation is doing: /health, and its alerts
    MANAGE_SCHOOLS = "manage_schools"  # add schools, invite each school's first admin
    COUNTY_REPORTS = "county_reports"  # every school's figures side by side, small counts suppressed
    DRILL_DOWN = "drill_down"  # one child's card, for a stated reason, audited
    TRANSFER_OUT = "transfer_out"  # propose moving a child to another school of the county (学籍转移)
    TRANSFER_IN = "transfer_in"  # accept a child moving into one's class
    MARK_ABSENCE = "mark_absence"  # mark the day's absentees of a class
    RETURN_CASES = "return_cases"  # the suspected-dropout ledger, attempts to bring a child back, the monthly report
    SCHOOL_SETTINGS = "school_settings"  # the school's weekly update day and time, its quiet hours
    GUARDIAN_DESIGNATION = "guardian_designation"  # name or confirm the entrusted carer (委托照护) in writing
    SEND_NOTICE = "send_notice"  # a notice to families: the reach is the audience one may choose
    RECORD_ACTIVITY = "record_activity"  # a care activity and the children who took part (关爱活动)
    VOICE_LETTER = "voice_letter"  # record a child's voice letter (亲情语音信) for the parents; hear their answers
    # Surveys and research data.
    SEND_SURVEY = "send_survey"  # a questionnaire to head teachers or families: the reach is the audience
    CONFIRM_SURVEY_CHANGE = "confirm_survey_change"  # confirm the card change a re-screening answer proposes
    RESEARCH_EXPORT = "research_export"  # a de-identified dataset for a stated research topic
    # The support network: help plans for a child at high risk, referrals to partners outside the school.
    MY_CHILDREN = "my_children"  # the list of one's children (/mychildren): every card reader but a partner
    HELP_PLAN = "help_plan"  # open a help plan, ask to close it; read the plans of one's school
    APPROVE_PLAN = "approve_plan"  # the leadership approves closing a plan
    REFER = "refer"  # refer a child to a partner, invite its person, follow the referral's status


class Reach(StrEnum):
    """How far a grant goes."""

    COUNTY = "county"  # every child of every school of the deployment
    SCHOOL = "school"  # every child of the schools the role is held for
    CLASSES = "classes"  # the children of the classes the role is held for
    CHILDREN = "children"  # the children the role names (a mentor's mentees, a parent's children)


@dataclass(frozen=True)
class Grant:
    role: Role
    reach: Reach


_COUNTY = Grant(Role.COUNTY, Reach.COUNTY)
_KEEPER = Grant(Role.KEEPER, Reach.COUNTY)
_ADMIN = Grant(Role.ADMIN, Reach.SCHOOL)
_COUNSELLOR = Grant(Role.COUNSELLOR, Reach.SCHOOL)
_HEAD = Grant(Role.HEAD_TEACHER, Reach.CLASSES)
_SUBJECT = Grant(Role.SUBJECT_TEACHER, Reach.CLASSES)
_MENTOR = Grant(Role.MENTOR, Reach.CHILDREN)
_PARENT = Grant(Role.PARENT, Reach.CHILDREN)
_PARTNER = Grant(Role.PARTNER, Reach.CHILDREN)

# The one table of roles × actions. Anything not granted here is refused.
POLICY: dict[Access, tuple[Grant, ...]] = {
    Access.VIEW_CARD: (_ADMIN, _HEAD, _SUBJECT, _MENTOR, _PARENT, _PARTNER),
    Access.EDIT_CARD: (_ADMIN, _HEAD),
    Access.LOG_CARE: (_ADMIN, _HEAD, _SUBJECT, _MENTOR),
    Access.INVITE_GUARDIAN: (_ADMIN, _HEAD),
    Access.REPORT_CONCERN: (_ADMIN, _COUNSELLOR, _HEAD, _SUBJECT, _MENTOR),
    Access.SET_RISK: (_ADMIN, _HEAD),
    Access.COUNSEL: (_COUNSELLOR,),
    Access.CONSENT_PAPER: (_ADMIN, _HEAD),
    Access.CONSENT_GIVE: (_PARENT,),
    Access.ERASE: (_ADMIN,),
    Access.VIEW_AUDIT: (_ADMIN,),
    Access.SCHOOL_VIEW: (_ADMIN, _COUNSELLOR, _HEAD, _SUBJECT, _MENTOR),
    Access.REGISTER: (_ADMIN, _HEAD),
    Access.BROWSE_OWN: (_PARENT,),
    Access.PAIR: (_ADMIN,),
    Access.DECIDE_BOARDING: (_ADMIN,),
    Access.INVITE_STAFF: (_ADMIN,),
    Access.INVITE_FROM_CLASS: (_HEAD,),
    Access.REPORTS: (_ADMIN, _HEAD),
    Access.MANAGE_CONCERNS: (_ADMIN,),
    Access.READ_MAILBOX: (_COUNSELLOR,),
    Access.CONTACT_OVERVIEW: (_ADMIN, _HEAD, _SUBJECT, _MENTOR),
    Access.FAMILY_MESSAGES: (_PARENT,),
    Access.ANSWER_FAMILY: (_ADMIN, _HEAD),
    Access.BACKUP: (_KEEPER,),  # a copy of the whole database: every school's children
    Access.HEALTH: (_KEEPER,),
    Access.MANAGE_SCHOOLS: (_COUNTY,),
    Access.COUNTY_REPORTS: (_COUNTY,),
    Access.DRILL_DOWN: (_COUNTY,),
    Access.TRANSFER_OUT: (_ADMIN, _HEAD),
    Access.TRANSFER_IN: (_ADMIN, _HEAD),
    Access.MARK_ABSENCE: (_ADMIN, _HEAD),
    Access.RETURN_CASES: (_ADMIN, _HEAD),
    Access.SCHOOL_SETTINGS: (_ADMIN,),
    Access.GUARDIAN_DESIGNATION: (_PARENT,),
    Access.SEND_NOTICE: (_ADMIN, _HEAD),
    Access.RECORD_ACTIVITY: (_ADMIN, _HEAD),
    Access.VOICE_LETTER: (_ADMIN, _HEAD, _MENTOR),
    # Surveys and research data.
    Access.SEND_SURVEY: (_ADMIN, _HEAD),
    Access.CONFIRM_SURVEY_CHANGE: (_ADMIN, _HEAD),
    Access.RESEARCH_EXPORT: (_ADMIN,),
    Access.MY_CHILDREN: (_ADMIN, _HEAD, _SUBJECT, _MENTOR, _PARENT),
    Access.HELP_PLAN: (_ADMIN, _HEAD, _COUNSELLOR),
    Access.APPROVE_PLAN: (_ADMIN,),
    Access.REFER: (_ADMIN, _HEAD, _COUNSELLOR),
}

# What of a card each role reads. The school reads every field; a family the fields the archive declares
# family-visible. A reader holding two roles for the child reads what either shows.
CARD_FIELDS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(FIELDS_BY_NAME),
    Role.HEAD_TEACHER: frozenset(FIELDS_BY_NAME),
    Role.SUBJECT_TEACHER: frozenset(FIELDS_BY_NAME),
    Role.COUNSELLOR: frozenset(FIELDS_BY_NAME),
    Role.MENTOR: frozenset(FIELDS_BY_NAME),
    Role.PARENT: FAMILY_FIELDS,
    Role.COUNTY: frozenset(FIELDS_BY_NAME),  # read only through DRILL_DOWN, one child, with a reason
}
# Roles whose card fields come from the grant itself, child by child: a partner reads what the referral shares.
FIELDS_FROM_GRANT = frozenset({Role.PARTNER})


@dataclass(frozen=True)
class Actor:
    """A person using the bot, with everything needed to decide what they may do."""

    user_id: int
    language: str | None = None
    admin_schools: frozenset[int] = field(default_factory=frozenset)
    counsellor_schools: frozenset[int] = field(default_factory=frozenset)
    county: bool = False
    keeper: bool = False  # derived: the county office, or an admin where there is none
    head_classes: frozenset[int] = field(default_factory=frozenset)
    subject_classes: frozenset[int] = field(default_factory=frozenset)
    mentee_ids: frozenset[int] = field(default_factory=frozenset)
    guarded_ids: frozenset[int] = field(default_factory=frozenset)
    # The schools the actor works in as staff (any staff role): where their invitations, lists and menus apply.
    staff_schools: frozenset[int] = field(default_factory=frozenset)
    # (child id, card field) for each field an open referral shares with this partner person.
    partner_shares: frozenset[tuple[int, str]] = field(default_factory=frozenset)

    @property
    def referred_ids(self) -> frozenset[int]:
        """The children open referrals name this actor the partner person for."""
        return frozenset(child_id for child_id, _ in self.partner_shares)

    def shared_fields(self, child_id: int) -> frozenset[str]:
        """The card fields the open referrals of this child share with this actor."""
        return frozenset(name for shared, name in self.partner_shares if shared == child_id)

    @cached_property  # read by every check of the policy; an Actor never changes
    def roles(self) -> frozenset[Role]:
        held = {role for role, held_for in _HELD_FOR.items() if held_for(self)}
        if self.county:
            held.add(Role.COUNTY)
        if self.keeper:
            held.add(Role.KEEPER)
        return frozenset(held)

    @property
    def is_staff(self) -> bool:
        return bool(
            self.admin_schools
            or self.counsellor_schools
            or self.head_classes
            or self.subject_classes
            or self.mentee_ids
        )

    @property
    def visible_class_ids(self) -> frozenset[int]:
        return self.head_classes | self.subject_classes

    def held_for(self, role: Role) -> frozenset[int]:
        """What the actor holds `role` for, in the role's reach: schools, classes or children (empty: not held)."""
        held_for = _HELD_FOR.get(role)
        return held_for(self) if held_for else frozenset()


# What an actor holds each role for, in the one reach its grants have: the schools of a school-wide role, the
# classes of a class role, the children of a named-children role. The county office and the keeper reach every
# school and hold their roles for no ids.
_HELD_FOR: dict[Role, Callable[[Actor], frozenset[int]]] = {
    Role.ADMIN: lambda actor: actor.admin_schools,
    Role.COUNSELLOR: lambda actor: actor.counsellor_schools,
    Role.HEAD_TEACHER: lambda actor: actor.head_classes,
    Role.SUBJECT_TEACHER: lambda actor: actor.subject_classes,
    Role.MENTOR: lambda actor: actor.mentee_ids,
    Role.PARENT: lambda actor: actor.guarded_ids,
    Role.PARTNER: lambda actor: actor.referred_ids,
}


def _held(actor: Actor, access: Access) -> Iterable[Grant]:
    roles = actor.roles
    return (grant for grant in POLICY.get(access, ()) if grant.role in roles)


def _covers(actor: Actor, grant: Grant, child: ChildScope) -> bool:
    if grant.reach is Reach.COUNTY:
        return True
    if grant.reach is Reach.SCHOOL:
        return child.school_id in actor.held_for(grant.role)
    if grant.reach is Reach.CLASSES:
        return child.class_id in actor.held_for(grant.role)
    return child.child_id in actor.held_for(grant.role)


def may(actor: Actor, access: Access, child: ChildScope) -> bool:
    """The one rule for access to a child's record; every service checks through here."""
    return any(_covers(actor, grant, child) for grant in _held(actor, access))


def may_do(actor: Actor, access: Access) -> bool:
    """Whether the actor may do `access` at all (for some child, or for a capability without one)."""
    return any(True for _ in _held(actor, access))


def via(actor: Actor, access: Access, child: ChildScope) -> frozenset[Role]:
    """The roles through which the actor holds `access` to this child (empty: refused)."""
    return frozenset(grant.role for grant in _held(actor, access) if _covers(actor, grant, child))


def scope_for(actor: Actor, access: Access) -> ChildFilter:
    """The children a list for `access` may hold: the same grants as `may`, as a filter for a query."""
    everyone = False
    school_ids: set[int] = set()
    class_ids: set[int] = set()
    child_ids: set[int] = set()
    for grant in _held(actor, access):
        if grant.reach is Reach.COUNTY:
            everyone = True
        elif grant.reach is Reach.SCHOOL:
            school_ids |= actor.held_for(grant.role)
        elif grant.reach is Reach.CLASSES:
            class_ids |= actor.held_for(grant.role)
        else:
            child_ids |= actor.held_for(grant.role)
    if everyone:
        return ChildFilter(everyone=True)
    return ChildFilter(school_ids=frozenset(school_ids), class_ids=frozenset(class_ids), child_ids=frozenset(child_ids))


def reaches_every_child(actor: Actor, access: Access) -> bool:
    """Whether `access` reaches every child of a whole school (or every school) for this actor: such a reader sees
    every list of their school, and may be told that an id names no record."""
    scope = scope_for(actor, access)
    return scope.everyone or bool(scope.school_ids)


def home_classes(actor: Actor) -> frozenset[int]:
    """The classes a teacher picks from first: the class they head, else the classes they teach."""
    return actor.head_classes or actor.subject_classes


def visible_fields(actor: Actor, child: ChildScope, access: Access = Access.VIEW_CARD) -> frozenset[str]:
    """The card fields this reader sees of this child: what the roles through which they see it show."""
    shown: frozenset[str] = frozenset()
    for role in via(actor, access, child):
        if role in FIELDS_FROM_GRANT:
            shown |= actor.shared_fields(child.child_id)
        else:
            shown |= CARD_FIELDS.get(role, frozenset())
    return shown


def tie(actor: Actor, child: ChildScope) -> str:
    """How the actor knows a child they see, to group a list: "class" (through the school or a class),
    "mentees" (a child named to them as staff) or "guarded" (their family's)."""
    grants = [grant for grant in _held(actor, Access.VIEW_CARD) if _covers(actor, grant, child)]
    if any(grant.reach is not Reach.CHILDREN for grant in grants):
        return "class"
    return "mentees" if may(actor, Access.SCHOOL_VIEW, child) else "guarded"


# The order in which /help names a person's roles.
ROLE_ORDER = (
    Role.COUNTY,
    Role.ADMIN,
    Role.HEAD_TEACHER,
    Role.SUBJECT_TEACHER,
    Role.COUNSELLOR,
    Role.MENTOR,
    Role.PARENT,
    Role.PARTNER,
)


def roles_held(actor: Actor) -> list[Role]:
    """The roles the actor holds, in the order /help names them."""
    return [role for role in ROLE_ORDER if role in actor.roles]


def has_any_role(actor: Actor) -> bool:
    """Whether the bot knows this person as anyone (staff, mentor or family)."""
    return bool(actor.roles)


def family_only(actor: Actor) -> bool:
    """Someone the bot knows only as family, never as staff: they read the family's words in menus."""
    return may_do(actor, Access.CONSENT_GIVE) and not may_do(actor, Access.SCHOOL_VIEW)


# Commands in the menu, in order, with the actions that open them (any one suffices); no action: for everyone.
COMMAND_ACCESS: tuple[tuple[str, tuple[Access, ...]], ...] = (
    ("start", ()),
    ("help", ()),
    ("register", (Access.REGISTER,)),
    ("child", (Access.VIEW_CARD,)),
    ("mychildren", (Access.MY_CHILDREN,)),
    ("checkin", (Access.LOG_CARE,)),
    ("visit", (Access.LOG_CARE,)),
    ("followups", (Access.LOG_CARE,)),
    ("pair", (Access.PAIR,)),
    ("buddy", (Access.EDIT_CARD,)),
    ("boarding", (Access.EDIT_CARD,)),
    ("invite", (Access.INVITE_STAFF, Access.INVITE_FROM_CLASS)),
    ("stats", (Access.REPORTS, Access.COUNTY_REPORTS)),
    ("export", (Access.REPORTS, Access.COUNTY_REPORTS)),
    ("import", (Access.REPORTS,)),
    ("concern", (Access.REPORT_CONCERN,)),
    ("concerns", (Access.REPORT_CONCERN,)),
    ("counsel", (Access.COUNSEL,)),
    ("mailbox", ()),  # anyone, anonymously; counsellors see the open tickets
    ("mydata", (Access.CONSENT_GIVE,)),
    ("audit", (Access.VIEW_AUDIT,)),
    ("erase", (Access.ERASE,)),
    ("backup", (Access.BACKUP,)),
    ("health", (Access.HEALTH,)),
    ("schools", (Access.MANAGE_SCHOOLS,)),
    ("school", (Access.SCHOOL_SETTINGS,)),
    ("lookup", (Access.DRILL_DOWN,)),
    ("transfer", (Access.TRANSFER_OUT, Access.TRANSFER_IN)),
    ("absent", (Access.MARK_ABSENCE,)),
    ("dropouts", (Access.RETURN_CASES,)),
    ("monthly", (Access.RETURN_CASES,)),
    ("roster", (Access.REPORTS,)),
    ("callplan", (Access.EDIT_CARD,)),
    ("contact", (Access.CONTACT_OVERVIEW, Access.FAMILY_MESSAGES)),
    ("settings", (Access.FAMILY_MESSAGES,)),
    ("parentnote", (Access.EDIT_CARD,)),
    ("guardian", (Access.GUARDIAN_DESIGNATION,)),
    ("notice", (Access.SEND_NOTICE,)),
    ("activity", (Access.RECORD_ACTIVITY,)),
    ("survey", (Access.SEND_SURVEY,)),
    ("research", (Access.RESEARCH_EXPORT,)),
    ("plan", (Access.HELP_PLAN,)),
    ("refer", (Access.REFER,)),
    ("language", ()),
    ("cancel", ()),
)


def roles_granted(accesses: Iterable[Access]) -> frozenset[Role]:
    return frozenset(grant.role for access in accesses for grant in POLICY.get(access, ()))


# The same list as roles: which roles see each command in the menu and /help (None: everyone).
COMMANDS: tuple[tuple[str, frozenset[Role] | None], ...] = tuple(
    (name, roles_granted(accesses) if accesses else None) for name, accesses in COMMAND_ACCESS
)


def partner_only(actor: Actor) -> bool:
    """Someone the bot knows only as the partner person of open referrals."""
    return actor.roles == {Role.PARTNER}


# Commands an audience that is not staff reads in its own words (`cmd.<name>.<audience>`), the first that fits:
# the default words are staff wording ("the children in my care", "find a child's card"). A parent finds their
# own child; a partner person reads what a referral shares. Someone who is also staff keeps the staff words.
OWN_WORDS: tuple[tuple[str, Callable[[Actor], bool], frozenset[str]], ...] = (
    ("parent", family_only, frozenset({"child", "mychildren", "contact"})),
    ("partner", partner_only, frozenset({"child"})),
)


def command_description_key(actor: Actor, name: str) -> str:
    """The catalogue key of a command's description in this actor's /help and menu."""
    for audience, belongs, names in OWN_WORDS:
        if name in names and belongs(actor):
            return f"cmd.{name}.{audience}"
    return f"cmd.{name}"


def commands_for(actor: Actor) -> list[str]:
    """The command names this actor may use, in menu order."""
    return [name for name, accesses in COMMAND_ACCESS if not accesses or any(may_do(actor, a) for a in accesses)]


def may_use(actor: Actor, command: str) -> bool:
    return command in commands_for(actor)
