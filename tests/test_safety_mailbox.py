"""The anonymous mailbox: counsellors see tickets, never the writer; replies reach the writer; the database
file holds no trace of who wrote; abuse is limited without identifying anyone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.harness import Harness
from tests.test_safety_school import ADMIN_IDS, COUNSELLOR_ID, School, build_school, queued

WRITER_ID = 777123456  # a student on a guardian's phone: no role at all


@pytest.fixture
async def school(tmp_path: Path) -> School:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        yield await build_school(h)  # type: ignore[misc]


async def write(school: School, text: str, writer_id: int = WRITER_ID) -> str:
    writer = school.h.user(writer_id, "小同学")
    await writer.send("/mailbox")
    assert "倾诉信箱" in writer.last_text
    await writer.press("写一封信")
    await writer.send(text)
    return writer.last_text


def rows_mentioning(db_file: Path, needles: list[str]) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (read from the file itself) whose text contains one of the needles."""
    conn = sqlite3.connect(db_file)
    try:
        found: dict[str, list[tuple[object, ...]]] = {}
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                text = " ".join(str(v) for v in row)
                if any(n in text for n in needles):
                    found.setdefault(table, []).append(row)
        return found
    finally:
        conn.close()


async def test_letter_reaches_counsellors_without_the_writer(school: School) -> None:
    reply_text = await write(school, "我最近很想爸爸妈妈，晚上睡不着。")
    assert "已送到" in reply_text
    number = await school.h.fetchval("SELECT number FROM mailbox_tickets")
    (notice,) = await queued(school.h, COUNSELLOR_ID, "mailbox")
    assert number in notice.text and not notice.urgent
    assert str(WRITER_ID) not in notice.text and "小同学" not in notice.text
    counsellor = school.people["counsellor"]
    await counsellor.send("/mailbox")
    assert "待处理的信（1）" in counsellor.last_text
    await counsellor.press(number)
    shown = counsellor.last_text
    assert "想爸爸妈妈" in shown and number in shown
    assert str(WRITER_ID) not in shown and "小同学" not in shown
    # Nothing about the writer in the database file (tests/test_mailbox_anonymity.py reads every byte of it).
    await school.h.app.update_persistence()
    found = rows_mentioning(school.h.config.storage.database, [str(WRITER_ID), "小同学"])
    assert found == {}, found
    conn = sqlite3.connect(school.h.config.storage.database)
    (box,) = conn.execute("SELECT writer_box FROM mailbox_tickets").fetchone()
    conn.close()
    assert str(WRITER_ID).encode() not in bytes(box)


async def test_reply_reaches_the_writer_who_answers_in_the_same_ticket(school: School) -> None:
    await write(school, "同学总是欺负我，我不敢告诉老师。")
    ticket_id = await school.h.fetchval("SELECT id FROM mailbox_tickets")
    counsellor = school.people["counsellor"]
    await counsellor.send("/mailbox")
    await counsellor.press_data(f"mb:t:{ticket_id}", message=counsellor.last)
    await counsellor.press("回复")
    await counsellor.send("谢谢你告诉我。你愿意说说是什么时候发生的吗？")
    assert "已送达" in counsellor.last_text
    writer = school.h.user(WRITER_ID, "小同学")
    assert "心理辅导老师回复了你的信" in writer.last_text and "什么时候发生" in writer.last_text
    await writer.press("继续写")
    await writer.send("每天放学的时候。")
    assert "已送到" in writer.last_text
    messages = await school.h.fetchall("SELECT from_writer, body FROM mailbox_messages ORDER BY id")
    assert [m["from_writer"] for m in messages] == [1, 0, 1]
    assert await school.h.fetchval("SELECT COUNT(*) FROM mailbox_tickets") == 1
    # The writer sees the conversation again in /mailbox.
    await writer.send("/mailbox")
    assert "什么时候发生" in writer.last_text and "每天放学" in writer.last_text


async def test_someone_elses_ticket_cannot_be_answered(school: School) -> None:
    await write(school, "我想找人说说话。")
    ticket_id = await school.h.fetchval("SELECT id FROM mailbox_tickets")
    other = school.h.user(888000111, "别人")
    await other.send("/mailbox")
    await other.press_data(f"mb:a:{ticket_id}", message=other.last)
    assert any("不是你写的" in a for a in other.alerts())
    await other.send("冒充的话")
    assert await school.h.fetchval("SELECT COUNT(*) FROM mailbox_messages") == 1


async def test_urgent_words_mark_the_letter_urgent(school: School) -> None:
    text = await write(school, "我真的 不 想 活 了")
    assert "110" in text  # the writer is told where to get help now
    assert await school.h.fetchval("SELECT urgent FROM mailbox_tickets") == 1
    (notice,) = await queued(school.h, COUNSELLOR_ID, "mailbox")
    assert notice.urgent and "紧急" in notice.text


async def test_empty_oversized_and_non_text_letters(school: School) -> None:
    writer = school.h.user(WRITER_ID, "小同学")
    await writer.send("/mailbox")
    await writer.press("写一封信")
    await writer.send_sticker()
    assert "只能发送文字" in writer.last_text
    await writer.send_photo()
    assert "只能发送文字" in writer.last_text
    await writer.send("   ")
    assert "空的" in writer.last_text
    await writer.send("长" * 2001)
    assert "超过了 2000 字" in writer.last_text
    assert await school.h.fetchval("SELECT COUNT(*) FROM mailbox_messages") == 0
    await writer.send("好的，我写短一点。")
    assert "已送到" in writer.last_text


async def test_rate_limit_per_writer(school: School) -> None:
    for i in range(10):
        assert "已送到" in await write(school, f"第{i}封信")
    assert "明天再写" in await write(school, "第十一封")
    assert await school.h.fetchval("SELECT COUNT(*) FROM mailbox_messages") == 10
    # Another writer is not affected, and the first may write again a day later.
    assert "已送到" in await write(school, "另一个人的信", writer_id=WRITER_ID + 1)
    school.h.clock.advance(hours=25)
    assert "已送到" in await write(school, "第二天")


@pytest.mark.parametrize("who", ["admin", "head_teacher", "subject_teacher", "parent", "stranger"])
async def test_only_counsellors_read_tickets(school: School, who: str) -> None:
    await write(school, "一封信")
    ticket_id = await school.h.fetchval("SELECT id FROM mailbox_tickets")
    person = school.people[who]
    await person.send("/mailbox")
    assert "待处理" not in person.last_text
    await person.press_data(f"mb:t:{ticket_id}", message=person.last)
    await person.press_data(f"mb:r:{ticket_id}", message=person.last)
    await person.press_data(f"mb:x:{ticket_id}", message=person.last)
    assert sum("只有心理辅导老师" in a for a in person.alerts()) == 3
    assert "一封信" not in " ".join(s.text for s in person.inbox)
    assert await school.h.fetchval("SELECT status FROM mailbox_tickets") == "open"
    denied = await school.h.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'mailbox.denied'", (person.id,)
    )
    assert denied == 3


async def test_restart_mid_letter_keeps_nothing_and_asks_again(school: School) -> None:
    writer = school.h.user(WRITER_ID, "小同学")
    await writer.send("/mailbox")
    await writer.press("写一封信")
    await school.h.restart()
    await writer.send("重启之后写的话")
    assert await school.h.fetchval("SELECT COUNT(*) FROM mailbox_messages") == 0
    await writer.send("/mailbox")
    await writer.press("写一封信")
    await writer.send("重启之后写的话")
    assert "已送到" in writer.last_text


async def test_reply_waits_in_the_ticket_when_it_cannot_be_pushed(school: School) -> None:
    await write(school, "我想和老师聊聊。")
    ticket_id = await school.h.fetchval("SELECT id FROM mailbox_tickets")
    school.h.api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=WRITER_ID)
    counsellor = school.people["counsellor"]
    await counsellor.send("/mailbox")
    await counsellor.press_data(f"mb:r:{ticket_id}", message=counsellor.last)
    await counsellor.send("随时可以来找我，我在心理辅导室。")
    assert "暂时无法推送" in counsellor.last_text
    writer = school.h.user(WRITER_ID, "小同学")
    await writer.send("/mailbox")
    assert "心理辅导室" in writer.last_text


async def test_counsellor_closes_and_a_new_answer_reopens(school: School) -> None:
    await write(school, "谢谢老师。")
    ticket_id = await school.h.fetchval("SELECT id FROM mailbox_tickets")
    counsellor = school.people["counsellor"]
    await counsellor.send("/mailbox")
    await counsellor.press_data(f"mb:x:{ticket_id}", message=counsellor.last)
    await counsellor.press_data(f"mb:x:{ticket_id}", message=counsellor.last)  # double tap
    assert await school.h.fetchval("SELECT status FROM mailbox_tickets") == "closed"
    assert any("已经结束" in a for a in counsellor.alerts())
    await counsellor.send("/mailbox")
    assert "没有待处理的信" in counsellor.last_text
    writer = school.h.user(WRITER_ID, "小同学")
    await writer.send("/mailbox")
    await writer.press("继续写")
    await writer.send("我又想说几句。")
    assert await school.h.fetchval("SELECT status FROM mailbox_tickets") == "open"


async def test_a_letter_is_kept_as_typed_and_controls_are_refused(school: School) -> None:
    writer = school.h.user(WRITER_ID, "小同学")
    await writer.send("/mailbox")
    await writer.press("写一封信")
    await writer.send("老师\x07你好")
    assert "控制字符" in writer.last_text
    assert await school.h.fetchval("SELECT COUNT(*) FROM mailbox_messages") == 0
    await writer.send("  我想家了，怎么办？😢👨‍👩‍👧\r\n第二行  ")
    assert "已送到" in writer.last_text
    assert await school.h.fetchval("SELECT body FROM mailbox_messages") == "我想家了，怎么办？😢👨‍👩‍👧\n第二行"
