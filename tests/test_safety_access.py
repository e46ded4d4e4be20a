"""Every role against every new command and button of the safety feature (table-driven): who gets in, who is
refused with a clear reply, and refusals of a child's record are audited."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness import Harness, TestUser
from tests.test_safety_school import ADMIN_IDS, School, build_school

ROLES = ["admin", "head_teacher", "subject_teacher", "counsellor", "parent", "stranger"]
REFUSALS = ("没有权限", "无权", "只有心理辅导老师", "不是你写的", "供已绑定孩子的家长使用")
STAFF = {"admin", "head_teacher", "subject_teacher", "counsellor"}

# action -> (what to send: "/command" or callback data with {own} {concern} {ticket}, roles allowed, marker of success)
ACTIONS: dict[str, tuple[str, set[str], str | None]] = {
    "concern": ("/concern", STAFF, "请输入孩子的姓名"),
    "concerns": ("/concerns", STAFF, None),
    "counsel": ("/counsel 张小明", {"counsellor"}, "的心理辅导记录"),
    "mydata": ("/mydata", {"parent"}, "联系卡"),
    "audit": ("/audit 张小明", {"admin"}, "访问记录"),
    "erase": ("/erase", {"admin"}, None),
    "backup": ("/backup", {"admin"}, None),
    "mailbox_read": ("/mailbox", {"counsellor"}, "待处理的信"),
    "concern_ack": ("cc:ack:{concern}", {"admin"}, None),
    "concern_assign": ("cc:as:{concern}", {"admin"}, "指派给谁"),
    "concern_close": ("cc:cl:{concern}", {"admin"}, "处理结果"),
    "concern_from_card": ("cc:n:{own}", {"admin", "head_teacher", "subject_teacher", "counsellor"}, "什么类型"),
    "risk_menu": ("rk:m:{own}", {"admin", "head_teacher"}, "风险等级"),
    "risk_set": ("rk:l:{own}:high", {"admin", "head_teacher"}, "原因"),
    "paper_consent": ("pv:pp:{own}", {"admin", "head_teacher"}, "纸质同意书"),
    "consent": ("pv:ok:{own}", {"parent"}, "谢谢"),
    "correction": ("pv:fx:{own}", {"parent"}, "哪里不对"),
    "request_erasure": ("pv:rm:{own}", {"parent"}, "确定申请吗"),
    "erase_child": ("pv:er:{own}", {"admin"}, "永久删除"),
    "audit_page": ("au:v:{own}:0", {"admin"}, "访问记录"),
    "counsel_view": ("cs:v:{own}", {"counsellor"}, "的心理辅导记录"),
    "counsel_new": ("cs:n:{own}", {"counsellor"}, "记录辅导"),
    "ticket_read": ("mb:t:{ticket}", {"counsellor"}, "信件 #"),
    "ticket_reply": ("mb:r:{ticket}", {"counsellor"}, "请输入回复"),
    "ticket_close": ("mb:x:{ticket}", {"counsellor"}, None),  # last: it closes the ticket
}


@pytest.fixture
async def school(tmp_path: Path) -> School:
    extra = '[backup]\npassphrase = "pass phrase"\n'
    async with Harness.create(tmp_path, admins=ADMIN_IDS, extra_config=extra) as h:
        school = await build_school(h)
        teacher = school.people["subject_teacher"]
        await teacher.send("/concern 张小明")
        await teacher.press("其他")
        await teacher.send("情绪低落")
        await teacher.press("今天")
        writer = h.user(555000111, "写信人")
        await writer.send("/mailbox")
        await writer.press("写一封信")
        await writer.send("一封信")
        for person in [*school.people.values(), writer]:
            person.new_messages()
        yield school  # type: ignore[misc]


async def attempt(school: School, person: TestUser, spec: str) -> tuple[str, int]:
    """Runs one action; returns everything the person saw (messages and popups) and the documents received."""
    before_alerts = len(person.alerts())
    values = {"own": school.own, "concern": 1, "ticket": 1}
    if spec.startswith("/"):
        sent = await person.send(spec.format(**values))
    else:
        anchor = person.inbox[-1] if person.inbox else None
        if anchor is None:
            await person.send("/help")
            anchor = person.last
        before_text = anchor.text
        sent = await person.press_data(spec.format(**values), message=anchor)
        if anchor.text != before_text:  # the answer replaced the message it was pressed on
            sent = [*sent, anchor]
    seen = "\n".join(s.text for s in sent) + "\n" + "\n".join(person.alerts()[before_alerts:])
    documents = sum(1 for s in sent if s.kind == "document")
    await person.send("/cancel")  # leave any flow the action opened
    person.new_messages()
    return seen, documents


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_against_every_safety_action(school: School, role: str) -> None:
    person = school.people[role]
    await person.send("/help")
    problems = []
    for name, (spec, allowed, marker) in ACTIONS.items():
        seen, documents = await attempt(school, person, spec)
        refused = any(r in seen for r in REFUSALS)
        if role in allowed:
            ok = not refused and (marker is None or marker in seen)
            if name == "backup":
                ok = ok and documents == 1
        else:
            ok = (refused or (name in {"concerns"} and "没有权限" in seen)) and documents == 0
            if name == "mailbox_read":
                ok = "待处理的信" not in seen and "一封信" not in seen
        if not ok:
            problems.append((name, seen.strip()[:120]))
    assert not problems, problems


@pytest.mark.parametrize("role", ["subject_teacher", "parent", "stranger"])
async def test_refusals_of_a_childs_record_are_audited(school: School, role: str) -> None:
    person = school.people[role]
    await person.send("/help")
    await school.h.db.execute("DELETE FROM audit_log")
    for spec in ("rk:m:{own}", "pv:er:{own}", "cs:v:{own}", "au:v:{own}:0"):
        await attempt(school, person, spec)
    rows = await school.h.fetchall(
        "SELECT child_id FROM audit_log WHERE actor_id = ? AND action = 'denied'", (person.id,)
    )
    assert len(rows) >= 4 and {r["child_id"] for r in rows} == {school.own}


def test_menus_show_only_what_each_role_may_use() -> None:
    from bot.domain.roles import Actor, commands_for

    counsellor = commands_for(Actor(user_id=1, counsellor_schools=frozenset({1})))
    parent = commands_for(Actor(user_id=2, guarded_ids=frozenset({1})))
    stranger = commands_for(Actor(user_id=3))
    admin = commands_for(Actor(user_id=4, admin_schools=frozenset({1}), keeper=True))  # a school without a county
    assert {"counsel", "mailbox", "concern"} <= set(counsellor) and "audit" not in counsellor
    assert "mydata" in parent and "mailbox" in parent and "concern" not in parent
    assert "mailbox" in stranger and not {"concern", "counsel", "mydata", "audit", "erase", "backup"} & set(stranger)
    assert {"audit", "erase", "backup", "concern"} <= set(admin) and "counsel" not in admin
