"""A small school whose figures are computed by hand, for the /stats, /export and /import tests.

一年级1班: A (father away, guardian 奶奶 with phone, paired), B (both away, no guardian, no phone)
三年级1班: E (both away, guardian with phone, boarding requested)
三年级2班: C (mother away, guardian named, no phone, bound parent active, paired)
           D (both away, guardian named, no phone, bound parent unreachable)
           F (father away, no guardian name, guardian phone, boarding yes)

By hand: total 6; father 2 (A, F), mother 1 (C), both 3 (B, D, E); no designated guardian 2 (B, F);
no reachable guardian 2 (B, D); paired 2 of 6 (A, C), so 33.3%; boarding requested 1, boarding 1.
一年级: 2 (father 1, both 1); 三年级: 4 (father 1, mother 1, both 2).
三年级2班 alone: 3 (father 1, mother 1, both 1); no designated 1 (F); unreachable 1 (D); paired 1 (C).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.clock import to_db
from bot.storage import children, people
from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher

TEACHER_ID = 2001
MENTOR_ID = 2500
PARENT_OK = 3001
PARENT_GONE = 3002


@dataclass
class School:
    admin: TestUser
    teacher: TestUser
    ids: dict[str, int]
    classes: dict[str, int]


BASE = {
    "sex": "male",
    "birth_date": "2015-03-08",
    "boarding": "no",
}


async def build_school(h: Harness) -> School:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(h, admin, TEACHER_ID)  # heads 三年级2班
    db = h.db
    now = h.clock()
    c11 = (await people.ensure_class(db, "一年级", "1班")).id
    c31 = (await people.ensure_class(db, "三年级", "1班")).id
    c32 = (await people.ensure_class(db, "三年级", "2班")).id
    await db.execute("UPDATE grades SET sort_order = 1 WHERE name = '一年级'")
    await db.execute("UPDATE grades SET sort_order = 3 WHERE name = '三年级'")
    specs: dict[str, dict[str, str | int | None]] = {
        "A": {"name": "安安", "class_id": c11, "parents_away": "father", "guardian_name": "奶奶",
              "guardian_relation": "祖母", "guardian_phone": "13800000001", "father_name": "安父",
              "father_work_place": "广东东莞", "father_phone": "13900000001", "away_since": "2020-02-01",
              "personality": "开朗", "notes": "<b>不是标签</b> & 符号"},
        "B": {"name": "贝贝", "class_id": c11, "parents_away": "both", "sex": "female", "birth_date": "2016-07-15"},
        "E": {"name": "恩恩", "class_id": c31, "parents_away": "both", "guardian_name": "外公",
              "guardian_phone": "0718-1234567", "boarding": "requested"},
        "C": {"name": "晨晨", "class_id": c32, "parents_away": "mother", "guardian_name": "爷爷"},
        "D": {"name": "丁丁", "class_id": c32, "parents_away": "both", "guardian_name": "姑姑"},
        "F": {"name": "方方", "class_id": c32, "parents_away": "father", "guardian_phone": "13800000006",
              "boarding": "yes"},
    }  # fmt: skip
    ids = {}
    for key, values in specs.items():
        ids[key] = await children.insert_child(db, BASE | values, created_by=ADMIN_ID, now=now)
    for user_id, status in ((MENTOR_ID, "active"), (PARENT_OK, "active"), (PARENT_GONE, "unreachable")):
        await db.execute(
            "INSERT INTO users (id, full_name, status, created_at) VALUES (?, ?, ?, ?)",
            (user_id, f"用户{user_id}", status, to_db(now)),
        )
    await people.bind_guardian(db, user_id=PARENT_OK, child_id=ids["C"], relationship="母亲", now=now)
    await people.bind_guardian(db, user_id=PARENT_GONE, child_id=ids["D"], relationship="母亲", now=now)
    for key in ("A", "C"):
        await db.execute(
            "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (?, ?, 14, ?)",
            (MENTOR_ID, ids[key], to_db(now)),
        )
    admin.new_messages()
    teacher.new_messages()
    return School(admin, teacher, ids, {"一年级1班": c11, "三年级1班": c31, "三年级2班": c32})
