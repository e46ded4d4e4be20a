"""A kill -9 between editing an answer into place and sending the next question (found by the e2e school week).

The edit reached Telegram, so the question's buttons are gone; the next question never left; the conversation state
was not written yet, so after the restart the flow is still at the step whose buttons the person no longer has.
Whatever the person sends then must bring the step back with its buttons, and the flow must go on to its save.
"""

from __future__ import annotations

from tests.care_fixture import rows, school
from tests.harness import Harness, TestUser


def lose_buttons(user: TestUser, needle: str, shown: str) -> None:
    """What the person sees after the crash: the question with `needle` was edited to `shown`, without buttons."""
    message = next(m for m in reversed(user.inbox) if needle in m.text)
    message.history.append(message.text)
    message.text = shown
    message.reply_markup = None


async def test_visit_kind_buttons_come_back_after_a_crash(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/visit")
    await s.teacher.press("张小明")
    assert "记录哪一种" in s.teacher.last_text
    lose_buttons(s.teacher, "记录哪一种", "🏠 家访 · <b>张小明</b>")
    await harness.crash_restart()
    await s.teacher.send("？")
    assert "记录哪一种" in s.teacher.last_text and s.teacher.last.buttons(), s.teacher.last_text
    await s.teacher.press("家访")
    await s.teacher.press("今天")
    await s.teacher.press("跳过")
    await s.teacher.send("奶奶身体不好")
    await s.teacher.press("不需要")
    await s.teacher.press("确认保存")
    assert "已保存" in s.teacher.last_text
    assert [(v["kind"], v["notes"]) for v in await rows(harness, "visits")] == [("home_visit", "奶奶身体不好")]


async def test_checkin_rating_buttons_come_back_after_a_crash(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/checkin")
    await s.teacher.press("张小明")
    await s.teacher.press("逐项评价")
    await s.teacher.press("好")
    assert "(2/4)" in s.teacher.last_text
    lose_buttons(s.teacher, "(2/4)", "生活：🙂 好")
    await harness.crash_restart()
    await s.teacher.send_sticker()
    assert "(2/4)" in s.teacher.last_text and s.teacher.last.buttons(), s.teacher.last_text
    for _ in range(3):
        await s.teacher.press("一般")
    await s.teacher.press("跳过")
    await s.teacher.press("确认保存")
    saved = await rows(harness, "checkins")
    assert [(c["study"], c["life"], c["mood"], c["health"]) for c in saved] == [(3, 2, 2, 2)]
