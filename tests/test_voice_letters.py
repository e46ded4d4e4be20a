"""Voice letters (亲情语音信) from the child's card to the parents and their answers back; and notices answered in
a family's own words, by voice or with a photo, shown (and played back) to the sender."""

from __future__ import annotations

from typing import Any

from bot.jobs import parents as parents_job
from tests.green_fixture import PARENT_ID, TEACHER_ID, drain, local, school, services
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher
from tests.test_green_voice import media_calls, send_media
from tests.test_parents import add_families, class_of

NIGHT = local(2026, 3, 2, 22, 30)  # inside the default quiet hours (21:30-07:30)
MORNING = local(2026, 3, 3, 8, 0)


async def record_letter(teacher: TestUser, file_id: str = "child-voice") -> None:
    await teacher.send("/child 张小明")
    await teacher.press("亲情语音信")
    assert "还没有寄过" in teacher.last_text or "亲情语音信" in teacher.last_text
    await teacher.press("录一封新的")
    assert "按住麦克风" in teacher.last_text
    await send_media(teacher.h, teacher, "voice", file_id)


async def test_a_voice_letter_reaches_each_parent_once_under_429s_and_the_answers_come_back(harness: Harness) -> None:
    _admin, teacher, _child_id, (mother, father) = await school(harness, parents=2)
    harness.clock.now = NIGHT
    await record_letter(teacher)
    assert "2 位家长" in teacher.last_text
    await teacher.send("刚才那段不算")  # outside the flow now: nothing more is recorded
    assert await harness.fetchval("SELECT COUNT(*) FROM voice_letters") == 1
    await drain(harness)
    assert media_calls(harness, "sendVoice", PARENT_ID) == []  # quiet hours: it waits for the morning
    harness.clock.now = MORNING
    harness.api.fail("sendVoice", 429, "Too Many Requests: retry after 3", retry_after=3, times=2)
    await drain(harness)
    assert await drain(harness) == 0
    for parent in (mother, father):
        (delivered,) = [sent for sent in parent.inbox if sent.kind == "voice"]  # failed calls did not arrive
        assert delivered.text.startswith("💌 <b>亲情语音信：张小明给您录了一段话（3 秒）")
        assert {call["voice"] for call in media_calls(harness, "sendVoice", parent.id)} == {"child-voice"}
    statuses = await harness.fetchall("SELECT status FROM outbox WHERE kind = 'voice.letter'")
    assert [row["status"] for row in statuses] == ["sent", "sent"]

    # The mother answers by voice, the father in words: both reach the teacher who sent the letter.
    await mother.press("回信", message=mother.new_messages()[-1])
    assert "按住 🎤" in mother.last_text
    await send_media(harness, mother, "voice", "mum-answer")
    assert "老师会在下次亲情时间放给孩子听" in mother.last_text
    await father.press("回信", message=father.new_messages()[-1])
    await father.send("儿子，爸爸过年就回来")
    await drain(harness)
    (to_teacher,) = media_calls(harness, "sendVoice", TEACHER_ID)
    assert to_teacher["voice"] == "mum-answer"
    assert "张妈妈回了张小明的亲情语音信" in to_teacher["caption"] and "3 秒" in to_teacher["caption"]
    assert any("张爸爸回了张小明的亲情语音信" in s.text and "过年就回来" in s.text for s in teacher.inbox)

    # The card shows what waits for the child; at family time the teacher plays it, once.
    await teacher.send("/child 张小明")
    assert "亲情语音信 1 封，家长回信待孩子听 2 条" in teacher.last_text
    await teacher.press("亲情语音信")
    assert "张爸爸：儿子，爸爸过年就回来（待孩子听）" in teacher.last_text
    await teacher.press("张妈妈的回信")
    assert media_calls(harness, "sendVoice", TEACHER_ID)[-1]["voice"] == "mum-answer"
    await teacher.send("/child 张小明")
    assert "待孩子听 1 条" in teacher.last_text
    stored = await harness.fetchall(
        "SELECT parent_id, text, media_kind, media_file, media_seconds, heard_at IS NOT NULL AS heard"
        " FROM voice_letter_answers ORDER BY id"
    )
    assert [tuple(r) for r in stored] == [
        (PARENT_ID, "", "voice", "mum-answer", 3, 1),
        (PARENT_ID + 1, "儿子，爸爸过年就回来", None, None, None, 0),
    ]


async def test_a_reply_to_the_letter_answers_it(harness: Harness) -> None:
    _admin, teacher, _child_id, (mother,) = await school(harness)
    await record_letter(teacher)
    await drain(harness)
    letter = mother.new_messages()[-1]
    await send_media(
        harness, mother, "photo", "mum-photo", caption="妈妈在工地", reply_to_message=harness.api._message(letter)
    )
    assert "老师会在下次亲情时间放给孩子听" in mother.last_text
    await drain(harness)
    (to_teacher,) = media_calls(harness, "sendPhoto", TEACHER_ID)
    assert to_teacher["photo"] == "mum-photo" and "妈妈在工地" in to_teacher["caption"]
    assert await harness.fetchval("SELECT COUNT(*) FROM green_messages") == 0  # not a message to the head teacher


async def test_who_may_send_a_letter_and_who_may_answer_it(harness: Harness) -> None:
    admin, teacher, child_id, (mother,) = await school(harness)
    other = await make_head_teacher(harness, admin, 4199, "三年级 3班")
    await other.send("/start")
    await other.press_data(f"vl:n:{child_id}", message=other.last)  # a forged button: another class's child
    assert "无权" in other.last_text or "没有权限" in other.last_text
    await other.press_data(f"vl:m:{child_id}", message=other.last)
    assert "无权" in other.last_text or "没有权限" in other.last_text
    await record_letter(teacher)
    await drain(harness)
    letter_id = int(await harness.fetchval("SELECT id FROM voice_letters"))
    stranger = harness.user(4999, "路人")
    await stranger.send("/start")
    await stranger.press_data(f"vl:a:{letter_id}", message=stranger.last)
    assert "已经不在了" in stranger.last_text
    await send_media(harness, stranger, "voice", "stray")
    assert await harness.fetchval("SELECT COUNT(*) FROM voice_letter_answers") == 0
    # No bound parent: nothing is kept and the teacher is told.
    await harness.db.execute("UPDATE guardians SET unbound_at = '2026-03-01T00:00:00+00:00'")
    await record_letter(teacher, "second")
    assert "还没有绑定的家长" in teacher.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM voice_letters") == 1
    await mother.press("回信", message=mother.new_messages()[-1])  # unbound since: the letter is not hers now
    assert "已经不在了" in mother.last_text


async def test_erasing_the_child_removes_the_letters_their_answers_and_file_ids(harness: Harness) -> None:
    admin, teacher, child_id, (mother,) = await school(harness)
    await record_letter(teacher)
    await drain(harness)
    await mother.press("回信", message=mother.new_messages()[-1])
    await send_media(harness, mother, "voice", "mum-answer")  # still queued to the teacher at the erasure
    await record_letter(teacher, "second-letter")  # still queued to the mother
    await teacher.send("/child 张小明")
    await teacher.press("亲情语音信")
    await teacher.press("录一封新的")  # recording when the record is erased
    await admin.send("/start")
    await admin.press_data(f"pv:ery:{child_id}", message=admin.last)  # the erasure, confirmed
    assert "数据已删除" in admin.last_text
    await send_media(harness, teacher, "voice", "too-late")
    assert "这份档案已不存在" in teacher.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM voice_letters") == 0
    assert await harness.fetchval("SELECT COUNT(*) FROM voice_letter_answers") == 0
    leftovers = await harness.fetchval(
        "SELECT COUNT(*) FROM outbox WHERE media LIKE '%child-voice%' OR media LIKE '%mum-answer%'"
        " OR media LIKE '%second-letter%'"
    )
    assert leftovers == 0
    await drain(harness)
    assert media_calls(harness, "sendVoice", TEACHER_ID) == []
    assert [c["voice"] for c in media_calls(harness, "sendVoice", PARENT_ID)] == ["child-voice"]


def status_message(teacher: TestUser) -> Any:
    """The notice's status message the teacher opened last (the one with the answers' buttons)."""
    return next(m for m in reversed(teacher.inbox) if "家长的回复" in m.text)


async def test_a_notice_answered_by_voice_and_in_words_is_counted_and_shown_to_the_sender(harness: Harness) -> None:
    _admin, teacher, child_id, (mother, father) = await school(harness, parents=2)
    (silent,) = await add_families(harness, await class_of(harness, child_id), 1)
    await teacher.send("/notice")
    await teacher.press("写新通知")
    await teacher.press("三年级2班全体家长")
    await teacher.press("自己写")
    await teacher.send("孩子这学期最想让您知道什么？请说几句。")
    await teacher.press("下一步")
    await teacher.press("选一个")
    await teacher.press("不设选项")
    assert "家长用语音或文字回复" in teacher.last_text and "共 3 户家长" in teacher.last_text
    await teacher.press("发送")
    await drain(harness)
    got = mother.new_messages()[-1]
    assert got.text.startswith("<b>请点下面「回复」，说一段语音或打几个字回答：</b>")
    await mother.press("回复", message=got)
    assert "按住 🎤" in mother.last_text
    await send_media(harness, mother, "voice", "mum-notice")
    assert "已收到您的回复" in mother.last_text
    await mother.press("回复", message=got)  # a second tap: the first answer stands
    assert "您已经回复过了" in mother.last_text
    await father.press("回复", message=father.new_messages()[-1])
    await father.send("x" * 301)
    assert "不能超过 300 字" in father.last_text  # too long: told, still in the step
    await father.send("周六我能来")
    assert "已收到您的回复" in father.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM notice_recipients WHERE answered_at IS NOT NULL") == 2

    await teacher.send("/notice")
    await teacher.press("已发的通知")
    await teacher.press("2/3")
    status = teacher.last_text
    assert "三年级2班：2/3，未回复：家长0" in status
    assert "家长的回复（2 条）" in status and "张爸爸：周六我能来" in status and "张妈妈：🎤 语音 3 秒" in status
    await teacher.press("听张妈妈的语音")
    heard = media_calls(harness, "sendVoice", TEACHER_ID)[-1]
    assert heard["voice"] == "mum-notice" and "张妈妈的回复" in heard["caption"]
    # The teacher answers the mother by voice: it reaches her once, with what she had said.
    await teacher.press("回复张妈妈", message=status_message(teacher))
    assert "回复张妈妈" in teacher.last_text and "按住 🎤" in teacher.last_text
    await send_media(harness, teacher, "voice", "teacher-back")
    assert "回复已发给张妈妈" in teacher.last_text
    await drain(harness)
    await drain(harness)
    (back,) = media_calls(harness, "sendVoice", mother.id)[-1:]
    assert back["voice"] == "teacher-back" and "用语音回复了您对通知的答复" in back["caption"]
    assert len([c for c in media_calls(harness, "sendVoice", mother.id) if c["voice"] == "teacher-back"]) == 1
    assert (
        await harness.fetchval(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'parents.notice_answer_back' AND actor_id = ?", (TEACHER_ID,)
        )
        == 1
    )
    # The father, in words; another family's answer cannot be answered through a forged button.
    await teacher.press("回复张爸爸", message=status_message(teacher))
    await teacher.send("好的，周六见")
    await drain(harness)
    answered_back = father.new_messages()[-1].text
    assert "好的，周六见" in answered_back and "周六我能来" in answered_back
    await silent.press_data(f"nb:1:{mother.id}", message=silent.inbox[-1])
    assert "按住 🎤" not in silent.last_text
    assert silent.id not in {r["user_id"] for r in await harness.fetchall(
        "SELECT user_id FROM notice_recipients WHERE answered_at IS NOT NULL")}  # fmt: skip
    # The one reminder goes to the silent family with the same 「回复」 button.
    harness.clock.advance(hours=24, minutes=1)
    await parents_job.run(services(harness))
    await drain(harness)
    (reminder,) = [sent for sent in silent.new_messages() if "提醒：学校的通知" in sent.text]
    assert [b["text"] for b in reminder.buttons()] == ["🎤 回复"]
