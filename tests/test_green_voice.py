"""Voice messages and photos between parents and the head teacher: /contact, a swipe-reply to the weekly update,
the teacher's answer; stored as Telegram file ids (with the voice message's length) and gone with the child."""

from __future__ import annotations

from typing import Any

from bot.domain.clock import to_db
from bot.services import privacy as privacy_service
from bot.storage.people import load_actor
from tests.conftest import ADMIN_ID
from tests.green_fixture import PARENT_ID, TEACHER_ID, drain, local, school, services, tick
from tests.harness import Harness, TestUser

FRIDAY_EVENING = local(2026, 3, 6, 18, 5)


async def send_media(h: Harness, user: TestUser, kind: str, file_id: str, *, caption: str = "", **extra: Any) -> None:
    """The person sends a voice message (3 s) or a photo, with a caption if given (or as a reply, with `extra`)."""
    if kind == "voice":
        media: Any = {"file_id": file_id, "file_unique_id": file_id + "u", "duration": 3}
    else:
        media = [
            {"file_id": file_id + "_small", "file_unique_id": file_id + "s", "width": 90, "height": 90},
            {"file_id": file_id, "file_unique_id": file_id + "u", "width": 800, "height": 600},
        ]
    message = user._base_message() | {kind: media} | extra
    if caption:
        message["caption"] = caption
    await h.feed({"message": message})


def media_calls(h: Harness, method: str, chat_id: int) -> list[dict[str, Any]]:
    return [c.params for c in h.api.calls_of(method) if int(c.params["chat_id"]) == chat_id]


async def test_a_parent_voice_message_reaches_the_head_teacher_and_a_voice_answer_comes_back(
    harness: Harness,
) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await mother.send("/contact")
    assert "语音" in mother.last_text
    await send_media(harness, mother, "voice", "mum-voice")
    assert "已转给班主任" in mother.last_text
    await drain(harness)
    (to_teacher,) = media_calls(harness, "sendVoice", TEACHER_ID)
    assert to_teacher["voice"] == "mum-voice"
    assert "张妈妈" in to_teacher["caption"] and "张小明" in to_teacher["caption"] and "3 秒" in to_teacher["caption"]
    note = teacher.new_messages()[-1]
    assert note.kind == "voice"
    await teacher.press("答复", message=note)
    assert "语音" in teacher.last_text
    await send_media(harness, teacher, "voice", "teacher-voice")
    assert "答复已发给家长" in teacher.last_text
    await drain(harness)
    (to_parent,) = media_calls(harness, "sendVoice", PARENT_ID)
    assert to_parent["voice"] == "teacher-voice"
    assert "李老师" in to_parent["caption"] and "一段语音" in to_parent["caption"]
    assert mother.new_messages()[-1].kind == "voice"
    stored = await harness.fetchall(
        "SELECT direction, text, media_kind, media_file, media_seconds, child_id FROM green_messages ORDER BY id"
    )
    assert [tuple(r) for r in stored] == [
        ("to_staff", "", "voice", "mum-voice", 3, child_id),
        ("to_parent", "", "voice", "teacher-voice", 3, child_id),
    ]


async def test_photos_go_both_ways_with_their_captions(harness: Harness) -> None:
    _admin, teacher, _child, (mother,) = await school(harness)
    await mother.send("/contact")
    await send_media(harness, mother, "photo", "mum-photo", caption="x" * 601)
    assert "说明不能超过 600 字" in mother.last_text  # too long a caption: told, still in the flow, nothing sent
    await send_media(harness, mother, "photo", "mum-photo", caption="孩子的作业本找到了")
    assert "已转给班主任" in mother.last_text
    await drain(harness)
    (to_teacher,) = media_calls(harness, "sendPhoto", TEACHER_ID)
    assert to_teacher["photo"] == "mum-photo"  # the largest size
    assert "张妈妈" in to_teacher["caption"] and "张小明" in to_teacher["caption"]
    assert "孩子的作业本找到了" in to_teacher["caption"]
    await teacher.press("答复", message=teacher.new_messages()[-1])
    await send_media(harness, teacher, "photo", "teacher-photo", caption="这是今天的黑板报")
    await drain(harness)
    (to_parent,) = media_calls(harness, "sendPhoto", PARENT_ID)
    assert to_parent["photo"] == "teacher-photo"
    assert "这是今天的黑板报" in to_parent["caption"] and "孩子的作业本找到了" in to_parent["caption"]
    # A text answer to a photo quotes the caption; to a voice message, says what it was.
    await mother.send("/contact")
    await send_media(harness, mother, "voice", "mum-voice-2")
    await drain(harness)
    await teacher.press("答复", message=teacher.new_messages()[-1])
    await teacher.send("收到，谢谢")
    await drain(harness)
    answer = mother.new_messages()[-1]
    assert answer.kind == "text" and "收到，谢谢" in answer.text and "一段语音" in answer.text


async def test_stickers_still_get_the_polite_hint(harness: Harness) -> None:
    _admin, teacher, _child, (mother,) = await school(harness)
    await mother.send("/contact")
    await mother.send_sticker()
    assert "请用文字、语音或照片留言" in mother.last_text
    await send_media(harness, mother, "voice", "mum-voice")
    await drain(harness)
    await teacher.press("答复", message=teacher.new_messages()[-1])
    await teacher.send_sticker()
    assert "请用文字、语音或照片答复" in teacher.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM green_messages") == 1
    # Outside a flow a voice message is not taken as a message to the teacher.
    await teacher.send("/cancel")
    await send_media(harness, mother, "voice", "stray")
    await drain(harness)
    assert await harness.fetchval("SELECT COUNT(*) FROM green_messages") == 1
    assert media_calls(harness, "sendVoice", TEACHER_ID)[-1]["voice"] == "mum-voice"


async def test_a_voice_reply_to_the_weekly_update_reaches_the_head_teacher(harness: Harness) -> None:
    _admin, _teacher, _child, (mother,) = await school(harness)
    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await drain(harness)
    weekly = mother.new_messages()[-1]
    await send_media(harness, mother, "voice", "reply-voice", reply_to_message=harness.api._message(weekly))
    assert "已转给班主任" in mother.last_text
    await drain(harness)
    (to_teacher,) = media_calls(harness, "sendVoice", TEACHER_ID)
    assert to_teacher["voice"] == "reply-voice" and "张小明" in to_teacher["caption"]
    # A voice reply to any other bot message gets the usual hint.
    welcome = harness.api.messages(PARENT_ID)[0]
    await send_media(harness, mother, "photo", "stray", reply_to_message=harness.api._message(welcome))
    await drain(harness)
    assert await harness.fetchval("SELECT COUNT(*) FROM green_messages") == 1


async def test_erasing_the_child_removes_the_voice_messages_and_their_file_ids(harness: Harness) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await mother.send("/contact")
    await send_media(harness, mother, "voice", "mum-voice")
    await drain(harness)
    await teacher.press("答复", message=teacher.new_messages()[-1])
    await send_media(harness, teacher, "photo", "teacher-photo")  # still queued at the erasure
    actor = await load_actor(harness.db, ADMIN_ID)
    await privacy_service.erase(services(harness), actor, child_id)
    assert await harness.fetchval("SELECT COUNT(*) FROM green_messages") == 0
    leftovers = await harness.fetchval(
        "SELECT COUNT(*) FROM outbox WHERE media LIKE '%mum-voice%' OR media LIKE '%teacher-photo%'"
    )
    assert leftovers == 0
    await drain(harness)
    assert media_calls(harness, "sendPhoto", PARENT_ID) == []


async def test_no_voice_goes_to_or_from_a_parent_no_longer_bound(harness: Harness) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await mother.send("/contact")
    await send_media(harness, mother, "voice", "mum-voice")
    await drain(harness)
    await teacher.press("答复", message=teacher.new_messages()[-1])
    await mother.send("/contact")
    await harness.db.execute(
        "UPDATE guardians SET unbound_at = ? WHERE user_id = ? AND child_id = ?",
        (to_db(harness.clock()), PARENT_ID, child_id),
    )
    await send_media(harness, mother, "photo", "late-photo")  # unbound mid-flow: told, nothing routed
    assert "没有绑定孩子" in mother.last_text
    await send_media(harness, teacher, "voice", "teacher-voice")
    assert "已经解除了和孩子的绑定" in teacher.last_text
    await drain(harness)
    assert media_calls(harness, "sendPhoto", TEACHER_ID) == []
    assert media_calls(harness, "sendVoice", PARENT_ID) == []
    assert await harness.fetchval("SELECT COUNT(*) FROM green_messages") == 1


async def test_words_both_ways_keep_the_childs_schools_quiet_hours(harness: Harness) -> None:
    _admin, teacher, _child, (mother,) = await school(harness)
    await mother.send("/contact")
    await mother.send("老师好，孩子这周有点咳嗽")
    assert "已转给班主任" in mother.last_text
    await drain(harness)
    await teacher.press("答复", message=teacher.new_messages()[-1])
    await teacher.send("好的，我会留意")
    assert "答复已发给家长" in teacher.last_text
    rows = await harness.fetchall(
        "SELECT kind, school_id FROM outbox WHERE kind IN ('green.parent_msg', 'green.answer') ORDER BY id"
    )
    assert [tuple(r) for r in rows] == [("green.parent_msg", 1), ("green.answer", 1)]
