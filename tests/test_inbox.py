"""The durable inbox: what a person sends is handled even when the bot dies while answering it or when the Bot
API fails for a while; nothing is handled or stored twice; the mailbox's updates are never written.

Updates arrive here as polling delivers them (fetched from the Bot API, put in the Application's update queue,
handled by its update processor), not through `Harness.feed`'s direct `process_update`.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.telegram_io import rate_limit
from bot.update_processor import Inbox, retriable
from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher
from tests.test_safety_school import ADMIN_IDS, build_school

_update_ids = itertools.count(5_000_000)


def through_polling(h: Harness) -> None:
    """Every update the harness's people send goes the way polling takes it: getUpdates, the queue, handled."""

    async def feed(data: dict[str, Any]) -> None:
        h.api.updates.append({"update_id": next(_update_ids), **data})
        await fetch(h)

    h.feed = feed  # type: ignore[method-assign]


async def fetch(h: Harness) -> None:
    """What PTB's Updater does with one getUpdates answer, then waits until everything queued is handled."""
    for update in await h.app.bot.get_updates():
        await h.app.update_queue.put(update)
    await h.app.update_queue.join()


def inbox_of(h: Harness) -> Inbox:
    inbox: Inbox = h.app.bot_data["inbox"]
    return inbox


@pytest.fixture
async def polled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    monkeypatch.setattr(rate_limit, "RETRY_PAUSES", (0.0, 0.0, 0.0))
    async with Harness.create(tmp_path, admins=[ADMIN_ID]) as h:
        through_polling(h)
        yield h


async def teacher_in_register(h: Harness) -> TestUser:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(h, admin, 4501)
    await teacher.send("/register")
    assert "请输入姓名" in teacher.last_text
    teacher.new_messages()
    return teacher


async def not_done(h: Harness) -> int:
    return int(await h.fetchval("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL"))


async def test_a_typed_answer_is_answered_after_a_crash_while_replying(polled: Harness) -> None:
    h = polled
    teacher = await teacher_in_register(h)
    h.api.crash("sendMessage", chat_id=teacher.id)  # the bot dies sending the next question
    await teacher.send("张小明")
    assert not teacher.new_messages()
    assert await not_done(h) == 1
    await h.crash_restart()
    await h.app.update_queue.join()  # the start-up hands it over before anything polled
    (question,) = teacher.new_messages()
    assert "请选择性别" in question.text
    assert await not_done(h) == 0
    await teacher.press("男")  # the answer was kept: the flow goes on from it
    assert "出生日期" in teacher.last_text
    draft = await h.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (teacher.id,))
    assert "张小明" in draft


async def test_a_button_press_is_answered_after_a_crash_once_telegram_had_its_edit(polled: Harness) -> None:
    h = polled
    h.api.one_answer_per_query = True  # the replay's second answer to the press is refused, as by Telegram
    teacher = await teacher_in_register(h)
    await teacher.send("张小明")
    h.api.crash("editMessageText", chat_id=teacher.id, delivered=True)
    await teacher.press("男")
    assert "性别" in teacher.inbox[-1].text and "请输入出生日期" not in teacher.last_text
    await h.crash_restart()
    await h.app.update_queue.join()
    assert "出生日期" in teacher.last_text
    assert not [t for t in (m.text for m in teacher.inbox) if "出了点问题" in t]
    await teacher.send("2015-03-08")
    assert "2015-03-08" in await h.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (teacher.id,))


async def test_a_registration_saved_just_before_a_crash_is_not_saved_again(polled: Harness) -> None:
    h = polled
    teacher = await teacher_in_register(h)
    await teacher.send("张小明")
    await teacher.press("男")
    await teacher.send("2015-03-08")
    if "班级" in teacher.last_text:
        await teacher.press(teacher.last_with_buttons().buttons()[0]["text"])
    await teacher.press("父母都外出")
    await teacher.press("父亲的电话")
    await teacher.send("13812345678")
    await teacher.press("走读")
    h.api.crash("editMessageText", chat_id=teacher.id)  # saved; the bot dies telling the teacher
    await teacher.press("确认保存")
    assert await h.fetchval("SELECT COUNT(*) FROM children") == 1
    await h.crash_restart()
    await h.app.update_queue.join()
    assert "已保存" in teacher.last_text and "同名同生日" not in teacher.last_text
    assert await h.fetchval("SELECT COUNT(*) FROM children") == 1
    assert await not_done(h) == 0


async def test_a_reply_answered_502_is_sent_again(polled: Harness) -> None:
    h = polled
    stranger = h.user(4601, "陌生人")
    h.api.fail("sendMessage", 502, "Bad Gateway", chat_id=stranger.id, times=2)
    await stranger.send("/start")
    assert "守望" in stranger.last_text
    assert len(stranger.inbox) == 1  # the greeting once, not a "sorry"


async def test_an_update_whose_replies_keep_failing_waits_for_the_bot_api(polled: Harness) -> None:
    h = polled
    teacher = await teacher_in_register(h)
    h.api.fail("sendMessage", 502, "Bad Gateway", chat_id=teacher.id, times=1000)
    await teacher.send("张小明")
    await teacher.send("2015-03-08")  # waits behind the first: never handled before it
    assert await not_done(h) == 2
    assert await h.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (teacher.id,)) is not None
    assert "张小明" not in await h.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (teacher.id,))
    h.api.failures.clear()
    assert await inbox_of(h).replay_held(h.app, api_ok_at=time.monotonic()) == 2
    await h.app.update_queue.join()
    texts = [m.text for m in teacher.new_messages()]
    assert "请选择性别" in texts[0]  # the name was taken, and the date then asked for the sex again
    assert not [t for t in texts if "出了点问题" in t]
    assert await not_done(h) == 0
    await teacher.press("男")
    assert "出生日期" in teacher.last_text


async def test_an_update_fetched_again_after_a_crash_is_handled_once(polled: Harness) -> None:
    h = polled
    stranger = h.user(4602, "陌生人")
    update = {"update_id": next(_update_ids), "message": _message(stranger, "/start")}
    h.api.updates.append(update)
    await fetch(h)
    h.api.updates.append(update)  # Telegram had not heard the confirmation: the same update again
    await fetch(h)
    assert len(stranger.inbox) == 1


def _message(user: TestUser, text: str) -> dict[str, Any]:
    return {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
        "from": {"id": user.id, "is_bot": False, "first_name": user.first_name},
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
    }


async def test_a_done_update_keeps_nothing_of_what_was_written(polled: Harness) -> None:
    h = polled
    teacher = await teacher_in_register(h)
    await teacher.send("张小明")
    assert await h.fetchval("SELECT COUNT(*) FROM inbox WHERE payload IS NOT NULL") == 0
    # Days only: the gap a mailbox update leaves between two update ids cannot be dated to the second.
    stamps = [tuple(r) for r in await h.fetchall("SELECT received_at, done_at FROM inbox")]
    assert stamps and all(len(received) == 10 and len(done) == 10 for received, done in stamps), stamps
    assert await h.fetchval("SELECT COUNT(*) FROM inbox") >= 5


WRITER_ID = 8_123_456_789  # someone with no role: only the mailbox


async def test_a_letter_is_never_written_to_the_inbox(tmp_path: Path) -> None:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        await build_school(h)
        through_polling(h)
        writer = h.user(WRITER_ID, "小同学")
        await writer.send("/mailbox")
        assert "倾诉信箱" in writer.last_text
        # The press and the letter in one getUpdates answer: the letter is fetched before the press makes its
        # sender a writer.
        await writer.press("写一封信")  # handled
        await writer.send("我最近很想爸爸妈妈，晚上睡不着。")
        assert "已送到" in writer.last_text
        await writer.send("/mailbox")
        h.feed = _batched(h)  # type: ignore[method-assign]
        await writer.press("写一封信")
        await writer.send("第二封信：周末不想回家。")
        await fetch(h)
        assert "已送到" in writer.last_text
        assert await h.fetchval("SELECT COUNT(*) FROM mailbox_messages") == 2
        rows = await h.fetchall("SELECT payload FROM inbox WHERE payload IS NOT NULL")
        assert rows == []
        await h.app.update_persistence()
    database = h.config.storage.database
    raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert str(WRITER_ID).encode() not in raw  # no update of the writer's, as JSON, anywhere in the file or WAL
    assert "小同学".encode() not in raw


def _batched(h: Harness) -> Any:
    async def feed(data: dict[str, Any]) -> None:
        h.api.updates.append({"update_id": next(_update_ids), **data})

    return feed


def test_what_is_tried_again() -> None:
    assert retriable(NetworkError("Bad Gateway"))
    assert retriable(NetworkError("httpx.ConnectError: All connection attempts failed"))
    assert not retriable(TimedOut())  # Telegram may have it
    assert not retriable(BadRequest("Bad Request: message is too long"))
    assert not retriable(ValueError())


async def test_an_update_is_written_as_telegram_sent_it(tmp_path: Path) -> None:
    """The getUpdates answer as it arrived is what the inbox keeps (no Update.to_dict per update); an update it
    did not see falls back to PTB's object; the mailbox's are dropped from memory unwritten."""
    async with Harness.create(tmp_path, admins=[ADMIN_ID]) as h:
        inbox = inbox_of(h)
        sender = {"id": 4701, "is_bot": False, "first_name": "李老师"}
        typed = {"update_id": next(_update_ids), "message": {"message_id": 1, "date": 1764547200,
                 "chat": {"id": 4701, "type": "private"}, "from": sender, "text": "内向，懂事"}}  # fmt: skip
        letter = {"update_id": next(_update_ids), "message": {"message_id": 2, "date": 1764547201,
                  "chat": {"id": 4701, "type": "private"}, "from": sender, "text": "/mailbox"}}  # fmt: skip
        inbox.received(json.dumps({"ok": True, "result": [typed, letter]}).encode())
        for item in (typed, letter):
            assert await inbox.fetched(Update.de_json(item, h.app.bot))
        stored = await h.fetchall("SELECT update_id, payload FROM inbox")
        assert [(r["update_id"], json.loads(r["payload"])) for r in stored] == [(typed["update_id"], typed)]
        assert stored[0]["payload"] == json.dumps(typed, ensure_ascii=False, separators=(",", ":"))
        other = {"id": 4702, "is_bot": False, "first_name": "王老师"}  # (4701's next message waits with the letter)
        chat = {"id": 4702, "type": "private"}
        unseen = {"update_id": next(_update_ids), "message": {**typed["message"], "chat": chat, "from": other}}
        assert await inbox.fetched(Update.de_json(unseen, h.app.bot))
        payload = await h.fetchval("SELECT payload FROM inbox WHERE update_id = ?", (unseen["update_id"],))
        assert json.loads(payload)["message"]["text"] == "内向，懂事"
        inbox.received(b"not json")  # a broken answer: written from PTB's objects instead, nothing lost
        assert not inbox._received


async def test_a_typed_id_number_is_never_written_to_the_inbox(tmp_path: Path) -> None:
    """An update whose text carries an ID number (身份证号) stays in memory: the number is sealed by the archive,
    and would otherwise sit in clear in the inbox until the update is done."""
    async with Harness.create(tmp_path, admins=[ADMIN_ID]) as h:
        inbox = inbox_of(h)
        for n, text in enumerate(("42280219990307002X", "身份证 4228 0219 9903 0700 2x", "电话 13812345678")):
            sender = {"id": 4801 + n, "is_bot": False, "first_name": "李老师"}  # one person each (see the mailbox)
            item = {"update_id": next(_update_ids), "message": {"message_id": 1, "date": 1764547200,
                    "chat": {"id": 4801 + n, "type": "private"}, "from": sender, "text": text}}  # fmt: skip
            inbox.received(json.dumps({"ok": True, "result": [item]}).encode())
            assert await inbox.fetched(Update.de_json(item, h.app.bot))
        texts = [json.loads(r["payload"])["message"]["text"] for r in await h.fetchall("SELECT payload FROM inbox")]
        assert texts == ["电话 13812345678"]  # a phone number is no ID number: stored, so a crash loses nothing
