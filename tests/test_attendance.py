"""Keeping children in school, through the running bot: a head teacher marks the day's absentees by buttons, an
unexplained absence asks for a call to the guardian, three school days in a row put the child on the
suspected-dropout ledger and tell the admins once, attempts bring one child back (the case closes) and record
another as dropped out (an enrolment event), and the month's workbook matches what was stored."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from bot.domain import attendance as rules
from bot.services import attendance as attendance_service
from tests.conftest import ADMIN_ID
from tests.green_fixture import drain, local, services
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher, register_child

TEACHER_ID = 4301


async def _class(h: Harness) -> tuple[TestUser, TestUser, dict[str, int]]:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(h, admin, TEACHER_ID)
    ids = {}
    for name, birth in (("张小明", "2015-03-08"), ("王小华", "2015-06-01"), ("李小红", "2015-09-09")):
        ids[name] = await register_child(teacher, name, birth)
    return admin, teacher, ids


async def _mark(teacher: TestUser, taps: dict[str, int]) -> str:
    """/absent, each child tapped `taps[name]` times, then done; returns what the teacher reads."""
    await teacher.send("/absent")
    for name, times in taps.items():
        for _ in range(times):
            await teacher.press(name)
    await teacher.press("完成")
    return teacher.last_text


async def _absences(h: Harness) -> list[tuple[int, str, str]]:
    rows = await h.fetchall("SELECT child_id, day, reason FROM absences ORDER BY day, child_id")
    return [(r["child_id"], r["day"], r["reason"]) for r in rows]


async def _month_figure(admin: TestUser) -> str:
    """This month's line of /stats, as the admin reads it in full."""
    await admin.send("/stats")
    await admin.press("全部指标与说明")
    return next(line for line in admin.last_text.splitlines() if line.startswith("<b>本月控辍保学</b>"))


async def test_a_school_month_end_to_end(harness: Harness) -> None:
    h = harness
    admin, teacher, ids = await _class(h)
    zhang, wang, li = ids["张小明"], ids["王小华"], ids["李小红"]

    # Monday: 张小明 and 王小华 absent without a reason, 李小红 sick (two taps).
    h.clock.now = local(2026, 3, 2, 8, 30)
    await teacher.send("/absent")
    sheet = teacher.last
    assert "三年级2班" in sheet.text and "2026-03-02" in sheet.text
    assert sorted(b["text"] for b in sheet.buttons()) == sorted(["张小明", "王小华", "李小红", "✅ 完成"])
    await teacher.press("李小红")
    assert "❌ 李小红·原因不明" in [b["text"] for b in teacher.last.buttons()]
    await teacher.send("/cancel")  # nothing stored until "done"
    assert await _absences(h) == []
    said = await _mark(teacher, {"张小明": 1, "王小华": 1, "李小红": 2})
    assert "3 人缺勤" in said and "李小红：病假" in said
    assert "请今天联系以下学生的监护人" in said and "张小明" in said.split("请今天联系")[1]
    assert "李小红" not in said.split("请今天联系")[1]
    monday = [(zhang, "2026-03-02", "unknown"), (wang, "2026-03-02", "unknown"), (li, "2026-03-02", "sick")]
    assert sorted(await _absences(h)) == sorted(monday)

    # Marking the same day again starts from what was stored, and updates rather than duplicates: 李小红 came.
    await teacher.send("/absent")
    labels = [b["text"] for b in teacher.last.buttons()]
    assert "❌ 张小明·原因不明" in labels and "🤒 李小红·病假" in labels
    await teacher.press("李小红")  # sick → on leave
    await teacher.press("李小红")  # on leave → present
    await teacher.press("完成")
    assert "2 人缺勤" in teacher.last_text
    assert sorted(await _absences(h)) == sorted(monday[:2])
    # Each child marked is audited: three, then the two still absent and the one now present.
    assert await h.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'attendance.mark'") == 6

    # The admin marks the class too: the head teacher is asked to call the guardian, once per child and day.
    await admin.send("/absent")
    await admin.press("完成")
    await admin.send("/absent")
    await admin.press("完成")
    calls = await h.fetchall("SELECT recipient_id, dedup_key FROM outbox WHERE kind = 'attendance.call'")
    assert sorted((r["recipient_id"], r["dedup_key"]) for r in calls) == [
        (TEACHER_ID, f"{zhang}:2026-03-02"),
        (TEACHER_ID, f"{wang}:2026-03-02"),
    ]

    # Tuesday and Wednesday: still absent without a reason; on the third school day both are suspected dropouts.
    h.clock.now = local(2026, 3, 3, 8, 30)
    assert "疑似辍学" not in await _mark(teacher, {"张小明": 1, "王小华": 1})
    h.clock.now = local(2026, 3, 4, 8, 30)
    said = await _mark(teacher, {"张小明": 1, "王小华": 1})
    assert "已连续 3 个上学日无故缺勤" in said
    await _mark(teacher, {})  # the day marked again: already on the ledger, no second alert
    cases = await h.fetchall("SELECT id, child_id, status, opened_on FROM dropout_cases ORDER BY child_id")
    assert [(r["child_id"], r["status"], r["opened_on"]) for r in cases] == sorted(
        [(zhang, "open", "2026-03-04"), (wang, "open", "2026-03-04")]
    )
    alerts = await h.fetchall("SELECT recipient_id FROM outbox WHERE kind = 'attendance.suspected'")
    assert [r["recipient_id"] for r in alerts] == [ADMIN_ID, ADMIN_ID]
    assert "新增疑似 2 · 在册 2 · 复学 0 · 辍学 0 · 劝返 0 次 · 缺勤 6 人次" in await _month_figure(admin)

    # The admins read the alert, open the case from it and record a home visit: 张小明 is back, the case closes.
    await drain(h)
    alert = next(m for m in admin.inbox if "疑似辍学" in m.text and "张小明" in m.text)
    await admin.press("查看并记录劝返", message=alert)
    assert "列入疑似辍学台账" in admin.last_text and "尚无劝返记录" in admin.last_text
    await admin.press("记录劝返")
    await admin.press("家访")
    await admin.send("\x07")  # a control character: refused politely, the step stays
    assert "控制" in admin.last_text or "字符" in admin.last_text
    await admin.send("与奶奶谈话，答应明天送回")
    await admin.press("已返校")
    assert "已记录劝返" in admin.last_text and "已销号" in admin.last_text
    zhang_case = next(r["id"] for r in cases if r["child_id"] == zhang)
    assert await h.fetchval("SELECT status FROM dropout_cases WHERE id = ?", (zhang_case,)) == "returned"
    assert "新增疑似 2 · 在册 1 · 复学 1 · 辍学 0 · 劝返 1 次" in await _month_figure(admin)

    # The head teacher follows the other case from /dropouts: a call, then the child is recorded as dropped out.
    await teacher.send("/dropouts")
    assert "未销号 1 人" in teacher.last_text and "王小华" in teacher.last_text
    await teacher.press("王小华")
    await teacher.press("记录劝返")
    await teacher.press("电话")
    await teacher.send("家长称已外出打工")
    await teacher.press("确认辍学")
    assert "已辍学" in teacher.last_text
    (event, *_) = await h.fetchall(
        "SELECT status, school_id, effective_date FROM enrolment_events WHERE child_id = ? ORDER BY id DESC", (wang,)
    )
    assert (event["status"], event["school_id"], event["effective_date"]) == ("dropped_out", 1, "2026-03-04")
    assert await h.fetchval("SELECT COUNT(*) FROM dropout_cases WHERE status = 'open'") == 0

    # The first school day of April (a Wednesday) reminds the admins of March's report, once.
    h.clock.now = local(2026, 4, 1, 8, 0)
    assert await attendance_service.queue_monthly_reminders(services(h)) == 1
    assert await attendance_service.queue_monthly_reminders(services(h)) == 0
    await drain(h)
    reminder = next(m for m in admin.inbox if "2026-03 的控辍保学月报" in m.text)
    await admin.press("生成 2026-03 月报", message=reminder)
    document = admin.last
    assert document.kind == "document" and document.document
    assert "疑似辍学 2 人，劝返 2 次，销号 1 人，辍学 1 人" in document.text
    book = load_workbook(io.BytesIO(document.document))
    assert book.sheetnames == ["汇总", "疑似辍学", "辍学", "劝返记录", "已销号"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert summary["月份"] == "2026-03"
    assert summary["本月新增疑似辍学人数"] == 2
    assert summary["月末仍未销号人数"] == 0
    assert summary["本月劝返成功（销号）人数"] == 1
    assert summary["本月确认辍学人数"] == 1
    assert summary["本月劝返次数"] == 2
    assert summary["其中：家访"] == 1 and summary["其中：电话"] == 1
    assert summary["本月缺勤人次：原因不明"] == 6

    def rows(name: str) -> list[tuple[object, ...]]:
        return list(book[name].iter_rows(min_row=2, values_only=True))

    assert sorted(r[0] for r in rows("疑似辍学")) == ["张小明", "王小华"]
    assert [(r[0], r[3], r[4]) for r in rows("辍学")] == [("王小华", "2026-03-04", "已辍学")]
    assert [(r[0], r[4]) for r in rows("已销号")] == [("张小明", "已返校（已销号）")]
    attempts = sorted((r[1], r[3], r[4], r[5], r[6]) for r in rows("劝返记录"))
    assert attempts == [
        ("张小明", "王校长", "家访", "与奶奶谈话，答应明天送回", "已返校（销号）"),
        ("王小华", "李老师", "电话", "家长称已外出打工", "确认辍学"),
    ]
    # This month's figures for /stats (counts only), for the school.
    figures = await attendance_service.month_figures(
        services(h), attendance_service.ChildFilter(school_ids=frozenset({1})), 2026, 3
    )
    assert (figures.suspected, figures.returned, figures.dropped_out, figures.attempts) == (2, 1, 1, 2)


async def test_weekends_are_not_school_days(harness: Harness) -> None:
    h = harness
    _admin, teacher, ids = await _class(h)
    # Thursday, Friday, then Monday: three school days in a row across the weekend.
    for day in (5, 6):
        h.clock.now = local(2026, 3, day, 8, 30)
        await _mark(teacher, {"张小明": 1})
    h.clock.now = local(2026, 3, 7, 9, 0)  # Saturday
    await teacher.send("/absent")
    assert "不是上学日" in teacher.last_text
    h.clock.now = local(2026, 3, 9, 8, 30)
    assert "已连续 3 个上学日无故缺勤" in await _mark(teacher, {"张小明": 1})
    assert await h.fetchval("SELECT child_id FROM dropout_cases") == ids["张小明"]
    assert rules.school_days_back(date(2026, 3, 9), 3) == [date(2026, 3, 9), date(2026, 3, 6), date(2026, 3, 5)]
    assert rules.first_school_day(2026, 2) == date(2026, 2, 2)  # 1 February 2026 is a Sunday


async def test_who_may_mark_and_follow(harness: Harness) -> None:
    h = harness
    admin, teacher, _ids = await _class(h)
    stranger = h.user(4999, "路人")
    await stranger.send("/absent")
    assert "只有班主任和学校管理员" in stranger.last_text
    await stranger.send("/dropouts")
    assert "只有班主任和学校管理员" in stranger.last_text
    await stranger.send("/monthly")
    assert "只有班主任和学校管理员" in stranger.last_text
    # A forged class id: refused, and the refusal audited.
    await teacher.send("/absent")
    await teacher.press_data("at:c:999")
    assert "只有班主任和学校管理员" in teacher.last_text
    await teacher.press_data("at:k:999")
    assert "只有班主任和学校管理员" in teacher.last_text
    await admin.send("/monthly 2026-13")
    assert "月份格式不对" in admin.last_text
