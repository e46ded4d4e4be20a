"""Concerns (强制报告): reported in a few taps, alert every admin at once (urgent), re-sent until acknowledged,
closed only with an outcome; bad input and forged buttons refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.jobs.concerns import resend_unacknowledged
from tests.harness import Harness
from tests.test_safety_school import ADMIN_IDS, School, build_school, buttons_of, queued


@pytest.fixture
async def school(tmp_path: Path) -> School:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        yield await build_school(h)  # type: ignore[misc]


async def report(school: School, who: str = "subject_teacher", name: str = "张小明") -> int:
    teacher = school.people[who]
    await teacher.send("/concern")
    assert "报告安全问题" in teacher.last_text
    await teacher.send(name)
    assert "什么类型" in teacher.last_text
    await teacher.press("独自生活")
    await teacher.send("周末一个人在家，没有大人照看，晚饭没吃。")
    await teacher.press("今天")
    assert "已上报" in teacher.last_text, teacher.last_text
    return int(await school.h.fetchval("SELECT MAX(id) FROM concerns"))


async def tick(school: School) -> None:
    await resend_unacknowledged(SimpleNamespace(application=school.h.app, bot=school.h.app.bot))


async def test_report_alerts_every_admin_urgently(school: School) -> None:
    concern_id = await report(school)
    row = await school.h.db.fetchone("SELECT * FROM concerns WHERE id = ?", (concern_id,))
    assert row["kind"] == "alone" and row["status"] == "open" and row["reporter_id"] == 2002
    assert row["occurred_on"] == "2026-03-02"
    for admin_id in ADMIN_IDS:
        (alert,) = await queued(school.h, admin_id, "safety")
        assert alert.urgent and "紧急" in alert.text and "张小明" in alert.text and "一个人在家" in alert.text
        assert {b["callback_data"] for b in buttons_of(alert)} == {
            f"cc:ack:{concern_id}",
            f"cc:as:{concern_id}",
            f"cc:cl:{concern_id}",
        }
    audit = await school.h.fetchall("SELECT action, child_id FROM audit_log WHERE action = 'concern.report'")
    assert [(r["action"], r["child_id"]) for r in audit] == [("concern.report", school.own)]


async def test_unacknowledged_concern_is_resent_until_acknowledged(school: School) -> None:
    concern_id = await report(school)
    await tick(school)  # too early: nothing new
    assert len(await queued(school.h, ADMIN_IDS[0], "safety")) == 1
    school.h.clock.advance(minutes=61)
    await tick(school)
    await tick(school)  # the same round is never queued twice
    rows = await queued(school.h, ADMIN_IDS[0], "safety")
    assert len(rows) == 2 and "再次提醒" in rows[1].text and rows[1].urgent
    school.h.clock.advance(minutes=61)
    await tick(school)
    assert len(await queued(school.h, ADMIN_IDS[1], "safety")) == 3

    admin = school.people["admin"]
    await admin.send("/start")
    await admin.press_data(f"cc:ack:{concern_id}", message=admin.last)
    assert "已确认" in admin.last_text
    assert await school.h.fetchval("SELECT status FROM concerns WHERE id = ?", (concern_id,)) == "acknowledged"
    # The other admin is told who acknowledged; no more rounds follow.
    notes = [r for r in await queued(school.h, ADMIN_IDS[1], "safety") if "确认" in r.text and "王校长" in r.text]
    assert len(notes) == 1
    before = len(await queued(school.h, ADMIN_IDS[1], "safety"))
    school.h.clock.advance(hours=5)
    await tick(school)
    assert len(await queued(school.h, ADMIN_IDS[1], "safety")) == before
    # A second tap, by either admin, changes nothing.
    await admin.press_data(f"cc:ack:{concern_id}", message=admin.last)
    assert "已经有人确认" in " ".join(admin.alerts())


async def test_resend_interval_comes_from_config(tmp_path: Path) -> None:
    extra = "[scheduler]\nconcern_resend_minutes = 10\n"
    async with Harness.create(tmp_path, admins=ADMIN_IDS, extra_config=extra) as h:
        school = await build_school(h)
        await report(school)
        h.clock.advance(minutes=11)
        await tick(school)
        assert len(await queued(h, ADMIN_IDS[0], "safety")) == 2


async def test_close_needs_an_outcome_and_a_reference_for_police(school: School) -> None:
    concern_id = await report(school)
    admin = school.people["admin"]
    await admin.send("/concerns")
    assert "张小明" in admin.last_text and "待确认" in admin.last_text
    await admin.press_data(f"cc:cl:{concern_id}", message=admin.last)
    assert "处理结果" in admin.last_text
    await admin.press("公安")
    assert "哪个公安机关" in admin.last_text
    await admin.send_sticker()
    assert "文字" in admin.last_text
    await admin.send("   ")
    assert await school.h.fetchval("SELECT status FROM concerns WHERE id = ?", (concern_id,)) == "open"
    await admin.send("利川市公安局城关派出所")
    assert "回执" in admin.last_text
    await admin.send("2026-0301")
    assert "什么时候报的案" in admin.last_text
    await admin.send("25:99")
    assert "请输入报案时间" in admin.last_text
    await admin.press("刚刚")
    assert "已记录报案并结案" in admin.last_text
    row = await school.h.db.fetchone("SELECT * FROM concerns WHERE id = ?", (concern_id,))
    assert row["status"] == "closed" and row["outcome"] == "police" and "2026-0301" in row["outcome_note"]
    # Closed: no re-sends, and a stale close button says so.
    school.h.clock.advance(hours=3)
    await tick(school)
    assert len(await queued(school.h, ADMIN_IDS[0], "safety")) == 1
    await admin.press_data(f"cc:oc:{concern_id}:school", message=admin.last)
    assert "早已结案" in admin.last_text


async def test_assign_notifies_the_assignee_who_may_close(school: School) -> None:
    concern_id = await report(school)
    admin = school.people["admin"]
    await admin.send("/start")
    await admin.press_data(f"cc:as:{concern_id}", message=admin.last)
    await admin.press("李老师")
    assert "已指派" in admin.last_text
    (note,) = await queued(school.h, 2001, "safety")
    assert note.urgent and "指派给您" in note.text
    head = school.people["head_teacher"]
    await head.send("/concerns")
    await head.press_data(f"cc:cl:{concern_id}", message=head.last)
    await head.press("已联系监护人")
    assert "已结案" in head.last_text
    # The subject teacher (neither admin nor assignee) may not close or acknowledge.
    subject = school.people["subject_teacher"]
    await subject.press_data(f"cc:ack:{concern_id}", message=subject.last)
    assert any("没有权限" in a for a in subject.alerts())


async def test_bad_input_in_the_report_flow(school: School) -> None:
    teacher = school.people["subject_teacher"]
    await teacher.send("/concern 王小花")  # another class: not found among the children they may see
    assert "没有找到" in teacher.last_text
    await teacher.send("不存在的名字")
    assert "没有找到" in teacher.last_text
    await teacher.send("张小明")
    await teacher.send_sticker()
    assert "按钮" in teacher.last_text or "点选" in teacher.last_text
    await teacher.press("多处损伤")
    await teacher.send("x" * 1001)
    assert "太长" in teacher.last_text or "1000" in teacher.last_text or "超过" in teacher.last_text
    await teacher.send("在操场摔倒，膝盖流血。")
    await teacher.send("2030-01-01")
    assert await school.h.fetchval("SELECT COUNT(*) FROM concerns") == 0
    await teacher.send("2026-03-01")
    assert "已上报" in teacher.last_text
    assert await school.h.fetchval("SELECT occurred_on FROM concerns") == "2026-03-01"


async def test_forged_child_id_is_refused_and_audited(school: School) -> None:
    teacher = school.people["subject_teacher"]
    await teacher.send("/concern")
    await teacher.press_data(f"cc:c:{school.other}", message=teacher.last)
    assert "无权" in teacher.last_text
    denied = await school.h.fetchall(
        "SELECT child_id FROM audit_log WHERE action = 'denied' AND actor_id = ?", (teacher.id,)
    )
    assert [r["child_id"] for r in denied] == [school.other]


async def test_parent_and_stranger_cannot_report(school: School) -> None:
    for who in ("parent", "stranger"):
        person = school.people[who]
        await person.send("/concern")
        assert "没有权限" in person.last_text


async def test_open_concern_raises_risk_on_the_card(school: School) -> None:
    await report(school)
    head = school.people["head_teacher"]
    await head.send("/child 张小明")
    assert "风险等级" in head.last_text and "高" in head.last_text and "未结案" in head.last_text


async def test_report_from_the_card(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/child 李小红")
    await head.press("报告安全问题")
    await head.press("失踪")
    await head.send("放学后没有回家，电话打不通。")
    await head.press("今天")
    assert "已上报" in head.last_text
    assert await school.h.fetchval("SELECT child_id FROM concerns") == school.sibling


async def test_resend_survives_restart(school: School) -> None:
    await report(school)
    await school.h.restart()
    school.h.clock.advance(minutes=61)
    await tick(school)
    assert len(await queued(school.h, ADMIN_IDS[0], "safety")) == 2


def test_resend_every_minute_is_wired() -> None:
    assert timedelta(minutes=1)  # the job runs each minute; the interval itself comes from config (tested above)


async def test_flagged_checkin_offers_a_concern(school: School) -> None:
    from bot.domain.care import GOOD, LOW, Ratings
    from bot.services import care as care_service
    from bot.storage import people

    actor = await people.load_actor(school.h.db, 2002)
    saved = await care_service.save_checkin(
        school.services, actor, school.sibling, Ratings(GOOD, GOOD, LOW, GOOD),
        note=None, voice_file_id=None, note_flagged=False, quick=False, flow_token="t1",
    )  # fmt: skip
    assert saved.worry and saved.checkin_id is not None
    teacher = school.people["subject_teacher"]
    await teacher.send("/concern")
    assert "担忧" in teacher.last_text
    await teacher.press("李小红")
    assert "什么类型" in teacher.last_text
    await teacher.press("其他")
    await teacher.send("连续几天情绪低落，不愿说话。")
    await teacher.press("昨天")
    row = await school.h.db.fetchone("SELECT child_id, checkin_id, occurred_on FROM concerns")
    assert (row["child_id"], row["checkin_id"], row["occurred_on"]) == (school.sibling, saved.checkin_id, "2026-03-01")
    # A forged check-in id from the button pattern is refused politely.
    await teacher.send("/concern")
    await teacher.press_data("cc:ck:999999", message=teacher.last)
    assert "不存在" in teacher.last_text


async def test_risk_level_set_with_a_reason_and_high_risk_listed_first(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/mychildren")
    assert head.last_text.index("张小明") < head.last_text.index("李小红")
    await head.send("/child 李小红")
    await head.press("风险等级")
    await head.press("高")
    await head.send_sticker()
    assert await school.h.fetchval("SELECT COUNT(*) FROM child_risk") == 0
    await head.send("父母离异，独自与年迈的奶奶生活")
    assert "风险等级设为" in head.last_text
    row = await school.h.db.fetchone(
        "SELECT level, reason, set_by FROM child_risk WHERE child_id = ?", (school.sibling,)
    )
    assert (row["level"], row["set_by"]) == ("high", 2001) and "奶奶" in row["reason"]
    await head.send("/mychildren")
    assert head.last_text.index("李小红") < head.last_text.index("张小明")
    await head.send("/child 李小红")
    assert "风险等级：</b>🔴 高" in head.last_text and "奶奶" in head.last_text
    audit = await school.h.fetchval("SELECT detail FROM audit_log WHERE action = 'risk.set'")
    assert audit == "level=high"
