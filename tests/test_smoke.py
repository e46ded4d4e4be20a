"""The issue's 'done when': admin invites a teacher, the teacher registers a child and invites a parent,
the parent sees that one child's card and nothing else."""

from __future__ import annotations

from tests.conftest import ADMIN_ID
from tests.harness import Harness
from tests.helpers import invite_parent, make_head_teacher, register_child


async def test_school_day_one(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    assert "欢迎回来" in admin.last_text

    teacher = await make_head_teacher(harness, admin, 2001)
    assert "班主任" in teacher.last_text and "三年级2班" in teacher.last_text
    child_id = await register_child(teacher, "张小明")
    other_id = await register_child(teacher, "李小红", "2014-05-01")

    code = await invite_parent(teacher, "张小明")
    parent = harness.user(3001, "张妈妈")
    await parent.send(f"/start {code}")
    assert "张小明" in parent.last_text

    await parent.send("/child")
    assert "联系卡 · 张小明" in parent.last_text
    await parent.send("/child 李小红")
    assert "没有找到" in parent.last_text
    await parent.press_data(f"ch:v:{other_id}", message=parent.last)  # a forged button
    assert "无权" in parent.last_text
    denied = await harness.fetchall("SELECT actor_id, action, child_id FROM audit_log WHERE action = 'denied'")
    assert [(r["actor_id"], r["child_id"]) for r in denied] == [(3001, other_id)]
    views = await harness.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND actor_id = 3001 AND child_id = ?", (child_id,)
    )
    assert views == 1
