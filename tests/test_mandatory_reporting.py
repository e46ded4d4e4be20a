"""Mandatory reporting as the 2020 rules have it (高检发〔2020〕9号): their situations offered beside the 2016 ones,
the report to the police with its time, unit and receipt, a reminder once when no feedback is recorded three days
after, the register of reports as a workbook, and name-free counts for the county."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from bot.domain.roles import ChildFilter
from bot.domain.safety import ConcernKind, ConcernStatus
from bot.jobs.concerns import remind_police_feedback
from bot.services import concerns as concern_service
from tests.harness import Harness
from tests.test_safety_school import ADMIN_IDS, HEAD_ID, School, build_school, buttons_of, queued


@pytest.fixture
async def school(tmp_path: Path) -> School:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        yield await build_school(h)  # type: ignore[misc]


async def report(school: School, kind_label: str, what: str = "手臂、背上多处淤青，说是被打的。") -> int:
    teacher = school.people["subject_teacher"]
    await teacher.send("/concern 张小明")
    await teacher.press(kind_label)
    await teacher.send(what)
    await teacher.press("今天")
    assert "已上报" in teacher.last_text
    return int(await school.h.fetchval("SELECT MAX(id) FROM concerns"))


async def to_police(school: School, concern_id: int, when: str | None = None) -> None:
    admin = school.people["admin"]
    await admin.press_data(f"cc:cl:{concern_id}", message=admin.last)
    await admin.press("已报告公安机关")
    await admin.send("城关派出所")
    await admin.send("LC-2026-0042")
    if when is None:
        await admin.press("刚刚")
    else:
        await admin.send(when)
    assert "已记录报案并结案" in admin.last_text, admin.last_text


async def remind(school: School) -> None:
    await remind_police_feedback(SimpleNamespace(application=school.h.app, bot=school.h.app.bot))


async def test_the_2020_situations_are_offered_and_say_the_police_must_hear(school: School) -> None:
    teacher = school.people["subject_teacher"]
    await teacher.send("/concern 张小明")
    labels = [b["text"] for b in teacher.last.buttons()]
    assert labels[:3] == ["独自生活", "失踪/联系不上", "监护人无力照顾"]  # the 2016 situations first
    for mark in ("隐私部位", "不满14周岁", "14周岁以上", "多处损伤", "自杀", "遗弃", "拐卖", "乞讨", "不法侵害危险"):
        assert any(mark in label for label in labels), mark
    assert "受伤" not in labels  # the old kind is no longer offered
    await teacher.press("被组织乞讨")
    await teacher.send("周末在镇上被人带着乞讨。")
    await teacher.press("今天")
    assert "已上报" in teacher.last_text and "须立即向公安机关报案" in teacher.last_text
    assert await school.h.fetchval("SELECT kind FROM concerns") == "begging"
    # A 2016 situation is not one the police must hear of at once.
    await teacher.send("/concern 张小明")
    await teacher.press("独自生活")
    await teacher.send("一个人在家。")
    await teacher.press("今天")
    assert "已上报" in teacher.last_text and "公安机关" not in teacher.last_text


async def test_a_stored_old_kind_still_reads(school: School) -> None:
    await school.h.db.execute(
        "INSERT INTO concerns (child_id, reporter_id, kind, description, occurred_on, created_at, last_sent_at)"
        " VALUES (?, 2002, 'injured', '摔伤', '2026-03-01', '2026-03-01T01:00:00Z', '2026-03-01T01:00:00Z')",
        (school.own,),
    )
    admin = school.people["admin"]
    await admin.send("/concerns")
    assert "受伤" in admin.last_text


async def test_the_report_to_the_police_is_recorded_and_feedback_is_chased_once(school: School) -> None:
    concern_id = await report(school, "多处损伤")
    admin = school.people["admin"]
    await admin.send("/concerns")
    await to_police(school, concern_id, when="08:30")  # 2026-03-02 09:00 local now: earlier today
    row = await school.h.db.fetchone("SELECT * FROM police_reports WHERE concern_id = ?", (concern_id,))
    assert (row["police_unit"], row["receipt_no"], row["recorded_by"]) == ("城关派出所", "LC-2026-0042", ADMIN_IDS[0])
    assert row["reported_at"] == "2026-03-02T00:30:00+00:00"  # 08:30 in Asia/Shanghai, stored in UTC
    concern = await school.h.db.fetchone("SELECT status, outcome FROM concerns WHERE id = ?", (concern_id,))
    assert (concern["status"], concern["outcome"]) == ("closed", "police")
    audit = await school.h.fetchall("SELECT action, detail FROM audit_log WHERE action = 'concern.police'")
    assert [(r["action"], r["detail"]) for r in audit] == [("concern.police", f"concern={concern_id}")]

    school.h.clock.advance(days=2, hours=23)
    await remind(school)
    assert await queued(school.h, ADMIN_IDS[0], "concern_feedback") == []  # not three days yet
    school.h.clock.advance(hours=1)
    await remind(school)
    await remind(school)  # a second tick: still one reminder each
    for admin_id in ADMIN_IDS:
        (note,) = await queued(school.h, admin_id, "concern_feedback")
        assert not note.urgent and "还没有记录公安机关的反馈" in note.text and "LC-2026-0042" in note.text
        assert "张小明" not in note.text
        assert [b["callback_data"] for b in buttons_of(note)] == [f"cc:fb:{concern_id}"]
    assert await queued(school.h, HEAD_ID, "concern_feedback") == []

    await admin.press_data(f"cc:fb:{concern_id}", message=admin.last)
    assert "反馈是什么" in admin.last_text
    await admin.send("已立案侦查，孩子已由祖母接回。")
    assert "反馈已记录" in admin.last_text
    row = await school.h.db.fetchone(
        "SELECT feedback, feedback_by FROM police_reports WHERE concern_id = ?", (concern_id,)
    )
    assert (row["feedback"], row["feedback_by"]) == ("已立案侦查，孩子已由祖母接回。", ADMIN_IDS[0])


async def test_feedback_in_time_means_no_reminder_and_only_admins_record_it(school: School) -> None:
    concern_id = await report(school, "被遗弃")
    admin = school.people["admin"]
    await admin.send("/concerns")
    await to_police(school, concern_id)
    head = school.people["head_teacher"]
    await head.press_data(f"cc:fb:{concern_id}", message=head.last)
    assert "反馈是什么" not in head.last_text
    await admin.press_data(f"cc:fb:{concern_id}", message=admin.last)
    await admin.send("派出所已联系村委会。")
    school.h.clock.advance(days=4)
    await remind(school)
    assert await queued(school.h, ADMIN_IDS[0], "concern_feedback") == []


async def test_a_report_time_in_the_future_is_refused_and_nothing_lost(school: School) -> None:
    concern_id = await report(school, "多处损伤")
    admin = school.people["admin"]
    await admin.send("/concerns")
    await admin.press_data(f"cc:cl:{concern_id}", message=admin.last)
    await admin.press("已报告公安机关")
    await admin.send("城关派出所")
    await admin.send("LC-1")
    await admin.send("2026-03-05 10:00")
    assert "请输入报案时间" in admin.last_text
    assert await school.h.fetchval("SELECT COUNT(*) FROM police_reports") == 0
    await admin.send("2026-03-01 16:45")
    assert "已记录报案并结案" in admin.last_text
    assert await school.h.fetchval("SELECT reported_at FROM police_reports") == "2026-03-01T08:45:00+00:00"


async def test_the_register_opens_and_matches_the_records(school: School) -> None:
    police_case = await report(school, "多处损伤")
    open_case = await report(school, "独自生活", "一个人在家。")
    admin = school.people["admin"]
    await admin.send("/concerns")
    await to_police(school, police_case)
    await admin.send("/concerns")
    await admin.press("强制报告登记簿")
    sent = admin.last
    assert sent.kind == "document" and sent.document and "2 条" in sent.text
    sheet = load_workbook(io.BytesIO(sent.document)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "儿童", "班级", "情形") and "回执编号" in rows[0]
    receipt, unit, when = rows[0].index("回执编号"), rows[0].index("受案公安机关"), rows[0].index("报案时间")
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {police_case, open_case}
    assert by_id[police_case][1] == "张小明" and by_id[police_case][2] == "三年级2班"
    assert (by_id[police_case][unit], by_id[police_case][receipt]) == ("城关派出所", "LC-2026-0042")
    assert by_id[police_case][when] == datetime(2026, 3, 2, 9, 0)  # local time
    assert by_id[open_case][receipt] in ("", None) and "独自生活" in by_id[open_case]
    audited = await school.h.fetchall("SELECT child_id FROM audit_log WHERE action = 'concern.register'")
    assert [r["child_id"] for r in audited] == [school.own]
    # Not an admin: no register button, and a forged press is refused.
    teacher = school.people["subject_teacher"]
    await teacher.send("/concerns")
    assert all("登记簿" not in b["text"] for b in teacher.last.buttons())
    await teacher.press_data("cc:reg", message=teacher.last)
    assert teacher.last.kind != "document"


async def test_the_county_count_has_no_names(school: School) -> None:
    police_case = await report(school, "多处损伤")
    await report(school, "独自生活", "一个人在家。")
    admin = school.people["admin"]
    await admin.send("/concerns")
    await to_police(school, police_case)
    counts = await concern_service.county_counts(school.services, ChildFilter(everyone=True))
    assert {(c.school_id, c.kind, c.status, c.count, c.police, c.awaiting_feedback) for c in counts} == {
        (1, ConcernKind.VIOLENCE, ConcernStatus.CLOSED, 1, 1, 1),
        (1, ConcernKind.ALONE, ConcernStatus.OPEN, 1, 0, 0),
    }
    assert "张小明" not in repr(counts)
    other_school = await concern_service.county_counts(school.services, ChildFilter(school_ids=frozenset({2})))
    assert other_school == []


def test_report_times_are_read_in_local_time() -> None:
    from zoneinfo import ZoneInfo

    from bot.domain.safety import parse_report_time
    from bot.domain.validation import InvalidInput

    now = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert parse_report_time("08：30", now_local=now).astimezone(UTC) == datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    for bad in ("09:30", "yesterday", "2024-01-01 10:00", ""):
        with pytest.raises(InvalidInput):
            parse_report_time(bad, now_local=now)
