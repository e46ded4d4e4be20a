"""A small school for the safety tests: two admins, a head and a subject teacher, a counsellor, a parent, a
stranger, and three children (two in the head teacher's class, one elsewhere). No tests here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.services import Services
from bot.services import registry as registry_service
from bot.storage import outbox, people
from tests.harness import Harness, TestUser
from tests.helpers import invite_parent, invite_staff, make_head_teacher

ADMIN_IDS = [1001, 1002]
HEAD_ID, SUBJECT_ID, COUNSELLOR_ID, OTHER_HEAD_ID, PARENT_ID, STRANGER_ID = 2001, 2002, 2005, 2003, 3001, 9001


@dataclass
class School:
    h: Harness
    people: dict[str, TestUser]
    own: int  # 张小明, 三年级2班, the parent's child
    sibling: int  # 李小红, 三年级2班
    other: int  # 王小花, 四年级1班

    @property
    def services(self) -> Services:
        services: Services = self.h.app.bot_data["services"]
        return services


async def quick_child(h: Harness, teacher_id: int, name: str, birth: str) -> int:
    services = h.app.bot_data["services"]
    actor = await people.load_actor(h.db, teacher_id)
    (class_id,) = actor.head_classes
    values: dict[str, str | int | None] = {
        "name": name, "sex": "female", "birth_date": birth, "class_id": class_id, "parents_away": "both",
        "boarding": "no",
    }  # fmt: skip
    return await registry_service.register_child(services, actor, values)


async def build_school(h: Harness) -> School:
    admin = h.user(ADMIN_IDS[0], "王校长")
    admin2 = h.user(ADMIN_IDS[1], "陈副校长")
    await admin.send("/start")
    await admin2.send("/start")
    head = await make_head_teacher(h, admin, HEAD_ID, "三年级 2班")
    await make_head_teacher(h, admin, OTHER_HEAD_ID, "四年级 1班")
    own = await quick_child(h, HEAD_ID, "张小明", "2015-03-08")
    sibling = await quick_child(h, HEAD_ID, "李小红", "2014-05-01")
    other = await quick_child(h, OTHER_HEAD_ID, "王小花", "2014-09-09")
    subject = h.user(SUBJECT_ID, "赵老师")
    await subject.send(f"/start {await invite_staff(admin, '科任教师', '三年级2班')}")
    counsellor = h.user(COUNSELLOR_ID, "周老师")
    await counsellor.send(f"/start {await invite_staff(admin, '心理辅导老师')}")
    parent = h.user(PARENT_ID, "张妈妈")
    await parent.send(f"/start {await invite_parent(head, '张小明')}")
    stranger = h.user(STRANGER_ID, "路人")
    cast = {"admin": admin, "admin2": admin2, "head_teacher": head, "subject_teacher": subject,
            "counsellor": counsellor, "parent": parent, "stranger": stranger}  # fmt: skip
    for person in cast.values():
        person.new_messages()
    return School(h, cast, own, sibling, other)


async def queued(h: Harness, recipient_id: int, kind: str | None = None) -> list[outbox.OutboxRow]:
    """What the outbox holds for one person (the sender delivers it; the tests look at what was queued)."""
    return await outbox.find(h.db, recipient_id=recipient_id, kind=kind)


def buttons_of(row: outbox.OutboxRow) -> list[dict[str, Any]]:
    return [b for line in (row.markup or {}).get("inline_keyboard", []) for b in line]
