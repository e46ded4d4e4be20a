"""Boarding requests (left-behind first, admins decide), enrolment history (never overwritten, registration
counts as enrolled), and the timeline (newest first, paginated, who and when, no counselling records)."""

from __future__ import annotations

from tests.care_fixture import OTHER_TEACHER_ID, TEACHER_ID, joined, other_head_teacher, rows, school
from tests.harness import Harness
from tests.helpers import register_child


def card_button(user_text_buttons: list[dict[str, str]], label: str) -> str:
    return next(b["callback_data"] for b in user_text_buttons if label in b["text"])


async def test_registration_counts_as_enrolled(harness: Harness) -> None:
    s = await school(harness)
    events = await rows(harness, "enrolment_events")
    assert [(e["child_id"], e["status"], e["effective_date"], e["source"], e["recorded_by"]) for e in events] == [
        (s.child_id, "enrolled", "2026-03-02", "registration", TEACHER_ID)
    ]
    current = await harness.fetchall("SELECT child_id, status FROM child_enrolment_current")
    assert [(c["child_id"], c["status"]) for c in current] == [(s.child_id, "enrolled")]


async def test_drop_out_and_re_enrol_keeps_history(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/child 张小明")
    await s.teacher.press("学籍状态")
    assert "在读" in s.teacher.last_text
    await s.teacher.press("辍学")
    await s.teacher.send("2026-03-05")
    assert "不能晚于今天" in s.teacher.last_text
    await s.teacher.send("2026-03-01")
    assert "早于上一次学籍变动" in s.teacher.last_text
    await s.teacher.press("今天")
    await s.teacher.send("随父母外出打工")
    save = card_button(s.teacher.last_with_buttons().buttons(), "确认保存")
    await s.teacher.press_data(save)
    await s.teacher.press_data(save)  # double tap
    assert "已记录" in joined(s.teacher.inbox[-3:])
    await s.admin.send("/pair 张小明")
    await s.admin.press("李老师")
    await s.admin.press("每 7 天")
    harness.clock.advance(days=20)
    await s.teacher.send("/mychildren")
    assert "已辍学" in s.teacher.last_text and "逾期" not in s.teacher.last_text  # no visits due for a dropout
    await s.teacher.send("/child 张小明")
    await s.teacher.press("学籍状态")
    assert "辍学" in s.teacher.last_text and "随父母外出打工" in s.teacher.last_text
    start_again = card_button(s.teacher.last_with_buttons().buttons(), "重新入学")
    await s.teacher.press_data(start_again)
    await s.teacher.press("今天")
    await s.teacher.press("跳过")
    await s.teacher.press("确认保存")
    await s.teacher.send("/mychildren")
    assert "已辍学" not in s.teacher.last_text and "逾期" in s.teacher.last_text  # back in school, and overdue
    events = await rows(harness, "enrolment_events")
    assert [(e["status"], e["effective_date"], e["reason"]) for e in events] == [
        ("enrolled", "2026-03-02", None),
        ("dropped_out", "2026-03-02", "随父母外出打工"),
        ("enrolled", "2026-03-22", None),
    ]
    # A stale "re-enrol" button from the old message is refused now that the child is enrolled.
    await s.teacher.press_data(start_again)
    assert "学籍状态已经变了" in s.teacher.last_text
    assert len(await rows(harness, "enrolment_events")) == 3
    # Another class's head teacher cannot change it (forged button).
    other = await other_head_teacher(harness, s.admin)
    await other.press_data(f"en:s:{s.child_id}:transferred", message=other.last)
    assert "没有权限" in other.last_text
    assert len(await rows(harness, "enrolment_events")) == 3


async def test_boarding_requests_left_behind_first_and_granted_once(harness: Harness) -> None:
    s = await school(harness)
    second = await register_child(s.teacher, "李小红", "2014-05-01")
    await harness.db.execute("UPDATE children SET parents_away = 'father' WHERE id = ?", (second,))
    for child_id in (second, s.child_id):  # the one-parent-away child asks first
        await s.teacher.send(f"/child {'李小红' if child_id == second else '张小明'}")
        await s.teacher.press("申请寄宿")
    assert "已为 张小明 提交寄宿申请" in s.teacher.last_text.replace("<b>", "").replace("</b>", "")
    await s.teacher.press_data(f"bo:rq:{s.child_id}", message=s.teacher.last)
    assert "已有待审批" in s.teacher.last_text
    assert len(await rows(harness, "boarding_requests")) == 2

    await s.teacher.send("/boarding")
    listing = s.teacher.last_text
    assert listing.index("张小明") < listing.index("李小红")  # both parents away comes first
    assert not s.teacher.last.buttons()  # head teachers see the list, admins decide
    await s.teacher.press_data("bo:y:1", message=s.teacher.last)
    assert "没有权限" in s.teacher.last_text

    await s.admin.send("/boarding")
    grant = card_button(s.admin.last.buttons(), "批准 1")
    await s.admin.press_data(grant)
    await s.admin.press_data(grant)
    assert "已经处理过了" in s.admin.last_text
    requests = await rows(harness, "boarding_requests")
    decided = [r for r in requests if r["status"] == "granted"]
    assert [r["child_id"] for r in decided] == [s.child_id] and decided[0]["decided_by"] is not None
    boarding = await harness.fetchval("SELECT boarding FROM children WHERE id = ?", (s.child_id,))
    assert boarding == "yes"
    await s.admin.send("/boarding")
    assert "张小明" not in s.admin.last_text and "李小红" in s.admin.last_text


async def test_timeline_newest_first_paginated_and_without_counselling(harness: Harness) -> None:
    s = await school(harness)
    # A counselling record: it belongs to counsellors and must never reach the timeline.
    await harness.db.execute(
        "CREATE TABLE IF NOT EXISTS counselling_sessions (id INTEGER PRIMARY KEY, child_id INTEGER NOT NULL,"
        " counsellor_id INTEGER NOT NULL, session_date TEXT NOT NULL, topic TEXT NOT NULL, notes TEXT NOT NULL,"
        " followup TEXT, shared INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL)"
    )
    await harness.db.execute(
        "INSERT INTO counselling_sessions (child_id, counsellor_id, session_date, topic, notes, shared, created_at)"
        " VALUES (?, 9, '2026-03-02', '秘密话题', '心理辅导机密内容', 1, '2026-03-02T02:00:00+00:00')",
        (s.child_id,),
    )
    for _ in range(9):
        harness.clock.advance(hours=1)
        await s.teacher.send("/checkin 张小明")
        await s.teacher.press("一切正常")
    harness.clock.advance(hours=1)
    await s.teacher.send("/visit 张小明")
    await s.teacher.press("家访")
    await s.teacher.press("今天")
    await s.teacher.press("跳过")
    await s.teacher.send("最新的家访")
    await s.teacher.press("不需要")
    await s.teacher.press("确认保存")

    await s.teacher.send("/child 张小明")
    await s.teacher.press("时间线")
    page1 = s.teacher.last_text
    assert "共 11 条" in page1 and "第 1/2 页" in page1  # 9 check-ins, 1 visit, 1 enrolment
    assert page1.index("最新的家访") < page1.index("一切正常")  # newest first
    assert "李老师" in page1 and "2026-03-02 19:00" in page1  # who and when (Shanghai time)
    assert "机密" not in page1 and "秘密" not in page1
    await s.teacher.press("下一页")
    page2 = s.teacher.last_text
    assert "第 2/2 页" in page2 and "学籍" in page2 and "机密" not in page2
    audit = await harness.fetchall("SELECT detail FROM audit_log WHERE action = 'care.timeline'")
    assert [a["detail"] for a in audit] == ["offset=0", "offset=8"]

    # Another class's teacher cannot read it, even with a forged button; nor can a parent.
    other = await other_head_teacher(harness, s.admin)
    await other.press_data(f"tl:{s.child_id}:0", message=other.last)
    assert "无权查看" in other.last_text
    denied = await harness.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'denied'", (OTHER_TEACHER_ID,)
    )
    assert denied == 1


async def test_timeline_names_pairings_buddies_boarding_and_follow_ups(harness: Harness) -> None:
    s = await school(harness)
    await s.admin.send("/pair 张小明")
    await s.admin.press("李老师")
    await s.admin.press("每 7 天")
    await s.teacher.send("/buddy 张小明")
    await s.teacher.send("王小刚")
    await s.teacher.send("/child 张小明")
    await s.teacher.press("申请寄宿")
    await s.admin.send("/boarding")
    await s.admin.press("不批准 1")
    await s.teacher.send("/visit 张小明")
    await s.teacher.press("家访")
    await s.teacher.press("今天")
    await s.teacher.press("跳过")
    await s.teacher.send("看望")
    await s.teacher.press("添加跟进事项")
    await s.teacher.send("送学习用品")
    await s.teacher.press("3 天后")
    await s.teacher.press("确认保存")
    await s.teacher.send("/followups")
    await s.teacher.press("完成 1")
    await s.teacher.send("/child 张小明")
    await s.teacher.press("时间线")
    text = s.teacher.last_text
    for expected in (
        "结对帮扶：李老师，每 7 天",
        "手拉手同学：王小刚",
        "申请寄宿",
        "寄宿申请未批准",
        "跟进完成：送学习用品",
    ):
        assert expected in text, expected
    assert "王校长" in text  # who decided / paired
    assert await harness.fetchval("SELECT boarding FROM children WHERE id = ?", (s.child_id,)) == "no"


async def test_a_mentor_from_another_class_logs_care_for_their_mentee_only(harness: Harness) -> None:
    s = await school(harness)
    other = await other_head_teacher(harness, s.admin)
    await register_child(other, "李小红")
    await s.admin.send("/pair 张小明")
    await s.admin.press("赵老师")
    await s.admin.press("每 14 天")
    await other.send("/checkin")
    names = [b["text"] for b in other.last_with_buttons().buttons()]
    assert any("张小明" in n for n in names) and any("李小红" in n for n in names)
    await other.press("张小明")
    await other.press("一切正常")
    assert [(r["child_id"], r["author_id"]) for r in await rows(harness, "checkins")] == [
        (s.child_id, OTHER_TEACHER_ID)
    ]
    # The mentor sees the timeline but may not change the card's enrolment or ask for boarding.
    await other.send("/child 张小明")
    labels = [b["text"] for b in other.last.buttons()]
    assert any("时间线" in label for label in labels)
    assert not any("学籍" in label or "寄宿" in label for label in labels)
    await other.press_data(f"bo:rq:{s.child_id}", message=other.last)
    assert "没有权限" in other.last_text
    assert await rows(harness, "boarding_requests") == []
