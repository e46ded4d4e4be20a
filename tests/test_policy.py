"""The access policy, role × action × child: first its answers against a table written out by hand, then what the
running bot shows each person (a card and its edit button, a school-only field, the care, concern, counselling,
audit, export and figures commands, /mychildren, /help) against what the policy says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.archive import FAMILY_FIELDS, FIELDS_BY_NAME
from bot.domain.roles import (
    COMMAND_ACCESS,
    POLICY,
    Access,
    Actor,
    ChildScope,
    Reach,
    Role,
    commands_for,
    may,
    may_do,
    scope_for,
    visible_fields,
)
from bot.storage import people
from bot.storage import schools as schools_store
from bot.texts import Texts
from tests.harness import Harness, TestUser
from tests.helpers import invite_parent, make_head_teacher
from tests.test_safety_school import ADMIN_IDS, HEAD_ID, OTHER_HEAD_ID, PARENT_ID, School, build_school, quick_child
from tests.test_stats import figure

# --- the table, by hand --------------------------------------------------------------------------------------

# School 1: class 1 holds child 1 (the cast's own child) and child 2; child 3 is in class 2. School 2: child 4 in
# class 3.
OWN, SAME_CLASS, OTHER_CLASS = ChildScope(1, 1, 1), ChildScope(2, 1, 1), ChildScope(3, 2, 1)
OTHER_SCHOOL = ChildScope(4, 3, 2)
CAST = {
    # Where there is no county office, a school's admins look after the installation (its backups, its health).
    "admin": Actor(1, admin_schools=frozenset({1}), keeper=True),
    "head": Actor(2, head_classes=frozenset({1})),
    "head_other_class": Actor(3, head_classes=frozenset({2})),
    "subject": Actor(4, subject_classes=frozenset({1})),
    "counsellor": Actor(5, counsellor_schools=frozenset({1})),
    "mentor": Actor(6, mentee_ids=frozenset({1})),
    "mentor_other_child": Actor(7, mentee_ids=frozenset({2})),
    "parent": Actor(8, guarded_ids=frozenset({1})),
    "parent_other_child": Actor(9, guarded_ids=frozenset({2})),
    "stranger": Actor(10),
    "admin_other_school": Actor(12, admin_schools=frozenset({2})),
    "counsellor_other_school": Actor(13, counsellor_schools=frozenset({2})),
    "county": Actor(14, county=True, keeper=True),
    # A partner person invited by an open referral of child 1 that shares the name and the guardian's phone; one
    # invited for child 2; and one whose referral closed (declined or done: the actor then holds no share).
    "partner": Actor(15, partner_shares=frozenset({(1, "name"), (1, "guardian_phone")})),
    "partner_other_child": Actor(16, partner_shares=frozenset({(2, "name")})),
    "partner_closed": Actor(17),
}
OTHER_SCHOOL_CAST = {"admin_other_school": "admin", "counsellor_other_school": "counsellor"}
SCHOOL_STAFF = {"admin", "head", "head_other_class", "subject", "counsellor", "mentor", "mentor_other_child"}

# Who may do each action with child 1 (class 1). The rest of the cast is refused.
ON_OWN: dict[Access, set[str]] = {
    Access.VIEW_CARD: {"admin", "head", "subject", "mentor", "parent", "partner"},
    Access.EDIT_CARD: {"admin", "head"},
    Access.LOG_CARE: {"admin", "head", "subject", "mentor"},
    Access.INVITE_GUARDIAN: {"admin", "head"},
    Access.REPORT_CONCERN: {"admin", "counsellor", "head", "subject", "mentor"},
    Access.SET_RISK: {"admin", "head"},
    Access.COUNSEL: {"counsellor"},
    Access.CONSENT_PAPER: {"admin", "head"},
    Access.CONSENT_GIVE: {"parent"},
    Access.ERASE: {"admin"},
    Access.VIEW_AUDIT: {"admin"},
    Access.SCHOOL_VIEW: {"admin", "counsellor", "head", "subject", "mentor"},
    Access.ANSWER_FAMILY: {"admin", "head"},
    Access.DRILL_DOWN: {"county"},
    Access.TRANSFER_OUT: {"admin", "head"},
    Access.TRANSFER_IN: {"admin", "head"},
    Access.SCHOOL_SETTINGS: {"admin"},
    Access.GUARDIAN_DESIGNATION: {"parent"},
    Access.SEND_NOTICE: {"admin", "head"},
    Access.VOICE_LETTER: {"admin", "head", "mentor"},
    # Surveys and research data.
    Access.SEND_SURVEY: {"admin", "head"},
    Access.CONFIRM_SURVEY_CHANGE: {"admin", "head"},
    Access.RESEARCH_EXPORT: {"admin"},
    Access.BACKUP: {"admin", "county"},
    Access.HEALTH: {"admin", "county"},
    Access.MARK_ABSENCE: {"admin", "head"},
    Access.RETURN_CASES: {"admin", "head"},
    Access.RECORD_ACTIVITY: {"admin", "head"},
    Access.MY_CHILDREN: {"admin", "head", "subject", "mentor", "parent"},
    Access.HELP_PLAN: {"admin", "head", "counsellor"},
    Access.APPROVE_PLAN: {"admin"},
    Access.REFER: {"admin", "head", "counsellor"},
}
# Who may do each action at all.
AT_ALL: dict[Access, set[str]] = {
    Access.VIEW_CARD: SCHOOL_STAFF - {"counsellor"}
    | {"parent", "parent_other_child", "partner", "partner_other_child"},
    Access.EDIT_CARD: {"admin", "head", "head_other_class"},
    Access.LOG_CARE: SCHOOL_STAFF - {"counsellor"},
    Access.INVITE_GUARDIAN: {"admin", "head", "head_other_class"},
    Access.REPORT_CONCERN: SCHOOL_STAFF,
    Access.SET_RISK: {"admin", "head", "head_other_class"},
    Access.COUNSEL: {"counsellor"},
    Access.CONSENT_PAPER: {"admin", "head", "head_other_class"},
    Access.CONSENT_GIVE: {"parent", "parent_other_child"},
    Access.ERASE: {"admin"},
    Access.VIEW_AUDIT: {"admin"},
    Access.SCHOOL_VIEW: SCHOOL_STAFF,
    Access.REGISTER: {"admin", "head", "head_other_class"},
    Access.BROWSE_OWN: {"parent", "parent_other_child"},
    Access.PAIR: {"admin"},
    Access.DECIDE_BOARDING: {"admin"},
    Access.INVITE_STAFF: {"admin"},
    Access.INVITE_FROM_CLASS: {"head", "head_other_class"},
    Access.REPORTS: {"admin", "head", "head_other_class"},
    Access.MANAGE_CONCERNS: {"admin"},
    Access.READ_MAILBOX: {"counsellor"},
    Access.CONTACT_OVERVIEW: SCHOOL_STAFF - {"counsellor"},
    Access.FAMILY_MESSAGES: {"parent", "parent_other_child"},
    Access.ANSWER_FAMILY: {"admin", "head", "head_other_class"},
    Access.BACKUP: {"admin", "county"},
    Access.HEALTH: {"admin", "county"},
    Access.MANAGE_SCHOOLS: {"county"},
    Access.COUNTY_REPORTS: {"county"},
    Access.DRILL_DOWN: {"county"},
    Access.TRANSFER_OUT: {"admin", "head", "head_other_class"},
    Access.TRANSFER_IN: {"admin", "head", "head_other_class"},
    Access.MARK_ABSENCE: {"admin", "head", "head_other_class"},
    Access.RETURN_CASES: {"admin", "head", "head_other_class"},
    Access.SCHOOL_SETTINGS: {"admin"},
    Access.GUARDIAN_DESIGNATION: {"parent", "parent_other_child"},
    Access.SEND_NOTICE: {"admin", "head", "head_other_class"},
    Access.RECORD_ACTIVITY: {"admin", "head", "head_other_class"},
    Access.VOICE_LETTER: {"admin", "head", "head_other_class", "mentor", "mentor_other_child"},
    # Surveys and research data.
    Access.SEND_SURVEY: {"admin", "head", "head_other_class"},
    Access.CONFIRM_SURVEY_CHANGE: {"admin", "head", "head_other_class"},
    Access.RESEARCH_EXPORT: {"admin"},
    Access.MY_CHILDREN: SCHOOL_STAFF - {"counsellor"} | {"parent", "parent_other_child"},
    Access.HELP_PLAN: {"admin", "head", "head_other_class", "counsellor"},
    Access.APPROVE_PLAN: {"admin"},
    Access.REFER: {"admin", "head", "head_other_class", "counsellor"},
}
for _access, _holders in AT_ALL.items():  # another school's admin and counsellor may what the first school's may
    AT_ALL[_access] = _holders | {other for other, twin in OTHER_SCHOOL_CAST.items() if twin in _holders}
AT_ALL[Access.BACKUP] -= {"admin_other_school"}  # not a keeper: the county's deployment has its office
AT_ALL[Access.HEALTH] -= {"admin_other_school"}
# Each role's menu, by hand (the command list before the policy table, unchanged by it).
MENUS = {
    "admin": ["register", "child", "mychildren", "checkin", "visit", "followups", "pair", "buddy", "boarding",
              "invite", "stats", "export", "import", "concern", "concerns", "audit", "erase", "backup", "health",
              "school", "transfer", "absent", "dropouts", "monthly", "roster", "callplan", "contact", "parentnote",
              "notice", "activity", "survey", "research", "plan", "refer"],
    "head": ["register", "child", "mychildren", "checkin", "visit", "followups", "buddy", "boarding", "invite",
             "stats", "export", "import", "concern", "concerns", "transfer", "absent", "dropouts", "monthly",
             "roster", "callplan", "contact", "parentnote", "notice", "activity", "survey", "plan", "refer"],
    "subject": ["child", "mychildren", "checkin", "visit", "followups", "concern", "concerns", "contact"],
    "counsellor": ["concern", "concerns", "counsel", "plan", "refer"],
    "mentor": ["child", "mychildren", "checkin", "visit", "followups", "concern", "concerns", "contact"],
    "parent": ["child", "mychildren", "mydata", "contact", "settings", "guardian"],
    "stranger": [],
    "county": ["stats", "export", "backup", "health", "schools", "lookup"],
    "partner": ["child"],  # one child's card, nothing else: no list, no figures
    "partner_closed": [],
}  # fmt: skip
PUBLIC = ["start", "help", "mailbox", "language", "cancel"]


def test_every_action_is_in_the_table() -> None:
    assert set(POLICY) == set(Access) == set(AT_ALL)


def test_each_role_has_one_reach() -> None:
    """An actor holds a role for schools, classes or children (Actor.held_for), so every grant of a role reaches
    alike."""
    reaches: dict[Role, set[Reach]] = {}
    for grants in POLICY.values():
        for grant in grants:
            reaches.setdefault(grant.role, set()).add(grant.reach)
    assert {role: len(found) for role, found in reaches.items()} == dict.fromkeys(reaches, 1)


@pytest.mark.parametrize("access", list(Access))
def test_the_policy_for_one_child(access: Access) -> None:
    """Role × action × (own child / same class, not theirs / other class / other school): the answer `may`
    gives."""
    for name, actor in CAST.items():
        other_school = may(actor, access, OTHER_SCHOOL)
        if name in OTHER_SCHOOL_CAST:  # as the first school's twin is to its own children, and nothing of theirs
            twin = CAST[OTHER_SCHOOL_CAST[name]]
            keeping = access in (Access.BACKUP, Access.HEALTH)  # the twin keeps a one-school installation; not so
            assert other_school == (may(twin, access, OWN) and not keeping), (name, access)
            assert not any(may(actor, access, c) for c in (OWN, SAME_CLASS, OTHER_CLASS)), (name, access)
            continue
        if name == "county":  # every school alike, for what the county office may
            assert len({may(actor, access, c) for c in (OWN, SAME_CLASS, OTHER_CLASS, OTHER_SCHOOL)}) == 1, access
            continue
        # Nobody of the first school reaches another school's child, but for looking after the installation.
        assert other_school == (name == "admin" and access in (Access.BACKUP, Access.HEALTH)), (name, access)
        own = may(actor, access, OWN)
        if access in ON_OWN:
            assert own == (name in ON_OWN[access]), (name, access)
        same_class, other_class = may(actor, access, SAME_CLASS), may(actor, access, OTHER_CLASS)
        # A class reaches the whole class, named children only themselves, the school everyone.
        if name in ("head", "subject"):
            assert (own, same_class, other_class) == (own, own, False), (name, access)
        elif name in ("mentor", "parent", "partner"):
            assert not same_class and not other_class, (name, access)
        elif name == "head_other_class":
            assert not own and not same_class and other_class == may(CAST["head"], access, OWN), access
        elif name in ("mentor_other_child", "parent_other_child", "partner_other_child"):
            twin = CAST[name.removesuffix("_other_child")]
            assert not own and not other_class and same_class == may(twin, access, OWN), (name, access)
        elif name in ("admin", "counsellor"):
            assert own == same_class == other_class, (name, access)
        else:
            assert not (own or same_class or other_class), (name, access)


@pytest.mark.parametrize("access", list(Access))
def test_the_policy_at_all_and_its_scope(access: Access) -> None:
    """`may_do` as written by hand, and each list's scope holds exactly the children `may` allows."""
    for name, actor in CAST.items():
        assert may_do(actor, access) == (name in AT_ALL[access]), (name, access)
        scope = scope_for(actor, access)
        for child in (OWN, SAME_CLASS, OTHER_CLASS, OTHER_SCHOOL):
            assert scope.includes(child) == may(actor, access, child), (name, access, child)
        assert scope.empty == (not may_do(actor, access)), (name, access)


def test_menus_come_from_the_table() -> None:
    for name, menu in MENUS.items():
        expected = [c for c, _ in COMMAND_ACCESS if c in menu or c in PUBLIC]
        assert commands_for(CAST[name]) == expected, name
    for actor in CAST.values():
        for command, accesses in COMMAND_ACCESS:
            assert (command in commands_for(actor)) == (not accesses or any(may_do(actor, a) for a in accesses))


def test_fields_each_reader_sees() -> None:
    everything = frozenset(FIELDS_BY_NAME)
    for name in ("admin", "head", "subject", "mentor"):
        assert visible_fields(CAST[name], OWN) == everything, name
    assert visible_fields(CAST["parent"], OWN) == FAMILY_FIELDS and "notes" not in FAMILY_FIELDS
    for name in ("head_other_class", "counsellor", "mentor_other_child", "parent_other_child", "stranger"):
        assert visible_fields(CAST[name], OWN) == frozenset(), name
    # A teacher who is also a parent sees their own child, in another class, as the family does.
    teacher_parent = Actor(11, head_classes=frozenset({2}), guarded_ids=frozenset({1}))
    assert visible_fields(teacher_parent, OWN) == FAMILY_FIELDS
    assert visible_fields(teacher_parent, OTHER_CLASS) == everything
    # A partner reads what their referral shares of that child, and nothing of any other, nor once it closed.
    assert visible_fields(CAST["partner"], OWN) == {"name", "guardian_phone"}
    for child in (SAME_CLASS, OTHER_CLASS, OTHER_SCHOOL):
        assert visible_fields(CAST["partner"], child) == frozenset(), child
    assert visible_fields(CAST["partner_other_child"], OWN) == frozenset()
    assert visible_fields(CAST["partner_closed"], OWN) == frozenset()
    # A staff member who is also some child's partner person reads that child as the school does.
    head_partner = Actor(18, head_classes=frozenset({1}), partner_shares=frozenset({(1, "name")}))
    assert visible_fields(head_partner, OWN) == everything


# --- what the bot shows -------------------------------------------------------------------------------------

MENTOR_ID, MENTOR_OTHER_ID, PARENT_OTHER_ID = 2101, 2102, 3002
OTHER_ADMIN_ID, OTHER_SCHOOL_HEAD_ID, OTHER_SCHOOL_PARENT_ID, COUNTY_ID = 5001, 5002, 5003, 5004
NOTE = "校内备注：只给学校看"
T = Texts("zh_CN").t


@dataclass
class Cast:
    school: School
    people: dict[str, TestUser]
    children: dict[str, int]  # name -> id


async def build_cast(h: Harness) -> Cast:
    """build_school's people, plus the other class's head teacher, a mentor of 张小明 and one of 李小红, and
    李小红's parent; every child carries a school-only note."""
    school = await build_school(h)
    cast = dict(school.people)
    cast.pop("admin2")
    cast["head_other_class"] = h.user(OTHER_HEAD_ID, "钱老师")
    cast["mentor"] = h.user(MENTOR_ID, "孙老师")
    cast["mentor_other_child"] = h.user(MENTOR_OTHER_ID, "吴老师")
    cast["parent_other_child"] = h.user(PARENT_OTHER_ID, "李爸爸")
    await cast["parent_other_child"].send(f"/start {await invite_parent(cast['head_teacher'], '李小红', '父亲')}")
    now = datetime(2026, 3, 2, tzinfo=UTC).isoformat()
    for mentor_id, child_id in ((MENTOR_ID, school.own), (MENTOR_OTHER_ID, school.sibling)):
        await h.db.execute(
            "INSERT OR IGNORE INTO users (id, full_name, created_at) VALUES (?, '', ?)", (mentor_id, now)
        )
        await h.db.execute(
            "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (?, ?, 14, ?)",
            (mentor_id, child_id, now),
        )
    # A second school of the county, with a class of the same name as the first school's, and the county office.
    other = await schools_store.add_school(
        h.db, name="白杨小学", township="白杨镇", county="", created_by=ADMIN_IDS[0], now=datetime.now(UTC)
    )
    assert other is not None
    await people.ensure_user(h.db, OTHER_ADMIN_ID, "孟校长", datetime.now(UTC))
    await people.grant_role(
        h.db, user_id=OTHER_ADMIN_ID, role=Role.ADMIN, class_id=None, school_id=other, granted_by=None,
        now=datetime.now(UTC),
    )  # fmt: skip
    cast["admin_other_school"] = h.user(OTHER_ADMIN_ID, "孟校长")
    cast["head_other_school"] = await make_head_teacher(h, cast["admin_other_school"], OTHER_SCHOOL_HEAD_ID)
    far = await quick_child(h, OTHER_SCHOOL_HEAD_ID, "陈小东", "2015-06-01")
    cast["parent_other_school"] = h.user(OTHER_SCHOOL_PARENT_ID, "陈妈妈")
    await cast["parent_other_school"].send(f"/start {await invite_parent(cast['head_other_school'], '陈小东')}")
    await people.ensure_county_staff(h.db, (COUNTY_ID,), datetime.now(UTC))
    cast["county"] = h.user(COUNTY_ID, "县教育局")
    await h.db.execute("UPDATE children SET notes = ?", (NOTE,))
    for person in cast.values():
        person.new_messages()
    children = {"张小明": school.own, "李小红": school.sibling, "王小花": school.other, "陈小东": far}
    return Cast(school, cast, children)


@pytest.fixture
async def cast(harness: Harness) -> Cast:
    return await build_cast(harness)


def shown(sent: list[Any]) -> str:
    return "\n".join(s.text for s in sent)


def labels(sent: list[Any]) -> list[str]:
    return [b["text"] for s in sent for b in s.buttons()]


ROLES = ["admin", "head_teacher", "head_other_class", "subject_teacher", "counsellor", "mentor",
         "mentor_other_child", "parent", "parent_other_child", "stranger", "admin_other_school",
         "head_other_school", "parent_other_school", "county"]  # fmt: skip


async def test_the_cast_holds_the_roles_it_is_named_for(cast: Cast) -> None:
    db = cast.school.h.db
    assert (await people.load_actor(db, MENTOR_ID)).mentee_ids == {cast.school.own}
    assert (await people.load_actor(db, PARENT_OTHER_ID)).guarded_ids == {cast.school.sibling}
    assert (await people.load_actor(db, PARENT_ID)).guarded_ids == {cast.school.own}
    assert (await people.load_actor(db, HEAD_ID)).head_classes


async def scope_of(cast: Cast, child_id: int) -> ChildScope:
    row = await cast.school.h.fetchall(
        "SELECT ch.class_id, c.school_id FROM children ch JOIN classes c ON c.id = ch.class_id WHERE ch.id = ?",
        (child_id,),
    )
    return ChildScope(child_id, row[0]["class_id"], row[0]["school_id"])


@pytest.mark.parametrize("role", ROLES)
async def test_cards_and_their_edit_button_follow_the_policy(cast: Cast, role: str) -> None:
    """/child <name> for each child: the card iff VIEW_CARD, its edit button iff EDIT_CARD, the school's notes
    iff the policy shows that field, the care and safety buttons iff their actions."""
    person = cast.people[role]
    actor = await people.load_actor(cast.school.h.db, person.id)
    for name, child_id in cast.children.items():
        child = await scope_of(cast, child_id)
        sent = await person.send(f"/child {name}")
        text, buttons = shown(sent), labels(sent)
        assert (f"联系卡 · {name}" in text) == may(actor, Access.VIEW_CARD, child), (role, name)
        assert (T("card.edit_button") in buttons) == may(actor, Access.EDIT_CARD, child), (role, name)
        assert (NOTE in text) == ("notes" in visible_fields(actor, child)), (role, name)
        assert (T("care.timeline_button") in buttons) == may(actor, Access.LOG_CARE, child), (role, name)
        assert (T("safety.card.concern_button") in buttons) == (
            may(actor, Access.VIEW_CARD, child) and may(actor, Access.REPORT_CONCERN, child)
        ), (role, name)
        assert (T("safety.card.erase_button") in buttons) == may(actor, Access.ERASE, child), (role, name)


@pytest.mark.parametrize("role", ROLES)
async def test_commands_follow_the_policy(cast: Cast, role: str) -> None:
    """Each command is refused exactly to those the policy refuses, and /help lists exactly the menu."""
    person = cast.people[role]
    actor = await people.load_actor(cast.school.h.db, person.id)
    refusals = [
        ("/checkin", Access.LOG_CARE, T("access.denied")),
        ("/visit", Access.LOG_CARE, T("access.denied")),
        ("/concern", Access.REPORT_CONCERN, T("access.denied")),
        ("/counsel 张小明", Access.COUNSEL, T("safety.counsel.only")),
        ("/audit", Access.VIEW_AUDIT, T("access.denied")),
        ("/export", (Access.REPORTS, Access.COUNTY_REPORTS), T("export.denied")),
        ("/stats", (Access.REPORTS, Access.COUNTY_REPORTS), T("stats.denied")),
        ("/register", Access.REGISTER, T("access.denied")),
        ("/pair", Access.PAIR, T("access.denied")),
        ("/backup", Access.BACKUP, T("access.denied")),
        ("/health", Access.HEALTH, T("access.denied")),
    ]
    for command, access, refusal in refusals:
        text = shown(await person.send(command))
        await person.send("/cancel")
        person.new_messages()
        accesses = access if isinstance(access, tuple) else (access,)
        assert (text == refusal) != any(may_do(actor, a) for a in accesses), (role, command, text)
    help_text = shown(await person.send("/help"))
    listed = [name for name, _ in COMMAND_ACCESS if f"/{name} — " in help_text]
    assert listed == commands_for(actor), role


@pytest.mark.parametrize("role", ROLES)
async def test_my_children_lists_the_scope(cast: Cast, role: str) -> None:
    """/mychildren names exactly the children in the actor's VIEW_CARD scope; the school's care line only for
    those who read the card as the school."""
    person = cast.people[role]
    actor = await people.load_actor(cast.school.h.db, person.id)
    scope = scope_for(actor, Access.VIEW_CARD)
    text = shown(await person.send("/mychildren"))
    for name, child_id in cast.children.items():
        assert (name in text) == scope.includes(await scope_of(cast, child_id)), (role, name)
    if scope.empty:
        assert text == T("mychildren.none")


async def test_each_school_counts_only_its_own_children(cast: Cast) -> None:
    """The figures of two schools of one deployment: each admin's /stats is their school's, by name and count."""
    first = shown(await cast.people["admin"].send("/stats"))
    second = shown(await cast.people["admin_other_school"].send("/stats"))
    assert "利川思源实验学校" in first and "白杨小学" not in first
    assert "白杨小学" in second and "利川思源实验学校" not in second
    assert figure(first, "留守儿童总数") == "3" and figure(second, "留守儿童总数") == "1"
