"""Steps many tests share: inviting people and registering a child through the real conversations."""

from __future__ import annotations

import re
from typing import Any

from telegram.ext import ConversationHandler

from tests.harness import Harness, TestUser

LINK = re.compile(r"https://t\.me/\w+\?start=([\w-]+)")


def link_code(text: str) -> str:
    match = LINK.search(text)
    assert match, f"no invitation link in: {text}"
    return match.group(1)


async def invite_staff(admin: TestUser, role_label: str, class_label: str | None = None) -> str:
    """The admin invites a staff member; returns the invitation code."""
    await admin.send("/invite")
    if any("教职工" in b["text"] for b in admin.last_with_buttons().buttons()) and "身份" not in admin.last_text:
        await admin.press("教职工")
    await admin.press(role_label)
    if class_label is not None:
        if any(class_label.replace(" ", "") == b["text"] for b in admin.last.buttons()):
            await admin.press(class_label.replace(" ", ""))
        else:
            await admin.send(class_label)
    return link_code(admin.last_text)


async def make_head_teacher(h: Harness, admin: TestUser, user_id: int, class_label: str = "三年级 2班") -> TestUser:
    code = await invite_staff(admin, "班主任", class_label)
    teacher = h.user(user_id, "李老师")
    await teacher.send(f"/start {code}")
    assert "欢迎加入" in teacher.last_text
    return teacher


CHILD_ANSWERS = {
    "name": "张小明",
    "birth_date": "2015-03-08",
    "father_phone": "13812345678",
}


async def register_child(teacher: TestUser, name: str = "张小明", birth: str = "2015-03-08") -> int:
    """Walks /register with the essentials only (the father's phone as the contact) and saves; returns the new
    child id."""
    await teacher.send("/register")
    await teacher.send(name)
    await teacher.press("男")
    await teacher.send(birth)
    if "班级" in teacher.last_text:
        await teacher.press(teacher.last_with_buttons().buttons()[0]["text"])
    await teacher.press("父母都外出")
    await teacher.press("父亲的电话")
    await teacher.send(CHILD_ANSWERS["father_phone"])
    await teacher.press("走读")
    assert "请核对联系卡" in teacher.last_text
    await teacher.press("确认保存")
    match = re.search(r"编号 (\d+)", teacher.last_text)
    assert match, teacher.last_text
    return int(match.group(1))


async def invite_parent(teacher: TestUser, child_name: str, relation: str = "母亲") -> str:
    await teacher.send("/invite")
    await teacher.send(child_name)
    await teacher.press(child_name)
    await teacher.press(relation)
    return link_code(teacher.last_text)


def conversation_named(h: Harness, name: str) -> ConversationHandler[Any]:
    """The application's conversation handler of this name (its timeout jobs, its states)."""
    for group in h.app.handlers.values():
        for handler in group:
            if isinstance(handler, ConversationHandler) and handler.name == name:
                return handler
    raise AssertionError(f"no conversation {name}")
