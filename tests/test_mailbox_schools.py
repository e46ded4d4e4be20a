"""The mailbox in a county of several schools: the writer picks their school first (the only new fact a letter
holds, and it names no one); only that school's counsellors hear of it, list it and read it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.roles import Role
from bot.storage import people
from bot.storage import schools as schools_store
from tests.harness import Harness, TestUser
from tests.test_mailbox_anonymity import settle
from tests.test_safety_mailbox import rows_mentioning
from tests.test_safety_school import ADMIN_IDS, COUNSELLOR_ID, School, build_school

WRITER_ID, WRITER_NAME = 777123456, "小同学"
OTHER_COUNSELLOR_ID = 2105


@pytest.fixture
async def school(tmp_path: Path) -> School:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        built = await build_school(h)
        second = await schools_store.add_school(
            h.db, name="白杨小学", township="白杨镇", county="", created_by=ADMIN_IDS[0], now=datetime.now(UTC)
        )
        await people.ensure_user(h.db, OTHER_COUNSELLOR_ID, "孙老师", datetime.now(UTC))
        await people.grant_role(
            h.db, user_id=OTHER_COUNSELLOR_ID, role=Role.COUNSELLOR, class_id=None, school_id=second,
            granted_by=None, now=datetime.now(UTC),
        )  # fmt: skip
        yield built  # type: ignore[misc]


def notices(h: Harness, user_id: int) -> list[str]:
    return [m.text for m in h.api.messages(user_id) if "倾诉信箱收到新信" in m.text]


async def test_a_letter_goes_to_the_school_the_writer_picks_and_only_there(school: School) -> None:
    h = school.h
    writer = h.user(WRITER_ID, WRITER_NAME)
    await writer.send("/mailbox")
    await writer.press("写一封信")
    assert "你在哪所学校" in writer.last_text
    await writer.send("我不想上学了。")  # before a school is picked: asked again, nothing taken
    assert "你在哪所学校" in writer.last_text
    assert await h.fetchval("SELECT COUNT(*) FROM mailbox_tickets") == 0
    await writer.press("白杨小学")
    await writer.send("我不想上学了。")
    assert "已送到" in writer.last_text
    assert [tuple(r) for r in await h.fetchall("SELECT school_id FROM mailbox_tickets")] == [(2,)]
    await settle(school)
    assert len(notices(h, OTHER_COUNSELLOR_ID)) == 1 and notices(h, COUNSELLOR_ID) == []

    ticket_id = await h.fetchval("SELECT id FROM mailbox_tickets")
    first = school.people["counsellor"]
    await first.send("/mailbox")
    assert "没有待处理的信" in first.last_text
    await first.send("/language")  # a message with buttons to press a forged one on
    await first.press_data(f"mb:t:{ticket_id}")
    await first.press_data(f"mb:x:{ticket_id}")
    assert "不想上学" not in " ".join(s.text for s in first.inbox)
    assert await h.fetchval("SELECT status FROM mailbox_tickets") == "open"
    other = h.user(OTHER_COUNSELLOR_ID, "孙老师")
    await other.send("/mailbox")
    assert "待处理的信（1）" in other.last_text
    await other.press_data(f"mb:t:{ticket_id}", message=other.last)
    assert "不想上学" in other.last_text

    # The answer goes to the ticket's school without asking again.
    await other.press("回复")
    await other.send("我们聊聊好吗？")
    await writer.press("继续写")
    assert "你在哪所学校" not in writer.last_text
    await writer.send("好的。")
    await settle(school)
    assert len(notices(h, OTHER_COUNSELLOR_ID)) == 2 and notices(h, COUNSELLOR_ID) == []
    await h.app.update_persistence()
    assert rows_mentioning(h.config.storage.database, [str(WRITER_ID), WRITER_NAME]) == {}


async def test_with_one_school_nothing_is_asked(tmp_path: Path) -> None:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        built = await build_school(h)
        writer: TestUser = h.user(WRITER_ID, WRITER_NAME)
        await writer.send("/mailbox")
        await writer.press("写一封信")
        assert "你在哪所学校" not in writer.last_text
        await writer.send("一封信")
        assert "已送到" in writer.last_text
        await settle(built)
        assert len(notices(h, COUNSELLOR_ID)) == 1
        assert await h.fetchval("SELECT school_id FROM mailbox_tickets") == 1
