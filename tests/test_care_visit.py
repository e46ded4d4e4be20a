"""/visit end to end (kinds, dates, participants, notes, follow-ups), bad input at each step, double taps,
restarts; /followups until done."""

from __future__ import annotations

from tests.care_fixture import TEACHER_ID, other_head_teacher, rows, school
from tests.harness import Harness
from tests.helpers import conversation_named


async def test_home_visit_in_under_a_minute(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/visit")
    await s.teacher.press("张小明")
    await s.teacher.press("家访")
    await s.teacher.press("今天")
    await s.teacher.send("奶奶、孩子本人")
    await s.teacher.send("家里整洁，奶奶身体不好")
    await s.teacher.press("不需要")
    assert "请核对" in s.teacher.last_text and "2026-03-02" in s.teacher.last_text
    await s.teacher.press("确认保存")
    assert "已保存" in s.teacher.last_text
    row = (await rows(harness, "visits"))[0]
    assert (row["child_id"], row["kind"], row["visit_date"], row["author_id"]) == (
        s.child_id,
        "home_visit",
        "2026-03-02",
        TEACHER_ID,
    )
    assert row["participants"] == "奶奶、孩子本人" and row["notes"] == "家里整洁，奶奶身体不好"
    assert await rows(harness, "followups") == []
    audit = await harness.fetchall("SELECT detail FROM audit_log WHERE action = 'care.visit'")
    assert audit[0]["detail"].startswith("visit=")


async def test_bad_dates_then_a_follow_up_until_done(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/visit 小明")
    await s.teacher.press("通话")
    await s.teacher.send("2026-03-05")
    assert "不能晚于今天" in s.teacher.last_text
    await s.teacher.send("2010-01-01")
    assert "早于孩子的出生日期" in s.teacher.last_text
    await s.teacher.send("2026/2/30")
    assert "不存在" in s.teacher.last_text
    await s.teacher.send_sticker()
    assert "文字" in s.teacher.last_text
    await s.teacher.send("2026/2/28")
    await s.teacher.press("跳过")
    await s.teacher.send("   ")
    assert "不能为空" in s.teacher.last_text
    await s.teacher.send("妈妈说下月回家")
    await s.teacher.press("添加跟进事项")
    await s.teacher.send("联系妈妈确认回家时间")
    await s.teacher.send("2026-03-01")
    assert "不能早于今天" in s.teacher.last_text
    await s.teacher.press("7 天后")
    assert "2026-03-09" in s.teacher.last_text
    save = next(b["callback_data"] for b in s.teacher.last_with_buttons().buttons() if "确认保存" in b["text"])
    await s.teacher.press_data(save)
    await s.teacher.press_data(save)  # double tap
    assert len(await rows(harness, "visits")) == 1
    visit = (await rows(harness, "visits"))[0]
    assert (visit["kind"], visit["visit_date"], visit["participants"]) == ("phone_call", "2026-02-28", "")
    followups = await rows(harness, "followups")
    assert [(f["action"], f["due_date"], f["done_at"]) for f in followups] == [
        ("联系妈妈确认回家时间", "2026-03-09", None)
    ]

    await s.teacher.send("/followups")
    assert "联系妈妈确认回家时间" in s.teacher.last_text and "⏰" not in s.teacher.last_text
    harness.clock.advance(days=10)
    await s.teacher.send("/followups")
    assert "⏰" in s.teacher.last_text  # overdue now
    done = s.teacher.last_with_buttons().buttons()[0]["callback_data"]
    # Another teacher cannot close it.
    other = await other_head_teacher(harness, s.admin)
    await other.press_data(done, message=other.last)
    assert "没有权限" in other.last_text
    await s.teacher.press_data(done)
    assert "已完成" in "\n".join(m.text for m in s.teacher.inbox[-2:])
    await s.teacher.press_data(done)
    assert "已经标记完成" in s.teacher.last_text
    assert (await rows(harness, "followups"))[0]["done_by"] == TEACHER_ID
    await s.teacher.send("/followups")
    assert "没有待跟进" in s.teacher.last_text


async def test_stale_buttons_restart_and_cancel(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/visit")
    await s.teacher.press("张小明")
    home = next(b["callback_data"] for b in s.teacher.last_with_buttons().buttons() if "家访" in b["text"])
    await s.teacher.press("在校谈心")
    await s.teacher.press_data(home)  # an earlier step's button
    assert any("失效" in a for a in s.teacher.alerts())
    await harness.restart()
    await s.teacher.press("昨天")
    await s.teacher.send("孩子")
    await harness.crash_restart()
    await s.teacher.send("谈了学习计划")
    await s.teacher.press("不需要")
    await s.teacher.press("确认保存")
    visit = (await rows(harness, "visits"))[0]
    assert (visit["kind"], visit["visit_date"], visit["notes"]) == ("school_talk", "2026-03-01", "谈了学习计划")

    await s.teacher.send("/visit")
    await s.teacher.press("张小明")
    await s.teacher.send("/cancel")
    assert "已取消" in s.teacher.last_text
    assert len(await rows(harness, "visits")) == 1


async def test_timeout_ends_an_abandoned_visit_and_its_buttons(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/visit 张小明")
    await s.teacher.press("家访")
    dates = s.teacher.last_with_buttons()
    visit = conversation_named(harness, "visit")
    await visit.timeout_jobs[(TEACHER_ID, TEACHER_ID)].run(harness.app)
    assert "记录家访已自动结束" in s.teacher.last_text
    await harness.crash_restart()
    await s.teacher.press("今天", message=dates)
    assert any("失效" in a for a in s.teacher.alerts())
    await s.teacher.send("/checkin")  # no busy marker left behind
    assert "要记录哪个孩子" in s.teacher.last_text
    assert await rows(harness, "visits") == []
