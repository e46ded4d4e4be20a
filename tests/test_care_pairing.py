"""/pair (admin only, one mentor at a time, history kept), /mychildren's care line and "overdue" with the fake
clock, and /buddy (手拉手) by the head teacher."""

from __future__ import annotations

from tests.care_fixture import SUBJECT_ID, TEACHER_ID, joined, other_head_teacher, rows, school
from tests.harness import Harness, TestUser
from tests.helpers import invite_staff


async def mentor(h: Harness, s_admin: TestUser) -> TestUser:
    code = await invite_staff(s_admin, "科任教师", "三年级 2班")
    person = h.user(SUBJECT_ID, "陈老师")
    await person.send(f"/start {code}")
    person.new_messages()
    s_admin.new_messages()
    return person


async def test_pair_then_overdue_on_mychildren(harness: Harness) -> None:
    s = await school(harness)
    chen = await mentor(harness, s.admin)
    await s.teacher.send("/pair")
    assert "没有权限" in s.teacher.last_text  # head teachers do not pair

    await s.admin.send("/pair")
    await s.admin.send("小明")
    assert "目前没有帮扶教师" in s.admin.inbox[-2].text
    await s.admin.send("陈")  # filter the staff by name
    await s.admin.press("陈老师")
    assert "多久联系一次" in s.admin.last_text
    await s.admin.send("0")
    assert "1 到 365" in s.admin.last_text
    await s.admin.press("每 14 天")
    assert "已安排 陈老师 帮扶" in s.admin.last_text
    assert any("学校安排您帮扶" in m.text for m in chen.new_messages())
    pairing = (await rows(harness, "pairings"))[0]
    assert (pairing["mentor_id"], pairing["child_id"], pairing["cadence_days"], pairing["ended_at"]) == (
        SUBJECT_ID,
        s.child_id,
        14,
        None,
    )

    await chen.send("/mychildren")
    line = chen.last_text
    assert "帮扶：陈老师" in line and "未签到" in line and "未家访" in line and "逾期" not in line
    harness.clock.advance(days=14)
    await chen.send("/mychildren")
    assert "逾期" not in chen.last_text  # due today
    harness.clock.advance(days=1)
    await chen.send("/mychildren")
    assert "逾期" in chen.last_text
    # A talk at school by the mentor clears it, and counts toward the pairing.
    await chen.send("/visit")
    await chen.press("张小明")
    await chen.press("在校谈心")
    await chen.press("今天")
    await chen.press("跳过")
    await chen.send("聊了聊")
    await chen.press("不需要")
    await chen.press("确认保存")
    await chen.send("/mychildren")
    assert "逾期" not in chen.last_text and "家访/谈心 03-17" in chen.last_text
    visit = (await rows(harness, "visits"))[0]
    assert visit["pairing_id"] == pairing["id"]


async def test_a_new_mentor_ends_the_old_pairing(harness: Harness) -> None:
    s = await school(harness)
    await mentor(harness, s.admin)
    for name, days in (("陈老师", "每 7 天"), ("李老师", "每 30 天")):
        await s.admin.send("/pair 张小明")
        await s.admin.press(name)
        await s.admin.press(days)
    saved = await rows(harness, "pairings")
    assert [(p["mentor_id"], p["ended_at"] is None) for p in saved] == [(SUBJECT_ID, False), (TEACHER_ID, True)]
    # Ending the pairing keeps the row.
    await s.admin.send("/pair 张小明")
    assert "李老师" in s.admin.inbox[-2].text
    end = next(b["callback_data"] for b in s.admin.last_with_buttons().buttons() if "结束" in b["text"])
    await s.admin.press_data(end)
    assert "已结束" in s.admin.last_text
    await s.admin.press_data(end)  # a second tap: the flow is over
    assert all(p["ended_at"] is not None for p in await rows(harness, "pairings"))
    assert len(await rows(harness, "pairings")) == 2


async def test_forged_mentor_and_stale_cadence(harness: Harness) -> None:
    s = await school(harness)
    await s.admin.send("/pair 张小明")
    nonce = s.admin.last_with_buttons().buttons()[0]["callback_data"].split(":")[2]
    await s.admin.press_data(f"pa:m:{nonce}:999999")  # not a staff member
    assert "只能选择学校的教职工" in s.admin.last_text
    await s.admin.press_data(f"pa:cd:{nonce}:14")  # a cadence before a mentor was chosen
    assert await rows(harness, "pairings") == []
    await s.admin.send("/cancel")


async def test_buddy_by_the_head_teacher(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/buddy")
    await s.teacher.press("张小明")
    assert "还没有手拉手同学" in s.teacher.last_text
    await s.teacher.send("王小刚")
    assert "结对手拉手同学：王小刚" in s.teacher.last_text
    await s.teacher.send("/buddy 张小明")
    assert "王小刚" in s.teacher.last_text
    await s.teacher.send("刘小美")
    pairs = await rows(harness, "buddy_pairs")
    assert [(p["buddy_name"], p["ended_on"]) for p in pairs] == [("王小刚", "2026-03-02"), ("刘小美", None)]
    other = await other_head_teacher(harness, s.admin)
    assert "没有找到" in joined(await other.send("/buddy 张小明"))
    await other.send("/cancel")
    assert len(await rows(harness, "buddy_pairs")) == 2
