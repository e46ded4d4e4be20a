"""The weekly update to parents: one message per parent per week covering all their children, exactly once
across crashes and restarts; pauses and stops honoured; stale after downtime; replies routed both ways;
the admins' weekly digest."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.clock import to_db
from bot.domain.safety import RiskLevel
from bot.services import concerns
from bot.storage import outbox
from bot.storage.people import load_actor
from tests.green_fixture import PARENT_ID, TEACHER_ID, drain, local, outbox_rows, school, tick
from tests.harness import Harness
from tests.helpers import invite_parent, make_head_teacher, register_child

FRIDAY_EVENING = local(2026, 3, 6, 18, 5)


async def add_checkin(h: Harness, child_id: int, author: int, ratings: tuple[int, int, int, int]) -> None:
    study, life, mood, health = ratings
    await h.db.execute(
        "INSERT INTO checkins (child_id, author_id, at, study, life, mood, health) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (child_id, author, to_db(h.clock()), study, life, mood, health),
    )


async def test_weekly_update_reaches_each_parent_once_with_all_their_children(harness: Harness) -> None:
    _admin, teacher, child_id, (mother, father) = await school(harness, parents=2)
    second = await register_child(teacher, "张小红", "2016-05-01")
    code_text = await invite_parent(teacher, "张小红", "母亲")
    await mother.send(f"/start {code_text}")
    mother.new_messages()
    await add_checkin(harness, child_id, TEACHER_ID, (3, 3, 2, 3))
    await harness.db.execute(
        "INSERT INTO visits (child_id, kind, visit_date, author_id, created_at) VALUES (?, 'home_visit', ?, ?, ?)",
        (child_id, "2026-03-04", TEACHER_ID, to_db(harness.clock())),
    )
    await harness.db.execute(
        "INSERT INTO parent_notes (child_id, author_id, text, created_at) VALUES (?, ?, ?, ?)",
        (second, TEACHER_ID, "小红这周当上了小组长", to_db(harness.clock())),
    )
    harness.clock.now = local(2026, 3, 6, 17, 59)
    assert await tick(harness) == 0  # not yet Friday 18:00 in Shanghai
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await drain(harness)
    await tick(harness)
    await drain(harness)
    sent = mother.new_messages()
    assert len(sent) == 1
    text = sent[0].text
    assert "张小明" in text and "张小红" in text
    assert "学习很好" in text and "心情还可以" in text and "家访 1 次" in text
    assert "小红这周当上了小组长" in text and "这周老师没有单独记录" in text
    assert [b["callback_data"] for b in sent[0].buttons()] == ["wk:ok", "gw:w", "gs:m"]
    assert len(father.new_messages()) == 1
    assert "张小红" not in harness.api.messages(father.id)[-1].text  # never another family's child


async def test_weekly_update_exactly_once_across_a_crash_after_queueing(harness: Harness) -> None:
    _admin, _teacher, _child, (mother, father) = await school(harness, parents=2)
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await harness.crash_restart()  # queued, nothing sent yet
    await tick(harness)
    await drain(harness)
    assert len(mother.new_messages()) == 1
    assert len(father.new_messages()) == 1


async def test_weekly_update_exactly_once_across_a_crash_between_send_and_mark(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    _admin, _teacher, _child, (mother, father) = await school(harness, parents=2)
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    real_mark = outbox.mark_sent
    calls = {"n": 0}

    async def crash_on_second(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        await real_mark(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "mark_sent", crash_on_second)
        with pytest.raises(RuntimeError):
            await drain(harness)
    await harness.crash_restart()
    await tick(harness)
    await drain(harness)
    harness.clock.advance(hours=1)
    await tick(harness)
    await drain(harness)
    weekly = [row for row in await outbox_rows(harness, "green.weekly")]
    assert len(mother.new_messages()) == 1
    assert len(father.new_messages()) == 1
    assert sorted(str(row["status"]) for row in weekly) == ["sent", "uncertain"]


async def test_paused_and_stopped_parents_get_no_weekly_update(harness: Harness) -> None:
    _admin, _teacher, _child, (mother, father) = await school(harness, parents=2)
    await mother.send("/settings")
    await mother.press("暂停每周情况")
    assert "已暂停每周情况" in mother.last_text
    await father.send("/settings")
    await father.press("停止所有消息")
    assert "已停止所有提醒" in father.last_text
    mother.new_messages()
    father.new_messages()
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await drain(harness)
    assert mother.new_messages() == [] and father.new_messages() == []
    # Next week, the mother resumes and gets it; a language switch is honoured.
    await mother.send("/settings")
    await mother.press("恢复每周情况")
    await mother.press("English")
    assert "Language changed" in mother.last_text
    mother.new_messages()
    harness.clock.now = local(2026, 3, 13, 18, 0)
    await tick(harness)
    await drain(harness)
    sent = mother.new_messages()
    assert len(sent) == 1 and "How your child did at school" in sent[0].text


async def test_after_downtime_a_stale_weekly_update_is_skipped_and_recorded(harness: Harness) -> None:
    _admin, _teacher, _child, (mother,) = await school(harness)
    harness.clock.now = local(2026, 3, 8, 19, 0)  # Sunday evening: the bot was down since Friday noon
    await tick(harness)
    await drain(harness)
    assert mother.new_messages() == []
    row = (await outbox_rows(harness, "green.weekly"))[0]
    assert (row["status"], row["reason"]) == ("skipped", "stale")


async def test_a_parent_reply_reaches_the_head_teacher_and_the_answer_comes_back(harness: Harness) -> None:
    _admin, teacher, _child, (mother,) = await school(harness)
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await drain(harness)
    await mother.press("给班主任留言")
    assert "请写下" in mother.last_text
    await mother.send_sticker()
    assert "请用文字" in mother.last_text
    await mother.send("老师好，孩子周末要回奶奶家")
    assert "已转给班主任" in mother.last_text
    await drain(harness)
    note = teacher.new_messages()[-1]
    assert "张妈妈" in note.text and "孩子周末要回奶奶家" in note.text
    await teacher.press("答复", message=note)
    await teacher.send("好的，谢谢告知")
    assert "答复已发给家长" in teacher.last_text
    await drain(harness)
    answer = mother.new_messages()[-1]
    assert "好的，谢谢告知" in answer.text and "李老师" in answer.text
    stored = await harness.fetchall("SELECT direction, text FROM green_messages ORDER BY id")
    assert [(r["direction"], r["text"]) for r in stored] == [
        ("to_staff", "老师好，孩子周末要回奶奶家"),
        ("to_parent", "好的，谢谢告知"),
    ]


async def test_an_unbound_parent_cannot_write_and_cannot_be_answered(harness: Harness) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await mother.send("/contact")
    await mother.send("请问下周开家长会吗")
    await drain(harness)
    note = teacher.new_messages()[-1]
    await harness.db.execute(
        "UPDATE guardians SET unbound_at = ? WHERE user_id = ? AND child_id = ?",
        (to_db(harness.clock()), PARENT_ID, child_id),
    )
    await teacher.press("答复", message=note)
    assert "已经解除了和孩子的绑定" in teacher.last_text
    await mother.send("/contact")
    assert "已绑定孩子的家长" in mother.last_text
    await mother.press_data("gw:w", message=mother.last)  # an old "message the head teacher" button
    assert "已绑定孩子的家长" in mother.last_text


async def test_a_teacher_cannot_answer_another_class_parent(harness: Harness) -> None:
    admin, _teacher, _child, (mother,) = await school(harness)
    await mother.send("/contact")
    await mother.send("你好")
    other = await make_head_teacher(harness, admin, TEACHER_ID + 50, "四年级 1班")
    message_id = await harness.fetchval("SELECT MAX(id) FROM green_messages")
    await other.send("/start")
    await other.press_data(f"gw:a:{message_id}", message=other.last)
    assert "不在您的班上" in other.last_text
    await other.press_data("gw:a:99999", message=other.last)
    assert "找不到这条留言" in other.last_text


async def test_admins_get_a_weekly_digest_with_children_out_of_contact(harness: Harness) -> None:
    admin, teacher, _child, _parents = await school(harness)
    await teacher.send("/callplan")
    await teacher.press("张小明")
    await teacher.press("周日")
    await teacher.send("19:00")
    harness.clock.now = local(2026, 3, 20, 18, 0)  # 18 days later, no call confirmed
    await tick(harness)
    await drain(harness)
    digest = [s.text for s in admin.new_messages() if "本周汇总" in s.text]
    assert len(digest) == 1 and "张小明" in digest[0]


async def test_a_head_teacher_note_appears_in_the_weekly_update(harness: Harness) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await mother.send("/parentnote")
    assert "权限" in mother.last_text
    await teacher.send("/parentnote")
    await teacher.send("李四")
    assert "没有找到" in teacher.last_text
    await teacher.press("张小明")
    await teacher.send("x" * 301)
    assert "300" in teacher.last_text
    await teacher.send("小明这周数学测验进步很大，请多鼓励他！")
    assert "已保存" in teacher.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'green.parent_note'") == 1
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await drain(harness)
    text = mother.new_messages()[-1].text
    assert "班主任的话：小明这周数学测验进步很大，请多鼓励他！" in text
    assert child_id > 0


async def reply_to(h: Harness, user: Any, sent: Any, text: str) -> None:
    """The parent swipes a bot message and answers it with Telegram's own reply."""
    message = user._base_message() | {"text": text, "reply_to_message": h.api._message(sent)}
    await h.feed({"message": message})


async def test_replying_to_the_weekly_update_reaches_the_head_teacher(harness: Harness) -> None:
    _admin, teacher, _child, (mother,) = await school(harness)
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await drain(harness)
    weekly = mother.new_messages()[-1]
    await reply_to(harness, mother, weekly, "谢谢老师，辛苦了！")
    assert "已转给班主任" in mother.last_text
    await drain(harness)
    assert "谢谢老师，辛苦了！" in teacher.new_messages()[-1].text
    # A reply to any other bot message is not taken as a message to the teacher.
    welcome = harness.api.messages(PARENT_ID)[0]
    await reply_to(harness, mother, welcome, "好的")
    await drain(harness)
    assert teacher.new_messages() == []
    assert await harness.fetchval("SELECT COUNT(*) FROM green_messages") == 1


async def test_the_admin_digest_puts_high_risk_children_first(harness: Harness) -> None:
    admin, teacher, child_id, _parents = await school(harness)
    teacher_actor = await load_actor(harness.db, teacher.id)
    services = harness.app.bot_data["services"]
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await drain(harness)
    (quiet_week,) = [s.text for s in admin.new_messages() if "本周汇总" in s.text]
    assert "高风险儿童：</b>无" in quiet_week
    await concerns.set_risk(services, teacher_actor, child_id, RiskLevel.HIGH, "独自在家")
    harness.clock.now = local(2026, 3, 13, 18, 5)
    await tick(harness)
    await drain(harness)
    (digest,) = [s.text for s in admin.new_messages() if "本周汇总" in s.text]
    assert "高风险儿童：</b>张小明" in digest
    assert digest.index("高风险儿童") < digest.index("长时间没有亲情联系")
