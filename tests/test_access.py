"""Each role against each command and button: admin, head teacher, subject teacher, parent, stranger.
A parent must never see another child, and every read or change of a child's record is audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from bot.services import registry as registry_service
from bot.storage import people
from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import invite_parent, invite_staff, make_head_teacher, register_child

HEAD_ID, SUBJECT_ID, PARENT_ID, STRANGER_ID, OTHER_HEAD_ID = 2001, 2002, 3001, 9001, 2003
ROLES = ["admin", "head_teacher", "subject_teacher", "parent", "stranger"]


@dataclass
class School:
    h: Harness
    people: dict[str, TestUser]
    own: int  # 张小明, 三年级2班, the parent's child
    sibling_class: int  # 李小红, 三年级2班, not the parent's child
    other_class: int  # 王小花, 四年级1班


async def build_school(h: Harness) -> School:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    head = await make_head_teacher(h, admin, HEAD_ID, "三年级 2班")
    other_head = await make_head_teacher(h, admin, OTHER_HEAD_ID, "四年级 1班")
    own = await register_child(head, "张小明", "2015-03-08")  # once through the conversation
    sibling_class = await quick_child(h, HEAD_ID, "李小红", "2014-05-01")
    other_class = await quick_child(h, OTHER_HEAD_ID, "王小花", "2014-09-09")
    assert other_head.id == OTHER_HEAD_ID
    subject = h.user(SUBJECT_ID, "赵老师")
    await subject.send(f"/start {await invite_staff(admin, '科任教师', '三年级2班')}")
    parent = h.user(PARENT_ID, "张妈妈")
    await parent.send(f"/start {await invite_parent(head, '张小明')}")
    stranger = h.user(STRANGER_ID, "路人")
    people = {"admin": admin, "head_teacher": head, "subject_teacher": subject, "parent": parent,
              "stranger": stranger}  # fmt: skip
    for person in people.values():
        person.new_messages()
    await h.db.execute("DELETE FROM audit_log")  # each test looks at what its own steps wrote
    return School(h, people, own, sibling_class, other_class)


async def quick_child(h: Harness, teacher_id: int, name: str, birth: str) -> int:
    """Registers a child through the same service the conversation uses (faster than typing 22 answers)."""
    services = h.app.bot_data["services"]
    actor = await people.load_actor(h.db, teacher_id)
    (class_id,) = actor.head_classes
    values: dict[str, str | int | None] = {
        "name": name, "sex": "female", "birth_date": birth, "class_id": class_id, "parents_away": "both",
        "boarding": "no",
    }  # fmt: skip
    return await registry_service.register_child(services, actor, values)


async def audit_rows(h: Harness, actor_id: int) -> list[tuple[str, int | None, str]]:
    rows = await h.fetchall(
        "SELECT action, child_id, detail FROM audit_log WHERE actor_id = ? ORDER BY id", (actor_id,)
    )
    return [(r["action"], r["child_id"], r["detail"]) for r in rows]


def joined(sent: list[Any]) -> str:
    return "\n".join(s.text for s in sent)


# Which children each role may see: (own, same class, other class).
SEES = {
    "admin": (True, True, True),
    "head_teacher": (True, True, False),
    "subject_teacher": (True, True, False),
    "parent": (True, False, False),
    "stranger": (False, False, False),
}
EDITS = {"admin": (True, True, True), "head_teacher": (True, True, False)}


@pytest.mark.parametrize("role", ROLES)
async def test_viewing_each_child_by_forged_button(harness: Harness, role: str) -> None:
    school = await build_school(harness)
    person = school.people[role]
    await person.send("/help")
    for child_id, allowed in zip((school.own, school.sibling_class, school.other_class), SEES[role], strict=True):
        sent = await person.press_data(f"ch:v:{child_id}", message=person.last)
        if allowed:
            assert "📇 <b>联系卡" in joined(sent), (role, child_id)
        else:
            assert joined(sent) == "抱歉，您无权查看这个孩子的信息。", (role, child_id)
    expected = [
        ("view", cid, "") if ok else ("denied", cid, "view_card")
        for cid, ok in zip((school.own, school.sibling_class, school.other_class), SEES[role], strict=True)
    ]
    assert await audit_rows(harness, person.id) == expected


@pytest.mark.parametrize("role", ROLES)
async def test_child_search(harness: Harness, role: str) -> None:
    school = await build_school(harness)
    person = school.people[role]
    for name, allowed in zip(("张小明", "李小红", "王小花"), SEES[role], strict=True):
        sent = await person.send(f"/child {name}")
        if allowed:
            assert f"联系卡 · {name}" in joined(sent), (role, name)
        else:
            assert "没有找到您可以查看的" in joined(sent), (role, name)
            assert name in joined(sent)  # only the typed query is echoed back
    shown = [cid for cid, ok in zip((school.own, school.sibling_class, school.other_class), SEES[role], strict=True)]
    views = [c for a, c, _ in await audit_rows(harness, person.id) if a == "view"]
    assert views == [cid for cid, ok in zip(shown, SEES[role], strict=True) if ok]
    # A partial name never lists a child the person may not see.
    sent = await person.send("/child 小")
    text = joined(sent)
    for name, allowed in zip(("张小明", "李小红", "王小花"), SEES[role], strict=True):
        assert (name in text or name in str([b["text"] for s in sent for b in s.buttons()])) == allowed


async def test_parent_never_sees_another_child(harness: Harness) -> None:
    school = await build_school(harness)
    parent = school.people["parent"]
    sent = await parent.send("/child")  # no name: their own child at once
    assert "联系卡 · 张小明" in joined(sent)
    assert "已绑定的家长" not in joined(sent)  # other guardians' names are for staff only
    assert joined(await parent.send("/child 李小红")) == "没有找到您可以查看的、名字包含「李小红」的孩子。"
    for attempt in ("/child 王", "/child 小", "/child %", "/child _"):
        sent = await parent.send(attempt)
        text = joined(sent) + str([b["text"] for s in sent for b in s.buttons()])
        assert "李小红" not in text and "王小花" not in text, attempt
    for forged in (f"ch:v:{school.sibling_class}", f"ch:v:{school.other_class}", "ch:v:99999"):
        await parent.press_data(forged, message=parent.last)
        assert "李小红" not in parent.last_text and "王小花" not in parent.last_text
    text = joined(await parent.send("/mychildren"))
    assert "张小明" in text and "李小红" not in text and "王小花" not in text and "我的孩子" in text
    rows = await audit_rows(harness, PARENT_ID)
    denied = [(c, d) for a, c, d in rows if a == "denied"]
    assert denied == [(school.sibling_class, "view_card"), (school.other_class, "view_card")]
    assert {c for a, c, _ in rows if a in ("view", "list")} == {school.own}
    # The teacher's card lists the bound parent.
    head = school.people["head_teacher"]
    await head.send("/child 张小明")
    assert "已绑定的家长" in head.last_text and "张妈妈（母亲）" in head.last_text


@pytest.mark.parametrize("role", ROLES)
async def test_editing_by_forged_buttons(harness: Harness, role: str) -> None:
    school = await build_school(harness)
    person = school.people[role]
    await person.send("/help")
    allowed = EDITS.get(role, (False, False, False))
    for child_id, ok in zip((school.own, school.sibling_class, school.other_class), allowed, strict=True):
        sent = await person.press_data(f"ce:m:{child_id}", message=person.last)
        if ok:
            assert "要修改" in joined(sent), (role, child_id)
        else:
            assert "没有权限" in joined(sent) or "已不存在" in joined(sent), (role, child_id)
        sent = await person.press_data(f"ce:f:{child_id}:10", message=person.last)  # father's name
        if ok:
            assert "请输入新的父亲姓名" in joined(sent)
            await person.send("张大山")
            assert "已更新" in joined(person.new_messages()) or "已更新" in person.inbox[-2].text
        else:
            assert "没有权限" in joined(sent)
    names = {r["id"]: r["father_name"] for r in await harness.fetchall("SELECT id, father_name FROM children")}
    for child_id, ok in zip((school.own, school.sibling_class, school.other_class), allowed, strict=True):
        assert (names[child_id] == "张大山") == ok
    rows = await audit_rows(harness, person.id)
    edits = [c for a, c, d in rows if a == "edit"]
    denied = [c for a, c, d in rows if a == "denied" and d == "edit_card"]
    expected_edits = [
        c for c, ok in zip((school.own, school.sibling_class, school.other_class), allowed, strict=True) if ok
    ]
    assert edits == expected_edits
    assert sorted(set(denied)) == sorted(
        c for c, ok in zip((school.own, school.sibling_class, school.other_class), allowed, strict=True) if not ok
    )


@pytest.mark.parametrize("role", ROLES)
async def test_register_and_invite_commands(harness: Harness, role: str) -> None:
    school = await build_school(harness)
    person = school.people[role]
    sent = await person.send("/register")
    if role in ("admin", "head_teacher"):
        assert "(1/7)" in joined(sent)
        await person.send("/cancel")
    else:
        assert joined(sent) == "抱歉，您没有权限进行这项操作。如有疑问请联系学校管理员。"
    sent = await person.send("/invite")
    if role in ("admin", "head_teacher"):
        assert "教职工的身份" in joined(sent) or "孩子姓名" in joined(sent)
        await person.send("/cancel")
    else:
        assert "只有管理员可以邀请教职工" in joined(sent)
    # Forged registration buttons outside any flow do nothing but say they are stale.
    before = await harness.fetchval("SELECT COUNT(*) FROM children")
    await person.press_data("reg:ok:abcdef", message=person.last)
    await person.press_data("reg:dy:abcdef", message=person.last)
    assert await harness.fetchval("SELECT COUNT(*) FROM children") == before


@pytest.mark.parametrize("role", ROLES)
async def test_mychildren_per_role(harness: Harness, role: str) -> None:
    school = await build_school(harness)
    person = school.people[role]
    text = joined(await person.send("/mychildren"))
    for name, allowed in zip(("张小明", "李小红", "王小花"), SEES[role], strict=True):
        assert (name in text) == allowed, (role, name)
    if role == "stranger":
        assert "没有负责的孩子" in text
    listed = [c for a, c, d in await audit_rows(harness, person.id) if a == "list" and d == "mychildren"]
    ids = (school.own, school.sibling_class, school.other_class)
    assert sorted(listed) == sorted(c for c, ok in zip(ids, SEES[role], strict=True) if ok)


async def test_public_commands_for_everyone(harness: Harness) -> None:
    school = await build_school(harness)
    for role, person in school.people.items():
        assert joined(await person.send("/help")).startswith("<b>您可以使用的功能：</b>"), role
        assert "没有进行中的操作" in joined(await person.send("/cancel")), role
        assert "请选择语言" in joined(await person.send("/language")), role
        assert "不认识这个命令" in joined(await person.send("/frobnicate")), role
        assert "无法理解" in joined(await person.send("随便说点什么")), role
        await person.press_data("zz:garbage", message=person.last)
        assert person.alerts()[-1].startswith("这个按钮已经失效")


async def test_roles_are_read_fresh_for_each_update(harness: Harness) -> None:
    """A parent unbound (or a teacher removed) loses access at once, without a restart."""
    school = await build_school(harness)
    parent = school.people["parent"]
    await harness.db.execute(
        "UPDATE guardians SET unbound_at = '2026-03-02T02:00:00+00:00' WHERE user_id = ?", (PARENT_ID,)
    )
    await parent.press_data(f"ch:v:{school.own}", message=parent.last)
    assert parent.last_text == "抱歉，您无权查看这个孩子的信息。"
    head = school.people["head_teacher"]
    await harness.db.execute("DELETE FROM staff_roles WHERE user_id = ?", (HEAD_ID,))
    assert "没有权限" in joined(await head.send("/register"))


async def test_group_chats_never_get_childrens_data(harness: Harness) -> None:
    school = await build_school(harness)
    group_id = -100123
    message = {
        "message_id": 1,
        "date": int(harness.clock().timestamp()),
        "chat": {"id": group_id, "type": "supergroup", "title": "三年级家长群"},
        "from": {"id": HEAD_ID, "is_bot": False, "first_name": "李老师"},
        "text": "/child 张小明",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    await harness.feed({"message": message})
    sent = harness.api.messages(group_id)
    assert [s.text for s in sent] == ["为保护孩子的隐私，请在与我的私聊中使用这个功能。"]
    assert await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'view'") == 0
    assert school.own
