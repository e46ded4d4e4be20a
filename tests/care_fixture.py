"""Steps the care tests share: a school with an admin, a head teacher and registered children."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import invite_staff, make_head_teacher, register_child

TEACHER_ID = 2001
SUBJECT_ID = 2002
OTHER_TEACHER_ID = 2003


@dataclass
class School:
    admin: TestUser
    teacher: TestUser
    child_id: int


async def school(h: Harness, *, child: str = "张小明") -> School:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(h, admin, TEACHER_ID)
    child_id = await register_child(teacher, child)
    admin.new_messages()
    teacher.new_messages()
    return School(admin, teacher, child_id)


async def other_head_teacher(h: Harness, admin: TestUser) -> TestUser:
    """A head teacher of another class, who may not see the first class's children."""
    code = await invite_staff(admin, "班主任", "四年级 1班")
    other = h.user(OTHER_TEACHER_ID, "赵老师")
    await other.send(f"/start {code}")
    other.new_messages()
    admin.new_messages()
    return other


async def rows(h: Harness, table: str) -> list[Any]:
    return await h.fetchall(f"SELECT * FROM {table} ORDER BY id")


def joined(sent: list[Any]) -> str:
    return "\n".join(s.text for s in sent)
