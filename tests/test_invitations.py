"""Invitations: valid, expired, reused and forged codes; staff and guardian invitations; who may invite
whom; the per-user command menu and /help."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.domain.roles import COMMANDS, Role
from bot.handlers.menu import PUBLIC_COMMANDS
from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import LINK, invite_parent, invite_staff, link_code, make_head_teacher, register_child

TEACHER_ID = 2001
PARENT_ID = 3001


async def admin_of(h: Harness) -> TestUser:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    return admin


def menu_of(h: Harness, user_id: int) -> list[str] | None:
    """The commands of the latest menu set for this user's private chat (None if never set)."""
    for call in reversed(h.api.calls_of("setMyCommands")):
        scope = call.params.get("scope") or {}
        if scope.get("type") == "chat" and int(scope.get("chat_id", 0)) == user_id:
            return [c["command"] for c in call.params["commands"]]
    return None


def menu_for(*roles: Role) -> list[str]:
    """The menu a person holding these roles should get, from the one list in bot.domain.roles."""
    return [name for name, allowed in COMMANDS if allowed is None or allowed & set(roles)]


def help_commands(text: str) -> list[str]:
    return re.findall(r"^/(\w+) — ", text, flags=re.M)


async def staff_roles(h: Harness, user_id: int) -> list[tuple[str, Any]]:
    rows = await h.fetchall("SELECT role, class_id FROM staff_roles WHERE user_id = ? ORDER BY id", (user_id,))
    return [(r["role"], r["class_id"]) for r in rows]


# --- /start without a code ---------------------------------------------------------------------------------


async def test_start_without_code_greets_and_explains(harness: Harness) -> None:
    stranger = harness.user(9001, "路人")
    sent = await stranger.send("/start")
    assert len(sent) == 1
    assert "利川思源实验学校" in sent[0].text and "邀请链接" in sent[0].text and "班主任" in sent[0].text
    assert menu_of(harness, 9001) is None  # no role: the default menu applies
    default = [c for c in harness.api.calls_of("setMyCommands") if c.params.get("scope", {}).get("type") != "chat"]
    assert default and all(c.params["scope"] == {"type": "all_private_chats"} for c in default)
    assert {tuple(x["command"] for x in c.params["commands"]) for c in default} == {PUBLIC_COMMANDS}
    assert {"start", "help", "cancel"} <= set(PUBLIC_COMMANDS)
    assert not {"register", "child", "mychildren", "invite"} & set(PUBLIC_COMMANDS)


# --- staff invitations ---------------------------------------------------------------------------------------


async def test_admin_invites_head_teacher_with_a_new_class(harness: Harness) -> None:
    admin = await admin_of(harness)
    await admin.send("/invite")
    assert "请选择这位教职工的身份" in admin.last_text
    await admin.press("班主任")
    assert "请选择班级" in admin.last_text
    assert "请按「年级 班级」输入" in (await admin.send("三年级"))[0].text
    sent = await admin.send("三年级 2班")
    text = sent[-1].text
    assert "班主任" in text and "三年级2班" in text and "72 小时内有效" in text
    code = link_code(text)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", code)
    assert LINK.search(text).group(0).startswith("https://t.me/shouwang_test_bot?start=")  # type: ignore[union-attr]

    teacher = harness.user(TEACHER_ID, "李老师")
    sent = await teacher.send(f"/start {code}")
    assert "欢迎加入 利川思源实验学校" in sent[0].text and "班主任，三年级2班" in sent[0].text
    class_id = await harness.fetchval("SELECT id FROM classes")
    assert await staff_roles(harness, TEACHER_ID) == [("head_teacher", class_id)]
    used = await harness.fetchall("SELECT used_by, used_at FROM invitations WHERE code = ?", (code,))
    assert used[0]["used_by"] == TEACHER_ID and used[0]["used_at"]
    # The inviter hears about it, and the new teacher's menu is set for their chat.
    assert "李老师 已通过您的邀请加入" in admin.last_text
    assert menu_of(harness, TEACHER_ID) == menu_for(Role.HEAD_TEACHER)
    assert {"register", "invite", "child", "mychildren"} <= set(menu_for(Role.HEAD_TEACHER))


@pytest.mark.parametrize(
    ("label", "role", "with_class"),
    [("科任教师", "subject_teacher", True), ("心理辅导老师", "counsellor", False), ("管理员", "admin", False)],
)
async def test_admin_invites_other_staff_roles(harness: Harness, label: str, role: str, with_class: bool) -> None:
    admin = await admin_of(harness)
    await invite_staff(admin, "班主任", "三年级 2班")  # makes the class exist
    code = await invite_staff(admin, label, "三年级2班" if with_class else None)
    person = harness.user(4001, "赵老师")
    await person.send(f"/start {code}")
    assert "欢迎加入" in person.last_text
    roles = await staff_roles(harness, 4001)
    assert [r for r, _ in roles] == [role]
    assert (roles[0][1] is not None) == with_class
    menu = menu_of(harness, 4001)
    assert menu is not None and ("register" in menu) == (role == "admin")


async def test_expired_code(harness: Harness) -> None:
    admin = await admin_of(harness)
    code = await invite_staff(admin, "班主任", "三年级 2班")
    harness.clock.advance(hours=71, minutes=59)
    early = harness.user(4001, "早到的")
    # Still valid one minute before the end: use another code for the boundary after.
    code2 = await invite_staff(admin, "科任教师", "三年级2班")
    await early.send(f"/start {code}")
    assert "欢迎加入" in early.last_text
    harness.clock.advance(hours=72, seconds=1)
    late = harness.user(4002, "迟到的")
    sent = await late.send(f"/start {code2}")
    assert [s.text for s in sent] == ["这个邀请链接已过期。请向发给您链接的老师重新索取。"]
    assert await staff_roles(harness, 4002) == []
    assert await harness.fetchval("SELECT used_by FROM invitations WHERE code = ?", (code2,)) is None
    assert menu_of(harness, 4002) is None


async def test_reused_code(harness: Harness) -> None:
    admin = await admin_of(harness)
    code = await invite_staff(admin, "班主任", "三年级 2班")
    first = harness.user(4001, "第一位")
    await first.send(f"/start {code}")
    second = harness.user(4002, "第二位")
    sent = await second.send(f"/start {code}")
    assert [s.text for s in sent] == ["这个邀请链接已经被使用过了。每个链接只能用一次，请向老师重新索取。"]
    assert await staff_roles(harness, 4002) == []
    # The same person tapping the link again is told the same, and nothing doubles.
    await first.send(f"/start {code}")
    assert "已经被使用过" in first.last_text
    assert len(await staff_roles(harness, 4001)) == 1
    assert await harness.fetchval("SELECT used_by FROM invitations WHERE code = ?", (code,)) == 4001


@pytest.mark.parametrize(
    "payload", ["AAAAAAAAAAAAAAAAAAAAAAAA", "x", "../../etc/passwd", "a" * 64, "'; DROP TABLE users; --"]
)
async def test_forged_codes(harness: Harness, payload: str) -> None:
    await admin_of(harness)
    stranger = harness.user(9001, "路人")
    sent = await stranger.send(f"/start {payload}")
    assert [s.text for s in sent] == ["这个邀请链接无效。请确认链接完整，或向发给您链接的老师重新索取。"]
    assert await staff_roles(harness, 9001) == []
    assert await harness.fetchval("SELECT COUNT(*) FROM users") == 1  # the users table is intact (the admin)
    assert await harness.fetchval("SELECT COUNT(*) FROM users WHERE id = 9001") == 0  # strangers are not stored


async def test_role_already_held_keeps_the_code(harness: Harness) -> None:
    admin = await admin_of(harness)
    await make_head_teacher(harness, admin, TEACHER_ID)
    code = await invite_staff(admin, "班主任", "三年级2班")
    teacher = harness.user(TEACHER_ID)
    await teacher.send(f"/start {code}")
    assert "您已经拥有这个身份了" in teacher.last_text
    assert await harness.fetchval("SELECT used_by FROM invitations WHERE code = ?", (code,)) is None
    other = harness.user(4001, "另一位")
    await other.send(f"/start {code}")
    assert "欢迎加入" in other.last_text


# --- guardian invitations ------------------------------------------------------------------------------------


async def test_head_teacher_invites_a_parent(harness: Harness) -> None:
    admin = await admin_of(harness)
    teacher = await make_head_teacher(harness, admin, TEACHER_ID)
    child_id = await register_child(teacher, "张小明")
    await teacher.send("/invite")
    assert "请输入孩子姓名" in teacher.last_text
    assert "没有找到" in (await teacher.send("王"))[0].text
    await teacher.send("小明")
    await teacher.press("张小明")
    assert "是什么关系" in teacher.last_text
    assert "内容太长了" in (await teacher.send("关" * 21))[0].text
    await teacher.send("姑姑")
    code = link_code(teacher.last_text)
    assert "张小明 的姑姑" in teacher.last_text

    parent = harness.user(PARENT_ID, "张姑姑")
    sent = await parent.send(f"/start {code}")
    assert "您已作为姑姑与 <b>张小明</b> 绑定" in sent[0].text
    bound = await harness.fetchall("SELECT user_id, child_id, relationship FROM guardians")
    assert [(b["user_id"], b["child_id"], b["relationship"]) for b in bound] == [(PARENT_ID, child_id, "姑姑")]
    audit = await harness.fetchall("SELECT actor_id, action FROM audit_log WHERE child_id = ? ORDER BY id", (child_id,))
    assert [(a["actor_id"], a["action"]) for a in audit] == [
        (TEACHER_ID, "create"),
        (TEACHER_ID, "invite_guardian"),
        (PARENT_ID, "bind_guardian"),
    ]
    assert "张姑姑 已通过您的邀请加入（张小明（姑姑））" in teacher.last_text
    assert menu_of(harness, PARENT_ID) == menu_for(Role.PARENT)
    assert not {"register", "invite"} & set(menu_for(Role.PARENT))


async def test_parent_invitation_offers_the_class_on_buttons(harness: Harness) -> None:
    admin = await admin_of(harness)
    teacher = await make_head_teacher(harness, admin, TEACHER_ID)
    other_teacher = await make_head_teacher(harness, admin, 2002, "四年级 1班")
    other_child = await register_child(other_teacher, "王小花", "2014-01-01")
    await register_child(teacher, "张小明")
    await register_child(teacher, "李小红", "2015-05-05")
    await register_child(teacher, "陈小刚", "2015-06-06")
    await teacher.send("/invite")
    assert "请选择孩子" in teacher.last_text and "请输入孩子姓名" in teacher.last_text
    first = teacher.last
    assert [b["text"] for b in first.buttons()] == ["张小明（三年级2班）", "李小红（三年级2班）", "陈小刚（三年级2班）"]
    old_button = first.buttons()[0]["callback_data"]
    await teacher.press("李小红")
    assert "是什么关系" in teacher.last_text
    await teacher.press("母亲")
    assert "李小红 的母亲" in teacher.last_text and link_code(teacher.last_text)
    # The next invitation offers the children whose family is not reached yet first.
    await teacher.send("/invite")
    assert [b["text"].split("（")[0] for b in teacher.last.buttons()] == ["张小明", "陈小刚", "李小红"]
    fresh = teacher.last
    # A button of the earlier question is stale; a forged child of another class is refused.
    await teacher.press_data(old_button, message=first)
    assert teacher.alerts()[-1].startswith("这个按钮已经失效")
    nonce = fresh.buttons()[0]["callback_data"].split(":")[2]
    await teacher.press_data(f"ivc:c:{nonce}:{other_child}", message=fresh)
    assert "无权查看这个孩子" in teacher.last_text
    # Typing a name still works.
    await teacher.send("小刚")
    await teacher.press("陈小刚")
    await teacher.press("父亲")
    assert "陈小刚 的父亲" in teacher.last_text
    invited = await harness.fetchall(
        "SELECT ch.name, i.relationship FROM invitations i JOIN children ch ON ch.id = i.child_id ORDER BY i.rowid"
    )
    assert [(r["name"], r["relationship"]) for r in invited] == [("李小红", "母亲"), ("陈小刚", "父亲")]


async def test_guardian_already_bound(harness: Harness) -> None:
    admin = await admin_of(harness)
    teacher = await make_head_teacher(harness, admin, TEACHER_ID)
    await register_child(teacher, "张小明")
    first = await invite_parent(teacher, "张小明", "母亲")
    second = await invite_parent(teacher, "张小明", "父亲")
    parent = harness.user(PARENT_ID, "张妈妈")
    await parent.send(f"/start {first}")
    sent = await parent.send(f"/start {second}")
    assert [s.text for s in sent] == ["您已经与 张小明 绑定过了，无需重复绑定。"]
    # The second code is still good for the father.
    father = harness.user(PARENT_ID + 1, "张爸爸")
    await father.send(f"/start {second}")
    assert "您已作为父亲与" in father.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM guardians") == 2


async def test_head_teacher_cannot_invite_staff(harness: Harness) -> None:
    admin = await admin_of(harness)
    teacher = await make_head_teacher(harness, admin, TEACHER_ID)
    await teacher.send("/invite")
    assert "请输入孩子姓名" in teacher.last_text  # straight to parents: no staff choice offered
    before = await harness.fetchval("SELECT COUNT(*) FROM invitations")
    for forged in ("inv:k:staff", "inv:r:admin", "inv:r:head_teacher", "inv:c:1"):
        await teacher.press_data(forged, message=teacher.last)
    assert all(a.startswith("这个按钮已经失效") for a in teacher.alerts()[-4:])
    await teacher.send("/cancel")
    for forged in ("inv:r:admin", "inv:c:1"):  # and outside the flow
        await teacher.press_data(forged, message=teacher.last)
    assert await harness.fetchval("SELECT COUNT(*) FROM invitations") == before
    assert await staff_roles(harness, TEACHER_ID) == [("head_teacher", 1)]


async def test_head_teacher_cannot_invite_for_another_class(harness: Harness) -> None:
    admin = await admin_of(harness)
    teacher = await make_head_teacher(harness, admin, TEACHER_ID, "三年级 2班")
    other_teacher = await make_head_teacher(harness, admin, 2002, "四年级 1班")
    other_child = await register_child(other_teacher, "王小花", "2014-01-01")
    await teacher.send("/invite")
    assert "没有找到您可以邀请家长的孩子" in (await teacher.send("王小花"))[0].text
    await teacher.press_data(f"inv:ch:{other_child}", message=teacher.last)  # a forged child button
    assert "无权查看这个孩子" in teacher.last_text
    await teacher.send("母亲")  # typing a relation now must not create anything
    assert await harness.fetchval("SELECT COUNT(*) FROM invitations WHERE kind = 'guardian'") == 0
    denied = await harness.fetchall("SELECT actor_id, child_id, detail FROM audit_log WHERE action = 'denied'")
    assert [(d["actor_id"], d["child_id"], d["detail"]) for d in denied] == [
        (TEACHER_ID, other_child, "invite_guardian")
    ]


@pytest.mark.parametrize("who", ["subject_teacher", "parent", "stranger", "counsellor"])
async def test_others_cannot_invite(harness: Harness, who: str) -> None:
    admin = await admin_of(harness)
    teacher = await make_head_teacher(harness, admin, TEACHER_ID)
    await register_child(teacher, "张小明")
    if who == "subject_teacher":
        code: str | None = await invite_staff(admin, "科任教师", "三年级2班")
    elif who == "counsellor":
        code = await invite_staff(admin, "心理辅导老师")
    elif who == "parent":
        code = await invite_parent(teacher, "张小明")
    else:
        code = None
    person = harness.user(4001, "某人")
    if code:
        await person.send(f"/start {code}")
    before = await harness.fetchval("SELECT COUNT(*) FROM invitations")
    sent = await person.send("/invite")
    assert [s.text for s in sent] == ["抱歉，只有管理员可以邀请教职工，只有班主任可以邀请本班孩子的家长。"]
    for forged in ("inv:k:staff", "inv:r:admin", "inv:ch:1", "inv:rel:mother"):
        await person.press_data(forged, message=person.last)
    assert await harness.fetchval("SELECT COUNT(*) FROM invitations") == before
    assert "invite" not in (menu_of(harness, 4001) or [])


async def test_admin_who_is_also_head_teacher_chooses(harness: Harness) -> None:
    admin = await admin_of(harness)
    code = await invite_staff(admin, "班主任", "三年级 2班")
    await admin.send(f"/start {code}")
    await register_child(admin, "张小明")
    await admin.send("/invite")
    assert "您要邀请谁" in admin.last_text
    await admin.press("家长")
    await admin.send("张小明")
    await admin.press("张小明")
    await admin.press("母亲")
    assert "张小明 的母亲" in admin.last_text


async def test_inviter_who_blocked_the_bot_does_not_spoil_the_welcome(harness: Harness) -> None:
    admin = await admin_of(harness)
    code = await invite_staff(admin, "班主任", "三年级 2班")
    harness.api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=ADMIN_ID)
    teacher = harness.user(TEACHER_ID, "李老师")
    sent = await teacher.send(f"/start {code}")
    assert sent[0].text.startswith("🎉 欢迎加入")
    assert not any("出了点问题" in s.text for s in sent)
    assert await staff_roles(harness, TEACHER_ID) != []


# --- the menu and /help --------------------------------------------------------------------------------------


async def test_help_lists_only_what_each_user_may_do(harness: Harness) -> None:
    admin = await admin_of(harness)
    teacher = await make_head_teacher(harness, admin, TEACHER_ID)
    await register_child(teacher, "张小明")
    parent_code = await invite_parent(teacher, "张小明")
    parent = harness.user(PARENT_ID, "张妈妈")
    await parent.send(f"/start {parent_code}")
    subject = harness.user(4001, "科任")
    await subject.send(f"/start {await invite_staff(admin, '科任教师', '三年级2班')}")
    stranger = harness.user(9001, "路人")

    expected = {
        admin: menu_for(Role.ADMIN, Role.KEEPER),  # a school with no county office keeps its installation
        teacher: menu_for(Role.HEAD_TEACHER),
        subject: menu_for(Role.SUBJECT_TEACHER),
        parent: menu_for(Role.PARENT),
        stranger: menu_for(),
    }
    for user, commands in expected.items():
        sent = await user.send("/help")
        listed = help_commands(sent[-1].text)
        assert listed == commands, user.first_name
        assert {"start", "help", "cancel"} <= set(listed)
        for name in ("register", "invite"):
            assert (name in listed) == (user in (admin, teacher)), (user.first_name, listed)
        assert "child" in listed or user is stranger
        if user is stranger:
            assert "您还没有任何身份" in sent[-1].text
        assert menu_of(harness, user.id) == listed  # /help refreshes the menu to match
    assert "您的身份：家长/监护人" in (await parent.send("/help"))[-1].text


async def test_menu_in_english_for_english_users(harness: Harness) -> None:
    admin = await admin_of(harness)
    await admin.send("/language")
    await admin.press("English")
    assert admin.last_text == "Language set to English."
    call = harness.api.calls_of("setMyCommands")[-1]
    assert call.params["scope"] == {"type": "chat", "chat_id": ADMIN_ID}
    assert {"command": "register", "description": "Register a left-behind child"} in call.params["commands"]
    sent = await admin.send("/help")
    assert "What you can do" in sent[-1].text
