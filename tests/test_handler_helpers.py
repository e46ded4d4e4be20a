"""The steps handlers share (bot/handlers/common.py, care_picker.py): list pagers that answer both the command
and their page buttons, and one answer per button press (a second answer is refused by Telegram)."""

from __future__ import annotations

from bot.domain.clock import to_db
from tests.care_fixture import rows, school
from tests.conftest import ADMIN_ID
from tests.harness import Harness

STALE = "这个按钮已经失效了，请使用最新消息中的按钮。"


async def test_followups_pager_pages_and_comes_back(harness: Harness) -> None:
    s = await school(harness)
    for number in range(1, 10):  # nine follow-ups: one more than a page
        await s.teacher.send("/visit 张小明")
        await s.teacher.press("通话")
        await s.teacher.press("今天")
        await s.teacher.press("跳过")
        await s.teacher.send(f"第{number}次通话")
        await s.teacher.press("添加跟进事项")
        await s.teacher.send(f"跟进{number}")
        await s.teacher.press("3 天后")
        await s.teacher.press("确认保存")
    assert len(await rows(harness, "followups")) == 9

    await s.teacher.send("/followups")
    first = s.teacher.last_text
    assert "1/2" in first and "跟进1" in first and "跟进9" not in first
    await s.teacher.press("下一页 ➡️")
    second = s.teacher.last_text
    assert "2/2" in second and "9. " in second and "跟进1" not in second
    await s.teacher.press("⬅️ 上一页")
    assert s.teacher.last_text == first
    # The page button edits the list in place: no new message.
    assert s.teacher.last.message_id == s.teacher.last_with_buttons().message_id


async def test_a_vanished_class_button_is_answered_once(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    await admin.send("/invite")
    await admin.press("班主任")  # a role with a class: the class buttons (or type one) come next
    before = len(harness.api.calls_of("answerCallbackQuery"))
    await admin.press_data("inv:c:99999", message=admin.last)
    answers = harness.api.calls_of("answerCallbackQuery")[before:]
    assert [a.params.get("text") for a in answers] == [STALE]
    assert answers[0].params.get("show_alert") is True
    # Still at the class step: a typed class goes on to the invitation link.
    await admin.send("五年级 3班")
    assert "t.me/" in admin.last_text


async def test_mychildren_pages_through_a_large_class_and_comes_back(harness: Harness) -> None:
    s = await school(harness)
    class_id = await harness.fetchval("SELECT class_id FROM children WHERE id = ?", (s.child_id,))
    now = to_db(harness.clock())
    async with harness.db.transaction():
        for index in range(1, 45):  # 45 children and the class's header: more lines than a page of 40
            await harness.db.insert(
                "INSERT INTO children (name, sex, birth_date, class_id, parents_away, created_at, updated_at)"
                " VALUES (?, 'female', '2015-05-05', ?, 'both', ?, ?)",
                (f"学生{index:02d}", class_id, now, now),
            )

    await s.teacher.send("/mychildren")
    first = s.teacher.last_text
    assert "1/2" in first and "学生44" not in first
    await s.teacher.press("下一页 ➡️")
    second = s.teacher.last_text
    assert "2/2" in second and "学生44" in second and "学生01" not in second
    # The page button edits the list in place, and its way back shows the first page again.
    assert s.teacher.last.message_id == s.teacher.last_with_buttons().message_id
    await s.teacher.press("⬅️ 上一页")
    assert s.teacher.last_text == first
