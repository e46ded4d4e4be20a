"""Family-call plans (亲情电话): set-up by the head teacher with bad input, reminders at the agreed local time with
the server in UTC, answers (double taps, stale and forged buttons, unbound parents), snooze, no-contact alerts,
the staff overview, and mentor digests."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.clock import to_db
from bot.storage import people
from tests.green_fixture import PARENT_ID, TEACHER_ID, drain, local, outbox_rows, school, tick
from tests.harness import Harness, TestUser

SUNDAY_CALL = local(2026, 3, 8, 19, 0)  # Sunday 19:00 in Shanghai = 11:00 UTC


async def calls(h: Harness) -> int:
    return len(await outbox_rows(h, "green.call"))


async def plan_sunday_evening(teacher: TestUser) -> None:
    await teacher.send("/callplan")
    await teacher.press("张小明")
    assert "还没有约定亲情电话" in teacher.last_text
    await teacher.press("周日")
    await teacher.send("25:00")
    assert "这个时间不对" in teacher.last_text
    await teacher.send("22:00")
    assert "休息时间" in teacher.last_text
    await teacher.send_sticker()
    assert "请按上一条消息的提示" in teacher.last_text
    await teacher.send("19:00")
    assert "已保存" in teacher.last_text and "每周日 19:00" in teacher.last_text
    assert "3月8日 周日 19:00" in teacher.last_text


async def test_reminder_at_the_agreed_shanghai_time_with_a_utc_server(harness: Harness) -> None:
    _admin, teacher, _child, (mother, father) = await school(harness, parents=2)
    await plan_sunday_evening(teacher)
    harness.clock.now = SUNDAY_CALL - timedelta(minutes=1)
    await tick(harness)
    assert await calls(harness) == 0
    harness.clock.now = SUNDAY_CALL
    assert SUNDAY_CALL.hour == 11  # the server's own clock says 11:00
    await tick(harness)
    assert await calls(harness) == 2
    await tick(harness)
    assert await calls(harness) == 2  # every later tick finds nothing new
    await drain(harness)
    for parent in (mother, father):
        sent = parent.new_messages()
        assert len(sent) == 1 and "亲情电话提醒" in sent[0].text and "张小明" in sent[0].text
        assert [b["text"] for b in sent[0].buttons()] == ["✅ 已经通过电话", "📵 没有打通", "⏰ 一小时后再提醒我"]
    harness.clock.advance(minutes=30)
    await tick(harness)
    await drain(harness)
    assert mother.new_messages() == []


async def test_answers_are_stored_once_and_snooze_reminds_an_hour_later(harness: Harness) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await plan_sunday_evening(teacher)
    harness.clock.now = SUNDAY_CALL
    await tick(harness)
    await drain(harness)
    reminder = mother.last_with_buttons()
    await mother.press("一小时后", message=reminder)
    assert "一小时后再提醒您" in mother.last_text
    harness.clock.advance(minutes=59)
    await drain(harness)
    assert len([s for s in mother.new_messages() if "亲情电话提醒" in s.text]) == 0
    harness.clock.advance(minutes=1)
    await drain(harness)
    again = [s for s in mother.new_messages() if "亲情电话提醒" in s.text]
    assert len(again) == 1
    called = again[0].buttons()[0]["callback_data"]
    await mother.press_data(called, message=again[0])
    assert "已记下您和 <b>张小明</b> 通了电话" in mother.last_text
    assert again[0].buttons() == []  # the answered reminder lost its buttons
    await mother.press_data(called, message=reminder)  # a double tap (a slow phone sends the tap twice)
    assert "已经回答过了" in mother.last_text
    answers = await harness.fetchall(
        "SELECT outcome FROM family_call_answers WHERE child_id = ? ORDER BY id", (child_id,)
    )
    assert [a["outcome"] for a in answers] == ["snoozed", "called"]


async def test_stale_forged_and_unbound_buttons(harness: Harness) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await plan_sunday_evening(teacher)
    harness.clock.now = SUNDAY_CALL
    await tick(harness)
    await drain(harness)
    old = mother.last_with_buttons()
    harness.clock.now = SUNDAY_CALL + timedelta(days=7)
    await tick(harness)
    await drain(harness)
    await mother.press("已经通过电话", message=old)
    assert "已经过期" in mother.last_text and "3月8日" in mother.last_text
    # A forged child id (someone else's child) records nothing.
    await mother.press_data("gc:999:1:c", message=old)
    assert "没有绑定这个孩子" in mother.last_text
    await harness.db.execute(
        "UPDATE guardians SET unbound_at = ? WHERE user_id = ? AND child_id = ?",
        (to_db(harness.clock()), PARENT_ID, child_id),
    )
    await mother.press("已经通过电话")
    assert "没有绑定这个孩子" in mother.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM family_call_answers") == 0


async def test_interval_plan_and_bad_interval(harness: Harness) -> None:
    _admin, teacher, _child, (mother,) = await school(harness)
    await teacher.send("/callplan")
    await teacher.press("张小明")
    await teacher.press("每隔几天")
    await teacher.send("0")
    assert "1 到 60" in teacher.last_text
    await teacher.send("三")
    assert "1 到 60" in teacher.last_text
    await teacher.send("3")
    await teacher.send("20：30")  # a full-width colon typed on a Chinese keyboard
    assert "每 3 天一次，20:30" in teacher.last_text
    # Plan set on Monday 2 March: calls on 2, 5, 8 March at 20:30 Shanghai time.
    harness.clock.now = local(2026, 3, 2, 20, 30)
    await tick(harness)
    await drain(harness)
    assert len(mother.new_messages()) == 1
    harness.clock.now = local(2026, 3, 4, 20, 30)
    await tick(harness)
    assert await calls(harness) == 1
    harness.clock.now = local(2026, 3, 5, 20, 30)
    await tick(harness)
    assert await calls(harness) == 2


async def test_stopping_a_plan_and_who_may_set_one(harness: Harness) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await plan_sunday_evening(teacher)
    await mother.send("/callplan")
    assert "没有权限" in mother.last_text or "无权" in mother.last_text or "权限" in mother.last_text
    await teacher.send("/callplan")
    await teacher.press("张小明")
    assert "每周日 19:00" in teacher.last_text
    await teacher.press("停止亲情电话提醒")
    assert "已停止" in teacher.last_text
    harness.clock.now = SUNDAY_CALL
    await tick(harness)
    assert await calls(harness) == 0
    assert await harness.fetchval("SELECT active FROM family_call_plans WHERE child_id = ?", (child_id,)) == 0


async def test_no_contact_alerts_head_teacher_and_mentor_once(harness: Harness) -> None:
    admin, teacher, child_id, _parents = await school(harness)
    mentor = harness.user(TEACHER_ID + 7, "赵老师")
    await people.ensure_user(harness.db, mentor.id, "赵老师", harness.clock())  # staff are stored when invited
    await harness.db.execute(
        "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (?, ?, 30, ?)",
        (mentor.id, child_id, to_db(harness.clock())),
    )
    await plan_sunday_evening(teacher)
    teacher.new_messages()
    harness.clock.now = harness.clock() + timedelta(days=13, hours=23)
    await tick(harness)
    await drain(harness)
    assert not [s for s in teacher.new_messages() if "没有确认的亲情电话" in s.text]
    harness.clock.advance(hours=2)
    await tick(harness)
    await drain(harness)
    await tick(harness)
    await drain(harness)
    alerts = [s for s in teacher.new_messages() if "没有确认的亲情电话" in s.text]
    assert len(alerts) == 1 and "张小明" in alerts[0].text and "还没有确认过通话" in alerts[0].text
    assert len([s for s in mentor.new_messages() if "没有确认的亲情电话" in s.text]) == 1
    # The staff overview flags the child.
    await teacher.send("/contact")
    assert "⚠️ 张小明" in teacher.last_text
    await admin.send("/contact")
    assert "张小明" in admin.last_text


async def test_mentor_reminded_once_when_due_and_once_when_overdue_in_a_daily_digest(harness: Harness) -> None:
    _admin, _teacher, child_id, _parents = await school(harness)
    mentor = harness.user(TEACHER_ID + 8, "钱老师")
    await people.ensure_user(harness.db, mentor.id, "赵老师", harness.clock())  # staff are stored when invited
    mentor.new_messages()
    await harness.db.execute(
        "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (?, ?, 7, ?)",
        (mentor.id, child_id, to_db(harness.clock())),
    )
    harness.clock.now = local(2026, 3, 9, 8, 0)  # due: 2 March + 7 days
    for _ in range(3):
        await tick(harness)
        await drain(harness)
    sent = mentor.new_messages()
    assert len(sent) == 1 and "张小明：今天该联系了" in sent[0].text
    harness.clock.now = local(2026, 3, 10, 8, 0)
    for _ in range(3):
        await tick(harness)
        await drain(harness)
    sent = mentor.new_messages()
    assert len(sent) == 1 and "已超期 1 天" in sent[0].text
    harness.clock.now = local(2026, 3, 11, 8, 0)
    await tick(harness)
    await drain(harness)
    assert mentor.new_messages() == []  # reminded once when overdue, not every day
    # A visit resets the cadence.
    await harness.db.execute(
        "INSERT INTO visits (child_id, kind, visit_date, author_id, created_at) VALUES (?, 'school_talk', ?, ?, ?)",
        (child_id, "2026-03-11", mentor.id, to_db(harness.clock())),
    )
    harness.clock.now = local(2026, 3, 18, 8, 0)
    await tick(harness)
    await drain(harness)
    assert "今天该联系了" in mentor.new_messages()[0].text
    assert len(await outbox_rows(harness, "green.mentor_digest")) == 3


async def test_a_call_time_keeps_the_schools_own_quiet_hours(harness: Harness) -> None:
    """A school that set quiet hours from 20:00: a call at 20:30 (fine by the config's 21:30) is refused, with
    the school's hours in the reply."""
    _admin, teacher, _child, _parents = await school(harness, parents=1)
    await harness.db.execute("UPDATE schools SET quiet_start = '20:00', quiet_end = '07:00' WHERE id = 1")
    await teacher.send("/callplan")
    await teacher.press("张小明")
    await teacher.press("周日")
    await teacher.send("20:30")
    assert "休息时间" in teacher.last_text and "20:00" in teacher.last_text
    await teacher.send("19:30")
    assert "已保存" in teacher.last_text and "每周日 19:30" in teacher.last_text
