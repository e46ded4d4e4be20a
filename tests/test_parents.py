"""The parents' half of the plan, through the running bot: the entrusted carer in writing, notices to a class of
40 families under 429s with confirmations, one reminder only to the unconfirmed, who may send to whom, and the
weekly update's ✅."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.clock import to_db
from bot.domain.roles import ChildFilter
from bot.jobs import parents as parents_job
from bot.services import notices as notices_service
from tests.green_fixture import TEACHER_ID, drain, local, outbox_rows, school, services, tick
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher

FAMILY = 90_000


async def class_of(h: Harness, child_id: int) -> int:
    return int(await h.fetchval("SELECT class_id FROM children WHERE id = ?", (child_id,)))


async def add_families(h: Harness, class_id: int, count: int) -> list[TestUser]:
    """`count` more children of the class, each with one bound parent (written straight to the database: the
    registration and invitation flows have their own tests)."""
    now = to_db(h.clock())
    users = []
    async with h.db.transaction():
        for index in range(count):
            child = await h.db.insert(
                "INSERT INTO children (name, sex, birth_date, class_id, parents_away, created_at, updated_at)"
                " VALUES (?, 'female', '2015-05-05', ?, ?, ?, ?)",
                (f"学生{index}", class_id, "both" if index % 2 else "father", now, now),
            )
            user_id = FAMILY + index
            await h.db.execute("INSERT INTO users (id, full_name, created_at) VALUES (?, ?, ?)",
                               (user_id, f"家长{index}", now))  # fmt: skip
            await h.db.execute(
                "INSERT INTO guardians (user_id, child_id, relationship, bound_at) VALUES (?, ?, 'mother', ?)",
                (user_id, child, now),
            )
            users.append(h.user(user_id, f"家长{index}"))
    return users


async def send_class_notice(teacher: TestUser, audience: str = "三年级2班全体家长") -> None:
    await teacher.send("/notice")
    await teacher.press("写新通知")
    await teacher.press(audience)
    await teacher.press("防溺水")
    assert "防溺水安全提醒" in teacher.last_text
    await teacher.press("下一步")
    await teacher.press("确认")


async def test_a_notice_to_40_families_goes_once_each_under_429s_and_the_reminder_only_to_the_unconfirmed(
    harness: Harness,
) -> None:
    _admin, teacher, child_id, parents = await school(harness)
    families = parents + await add_families(harness, await class_of(harness, child_id), 39)
    await send_class_notice(teacher)
    assert "共 40 户家长" in teacher.last_text
    await teacher.press("发送")
    assert "40 户家长" in teacher.last_text
    harness.api.fail("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5, times=3)
    await drain(harness)
    for family in families:
        got = family.new_messages()
        assert len(got) == 1, family.id
        assert got[0].text.startswith("<b>请看完后点下面「✅ 收到」：</b>")
        assert "防溺水" in got[0].text
    rows = await outbox_rows(harness, notices_service.NOTICE)
    assert len(rows) == 40 and {r["status"] for r in rows} == {"sent"}
    assert await drain(harness) == 0  # nothing is sent twice

    confirmed, waiting = families[:25], families[25:]
    for family in confirmed:
        await family.press("收到")
        assert "已收到您的确认" in family.last_text
    await confirmed[0].press("收到")  # a second tap on the same notice
    assert confirmed[0].alerts()[-1] == "您已经回复过了，谢谢。"

    await teacher.send("/notice")
    await teacher.press("已发的通知")
    assert "25/40" in teacher.last_with_buttons().buttons()[0]["text"]
    await teacher.press("25/40")
    assert "三年级2班：25/40，未回复：" in teacher.last_text
    assert "家长30" in teacher.last_text and "家长3、" not in teacher.last_text

    assert await parents_job.run(services(harness)) >= 0
    assert await outbox_rows(harness, notices_service.REMINDER) == []  # not before its time
    harness.clock.advance(hours=24, minutes=1)
    await parents_job.run(services(harness))
    await parents_job.run(services(harness))  # idempotent
    await drain(harness)
    reminded = {r["recipient_id"] for r in await outbox_rows(harness, notices_service.REMINDER)}
    assert reminded == {family.id for family in waiting}
    for family in waiting:
        assert sum("提醒：学校的通知您还没有回复" in s.text for s in family.inbox) == 1
    for family in confirmed:
        assert not any("提醒：学校的通知" in s.text for s in family.inbox)


async def test_a_notice_with_a_photo_and_choices_is_sent_by_file_id_and_answers_are_counted(harness: Harness) -> None:
    _admin, teacher, _child_id, parents = await school(harness)
    await teacher.send("/notice")
    await teacher.press("写新通知")
    await teacher.press("三年级2班全体家长")
    await teacher.press("自己写")
    await teacher.send_photo()
    assert "附图片" in teacher.last_text
    await teacher.send("周六家长会，您能来吗？")
    await teacher.press("下一步")
    await teacher.press("选一个")
    await teacher.send("能来\n来不了")
    await teacher.press("发送")
    await drain(harness)
    call = harness.api.calls_of("sendPhoto")[-1]
    assert call.params["photo"] == "ph1" and "周六家长会" in call.params["caption"]
    mother = parents[0]
    assert mother.last.kind == "photo"
    await mother.press("来不了")
    assert "来不了" in mother.last_text


async def test_who_may_send_to_whom(harness: Harness) -> None:
    admin, teacher, child_id, _parents = await school(harness)
    class_id = await class_of(harness, child_id)
    other = await make_head_teacher(harness, admin, 4199, "三年级 3班")
    await other.send("/notice")
    await other.press("写新通知")
    labels = [b["text"] for b in other.last_with_buttons().buttons()]
    assert "三年级3班全体家长" in labels and not any("2班" in label for label in labels)
    nonce = other.last_with_buttons().buttons()[0]["callback_data"].split(":")[2]
    await other.press_data(f"nt:p:{nonce}:0:c{class_id}")  # a forged audience: this class
    assert "没有权限" in other.last_text or "无权" in other.last_text or "不能" in other.last_text
    await other.press_data(f"nt:p:{nonce}:0:s1")  # the whole school
    now = to_db(harness.clock())
    await harness.db.execute("INSERT INTO schools (id, name, created_at) VALUES (2, '第二小学', ?)", (now,))
    await harness.db.execute("INSERT INTO users (id, full_name, created_at) VALUES (4300, '赵校长', ?)", (now,))
    await harness.db.execute(
        "INSERT INTO staff_roles (user_id, role, school_id, granted_at) VALUES (4300, 'admin', 2, ?)", (now,)
    )
    stranger = harness.user(4300, "赵校长")
    await stranger.send("/notice")
    await stranger.press("写新通知")
    labels = [b["text"] for b in stranger.last_with_buttons().buttons()]
    assert "全校家长" in labels and not any("三年级" in label for label in labels)
    nonce = stranger.last_with_buttons().buttons()[0]["callback_data"].split(":")[2]
    await stranger.press_data(f"nt:p:{nonce}:0:s1")
    await stranger.press_data(f"nt:p:{nonce}:0:c{class_id}")
    assert await harness.fetchval("SELECT COUNT(*) FROM notices") == 0
    assert await outbox_rows(harness, notices_service.NOTICE) == []
    await send_class_notice(teacher)
    assert "共 1 户家长" in teacher.last_text


async def test_a_parent_names_the_carer_and_the_other_parent_and_the_head_teacher_are_told(harness: Harness) -> None:
    _admin, teacher, _child_id, (mother, father) = await school(harness, parents=2)
    await mother.send("/guardian")
    assert "请写下照护人的姓名" in mother.last_text
    await mother.send("王桂兰")
    await mother.press("奶奶")
    await mother.send("12345")
    assert "电话号码不对" in mother.last_text
    await mother.send("13900001111")
    await mother.send("利川市柏杨镇水井村3组")
    await mother.press("吸毒")
    await mother.press("提交")
    assert "还有没打 ✔ 的条目" in mother.last_text
    for label in ("完全民事行为能力", "性侵害", "拒不履行", "听过孩子的意见"):
        await mother.press(label)
    assert all(b["text"].startswith("✔") for b in mother.last_with_buttons().buttons()[:5])
    await mother.press("提交")
    assert "已书面告知学校" in mother.last_text and "王桂兰" in mother.last_text
    await drain(harness)
    assert "张小明的委托照护人已确认" in father.last_text and "张妈妈" in father.last_text
    assert "委托照护人有变化" in teacher.last_text and "13900001111" in teacher.last_text
    await teacher.send("/child 张小明")
    assert "书面告知 2026-03-02 ✔" in teacher.last_text

    # Next school year: one reminder per child; the father confirms unchanged; the teacher hears nothing new.
    harness.clock.now = local(2026, 9, 7, 10)
    await parents_job.run(services(harness))
    await parents_job.run(services(harness))
    await drain(harness)
    assert sum("新学年请确认" in s.text for s in father.inbox) == 1
    teacher_seen = len(teacher.inbox)
    await father.press("确认委托照护人")
    assert "王桂兰" in father.last_text
    await father.press("没有变化")
    assert "已书面告知学校" in father.last_text
    await drain(harness)
    assert len(teacher.inbox) == teacher_seen
    assert "由张爸爸于2026-09-07确认" in mother.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM guardian_designations") == 2


async def test_a_stranger_and_staff_cannot_designate(harness: Harness) -> None:
    _admin, teacher, _child_id, _parents = await school(harness)
    await teacher.send("/guardian")
    assert "只有已绑定孩子的家长" in teacher.last_text
    await harness.user(4999).send("/guardian")
    assert await harness.fetchval("SELECT COUNT(*) FROM guardian_designations") == 0


async def test_the_weekly_update_is_acknowledged_and_four_silent_weeks_are_named_once(harness: Harness) -> None:
    admin, teacher, _child_id, (mother, _father) = await school(harness, parents=2)
    for week in range(4):
        harness.clock.now = local(2026, 3, 6, 18, 5) + timedelta(days=7 * week)
        await tick(harness)
        await drain(harness)
        if week == 0:
            await mother.press("已读")
            assert mother.alerts()[-1] == "✅ 谢谢，已记下您看过本周的周报。"
    assert await harness.fetchval("SELECT COUNT(*) FROM weekly_acks WHERE user_id = ?", (mother.id,)) == 1
    rates = await notices_service.weekly_read_rates(services(harness), ChildFilter(everyone=True))
    assert [(sent, acked) for _id, _label, sent, acked in rates] == [(8, 1)]
    # /stats counts them, and the family that named no carer in writing.
    await admin.send("/stats")
    await admin.press("全部指标与说明")
    assert "<b>每周简报已读</b>：1/8（12.5%）" in admin.last_text
    assert "<b>未书面委托照护</b>：1" in admin.last_text
    seen = len(teacher.inbox)
    await parents_job.run(services(harness))
    await parents_job.run(services(harness))
    await drain(harness)
    named = [s.text for s in teacher.inbox[seen:] if "连续4周" in s.text]
    assert len(named) == 1 and "张爸爸" in named[0]
    assert TEACHER_ID == teacher.id
