"""/checkin end to end: the three-tap fast path, the full path with a note or voice, worries and the
concern question, double taps, stale and forged buttons, stray input, cancel, restarts, access."""

from __future__ import annotations

from bot.domain.care import Ratings
from bot.services import care as care_service
from bot.storage import people
from tests.care_fixture import OTHER_TEACHER_ID, TEACHER_ID, joined, other_head_teacher, rows, school
from tests.harness import Harness
from tests.helpers import invite_parent, register_child


async def test_all_fine_in_three_taps(harness: Harness) -> None:
    s = await school(harness)
    replies = await s.teacher.send("/checkin")  # tap 1 (from the menu)
    assert "要记录哪个孩子" in replies[-1].text
    await s.teacher.press("张小明")  # tap 2
    assert "近况如何" in s.teacher.last_text
    await s.teacher.press("一切正常")  # tap 3
    assert "已记录：张小明 一切正常" in s.teacher.last_text
    saved = await rows(harness, "checkins")
    assert len(saved) == 1
    row = saved[0]
    assert (row["child_id"], row["author_id"], row["quick"], row["worry"]) == (s.child_id, TEACHER_ID, 1, 0)
    assert (row["study"], row["life"], row["mood"], row["health"]) == (3, 3, 3, 3)
    assert row["concern_wanted"] is None
    audit = await harness.fetchall("SELECT action, child_id FROM audit_log WHERE action = 'care.checkin'")
    assert [(a["action"], a["child_id"]) for a in audit] == [("care.checkin", s.child_id)]


async def test_double_tap_on_save_stores_one_record(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/checkin")
    await s.teacher.press("张小明")
    fine = next(b["callback_data"] for b in s.teacher.last_with_buttons().buttons() if "一切正常" in b["text"])
    await s.teacher.press_data(fine)
    await s.teacher.press_data(fine)  # the second tap of a double tap (the message was already edited)
    assert len(await rows(harness, "checkins")) == 1
    assert s.teacher.alerts()[-1] == "已经保存过了，不用再点。"  # not "this button has expired"

    # The detailed path too: two taps on "confirm".
    await s.teacher.send("/checkin")
    await s.teacher.press("张小明")
    await s.teacher.press("逐项评价")
    for _ in range(4):
        await s.teacher.press("好")
    await s.teacher.press("跳过")
    save = next(b["callback_data"] for b in s.teacher.last_with_buttons().buttons() if "确认保存" in b["text"])
    await s.teacher.press_data(save)
    await s.teacher.press_data(save)
    assert len(await rows(harness, "checkins")) == 2
    assert s.teacher.alerts()[-1] == "已经保存过了，不用再点。"


async def test_same_flow_token_is_stored_once(harness: Harness) -> None:
    """A save replayed after a crash (same flow) cannot store a second row."""
    s = await school(harness)
    services = harness.app.bot_data["services"]
    actor = await people.load_actor(harness.db, TEACHER_ID)
    ratings = Ratings.all_fine()
    first = await care_service.save_checkin(
        services, actor, s.child_id, ratings, note=None, voice_file_id=None, note_flagged=False, quick=True,
        flow_token="tok1",
    )  # fmt: skip
    again = await care_service.save_checkin(
        services, actor, s.child_id, ratings, note=None, voice_file_id=None, note_flagged=False, quick=True,
        flow_token="tok1",
    )  # fmt: skip
    assert first.checkin_id is not None and again.checkin_id is None
    assert len(await rows(harness, "checkins")) == 1


async def test_full_path_with_note_and_a_worry(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/checkin 小明")  # a name after the command goes straight to the child
    assert "近况如何" in s.teacher.last_text
    await s.teacher.press("逐项评价")
    assert "(1/4)" in s.teacher.last_text and "学习" in s.teacher.last_text
    await s.teacher.press("好")
    await s.teacher.press("一般")
    await s.teacher.press("需关注")  # mood
    assert "(4/4)" in s.teacher.last_text
    await s.teacher.press("好")
    assert "还有什么要补充" in s.teacher.last_text
    await s.teacher.send("最近 <常哭>，想妈妈")
    review = s.teacher.last_text
    assert "&lt;常哭&gt;" in review and "需关注" in review  # the note is escaped in the HTML sent
    await s.teacher.press("确认保存")
    texts = joined(s.teacher.inbox[-2:])
    assert "已保存 张小明 的近况记录" in texts and "是否需要上报" in s.teacher.last_text
    row = (await rows(harness, "checkins"))[0]
    assert (row["study"], row["life"], row["mood"], row["health"]) == (3, 2, 1, 3)
    assert row["worry"] == 1 and row["note"] == "最近 <常哭>，想妈妈" and row["quick"] == 0
    await s.teacher.press("需要上报")
    assert "已记下" in s.teacher.last_text
    row = (await rows(harness, "checkins"))[0]
    assert row["concern_wanted"] == 1
    # /concern (issue 6) offers this flagged check-in as a one-tap start.
    await s.teacher.send("/concern")
    assert any("张小明 的担忧记录" in b["text"] for b in s.teacher.last_with_buttons().buttons())
    await s.teacher.send("/cancel")

    # The concerns feature can find it.
    services = harness.app.bot_data["services"]
    actor = await people.load_actor(harness.db, TEACHER_ID)
    flagged = await care_service.flagged_checkins(services, actor, wanted_only=True)
    assert [c.id for c in flagged] == [row["id"]]
    other = await other_head_teacher(harness, s.admin)
    outsider = await people.load_actor(harness.db, other.id)
    assert await care_service.flagged_checkins(services, outsider) == []


async def test_a_note_marked_as_worry_and_a_voice_note(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/checkin")
    await s.teacher.press("张小明")
    await s.teacher.press("逐项评价")
    for _ in range(4):
        await s.teacher.press("好")
    await s.teacher.send_voice("voice-abc")
    assert "附语音备注" in s.teacher.last_text and "需关注" not in s.teacher.last_text
    await s.teacher.press("标记为担忧")
    assert "需关注" in s.teacher.last_text
    await s.teacher.press("取消担忧标记")
    await s.teacher.press("标记为担忧")
    await s.teacher.press("确认保存")
    await s.teacher.press("暂不需要")
    assert "暂不上报" in s.teacher.last_text
    row = (await rows(harness, "checkins"))[0]
    assert row["voice_file_id"] == "voice-abc" and row["note"] is None
    assert row["worry"] == 1 and row["concern_wanted"] == 0


async def test_forged_rating_stale_buttons_and_stray_input(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/checkin")
    await s.teacher.send_sticker()
    assert "请点选一个孩子" in s.teacher.last_text
    await s.teacher.press("张小明")
    await s.teacher.press("逐项评价")
    data = s.teacher.last_with_buttons().buttons()[0]["callback_data"]
    nonce = data.split(":")[2]
    await s.teacher.press_data(f"ci:r:{nonce}:0:7")  # a rating outside the scale
    assert any("评价按钮" in a for a in s.teacher.alerts())
    await s.teacher.press_data(f"ci:r:{nonce}:2:3")  # a rating for a later step
    await s.teacher.press_data(f"ci:ok:{nonce}")  # the old "all fine" after choosing to rate
    await s.teacher.press_data("ci:r:ffffff:0:3")  # another check-in's button
    assert await rows(harness, "checkins") == []
    await s.teacher.send("随便打字")
    hint, again = s.teacher.inbox[-2:]
    assert "按钮" in hint.text and "(1/4)" in again.text and again.buttons()  # the step again, with its buttons
    await s.teacher.send("/register")
    assert "记录近况" in s.teacher.last_text  # a command mid-flow names the flow
    await s.teacher.press("好")
    assert "(2/4)" in s.teacher.last_text  # the flow went on


async def test_cancel_and_restart_mid_flow(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/checkin")
    await s.teacher.press("张小明")
    await s.teacher.press("逐项评价")
    await s.teacher.press("好")
    await harness.restart()
    await s.teacher.press("一般")
    assert "(3/4)" in s.teacher.last_text
    await s.teacher.press("好")
    await harness.crash_restart()
    await s.teacher.press("好")
    await s.teacher.send("睡得好")
    await s.teacher.press("确认保存")
    row = (await rows(harness, "checkins"))[0]
    assert (row["study"], row["life"], row["mood"], row["health"], row["note"]) == (3, 2, 3, 3, "睡得好")

    await s.teacher.send("/checkin")
    await s.teacher.press("张小明")
    await s.teacher.send("/cancel")
    assert "已取消" in s.teacher.last_text
    await s.teacher.press_data(s.teacher.inbox[-2].buttons()[0]["callback_data"], message=s.teacher.inbox[-2])
    assert len(await rows(harness, "checkins")) == 1


async def test_search_by_name_and_access(harness: Harness) -> None:
    s = await school(harness)
    other = await other_head_teacher(harness, s.admin)
    await other.send("/checkin")
    assert "请输入姓名查找" in other.last_text  # no children of their own yet: no buttons
    await other.send("张小明")
    assert "没有找到" in other.last_text  # another class's child is not found
    await other.send("/cancel")
    await register_child(other, "李小红")
    await other.send("/checkin")
    nonce = other.last_with_buttons().buttons()[0]["callback_data"].split(":")[2]
    await other.press_data(f"ci:c:{nonce}:{s.child_id}")  # a forged pick of a child they may not see
    assert "无权查看" in other.last_text
    denied = await harness.fetchall(
        "SELECT detail FROM audit_log WHERE actor_id = ? AND action = 'denied' AND child_id = ?",
        (OTHER_TEACHER_ID, s.child_id),
    )
    assert [d["detail"] for d in denied] == ["log_care"]
    await other.press("李小红")
    await other.press("一切正常")
    assert [r["child_id"] for r in await rows(harness, "checkins")] != [s.child_id]

    # Several matches are offered as buttons; the teacher's own class comes first in the quick picks.
    await register_child(s.teacher, "张小华", "2014-05-01")
    await s.teacher.send("/checkin")
    await s.teacher.send("张小")
    assert "找到 2 个孩子" in s.teacher.last_text
    await s.teacher.press("张小华")
    assert "张小华" in s.teacher.last_text and "近况如何" in s.teacher.last_text


async def test_a_parent_cannot_check_in(harness: Harness) -> None:
    s = await school(harness)
    code = await invite_parent(s.teacher, "张小明")
    parent = harness.user(3001, "张妈妈")
    await parent.send(f"/start {code}")
    await parent.send("/checkin")
    assert "没有权限" in parent.last_text
    assert await rows(harness, "checkins") == []


async def test_quick_picks_put_the_last_checked_child_first_then_the_class(harness: Harness) -> None:
    s = await school(harness)
    await register_child(s.teacher, "李小红", "2014-05-01")
    await s.teacher.send("/checkin")
    names = [b["text"].split("（")[0] for b in s.teacher.last.buttons()]
    assert names[:2] == ["张小明", "李小红"]  # the class, by name
    await s.teacher.press("李小红")
    await s.teacher.press("一切正常")

    await s.teacher.send("/checkin")
    names = [b["text"].split("（")[0] for b in s.teacher.last.buttons()]
    assert names[:2] == ["李小红", "张小明"]  # the one checked in on first
