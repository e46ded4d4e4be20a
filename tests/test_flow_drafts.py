"""A flow's draft is typed (bot/handlers/flow.py) but stored as the plain dict it always was: a draft stored by the
version before (with its step marks) goes on after a restart; one that cannot be read ends with "start again"."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.handlers.flow import Draft, load
from tests.care_fixture import rows, school
from tests.green_fixture import school as parents_school
from tests.harness import Harness
from tests.test_registration import TEACHER_ID, child_rows, setup_teacher


@dataclass(kw_only=True)
class _Example(Draft):
    child_id: int
    note: str = ""


def test_a_stored_draft_loads_without_the_keys_it_no_longer_has() -> None:
    draft = load(_Example, {"nonce": "abc123", "child_id": 7, "stage": "review", "reviewing": True})
    assert draft == _Example(nonce="abc123", child_id=7)
    assert load(_Example, {"nonce": "abc123"}) is None  # without the child it cannot go on
    assert load(_Example, None) is None and load(_Example, "junk") is None


async def _stored(h: Harness, user_id: int) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        await h.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (user_id,))
    )
    return data


async def _store(h: Harness, user_id: int, data: dict[str, object]) -> None:
    await h.db.execute(
        "UPDATE ptb_user_data SET data = ? WHERE user_id = ?", (json.dumps(data, ensure_ascii=False), user_id)
    )


async def test_a_registration_stored_the_old_way_goes_on_after_a_restart(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    await teacher.send("张小明")
    data = await _stored(harness, TEACHER_ID)
    draft = data["register_draft"]
    assert isinstance(draft, dict)
    draft["reviewing"] = False  # the mark the form kept before its state said it
    del draft["contact_field"]
    await _store(harness, TEACHER_ID, data)
    await harness.crash_restart()
    await teacher.press("男")
    await teacher.send("2015-03-08")
    await teacher.press("父母都外出")
    await teacher.press("父亲的电话")
    await teacher.send("13812345678")
    await teacher.press("走读")
    await teacher.press("确认保存")
    assert [r["name"] for r in await child_rows(harness)] == ["张小明"]


async def test_a_visit_stored_the_old_way_goes_on_and_an_unreadable_one_says_start_again(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/visit")
    await s.teacher.press("张小明")
    data = await _stored(harness, s.teacher.id)
    draft = data["visit_draft"]
    assert isinstance(draft, dict)
    draft["stage"] = "kind"  # the step mark the visit kept before its state said it
    await _store(harness, s.teacher.id, data)
    await harness.crash_restart()
    await s.teacher.press("家访")
    assert {b["text"] for b in s.teacher.last.buttons()} >= {"今天", "昨天"}
    data = await _stored(harness, s.teacher.id)
    data["visit_draft"] = ["not", "a", "draft"]
    await _store(harness, s.teacher.id, data)
    await harness.crash_restart()
    await s.teacher.press("今天")
    assert s.teacher.last_text == "这份档案已不存在。"
    assert await rows(harness, "visits") == []
    await s.teacher.send("/visit")  # and it starts again
    assert s.teacher.last.buttons()


async def test_a_carer_designation_stored_the_old_way_goes_on_and_an_earlier_steps_button_is_stale(
    harness: Harness,
) -> None:
    _admin, _teacher, _child_id, (mother,) = await parents_school(harness)
    await mother.send("/guardian")
    await mother.send("王桂兰")
    relation = mother.last_with_buttons()
    data = await _stored(harness, mother.id)
    draft = data["guardian"]
    assert isinstance(draft, dict)
    draft["stage"] = "2"  # the step mark the form kept before its state said it
    await _store(harness, mother.id, data)
    await harness.crash_restart()
    await mother.press("奶奶")
    assert "电话" in mother.last_text
    await mother.press("奶奶", message=relation)  # the relation's button again, at the phone's step
    assert mother.alerts()[-1] == "这个按钮已经失效了，请使用最新消息中的按钮。"
    await mother.send("13900001111")
    await mother.send("利川市柏杨镇水井村3组")
    for label in ("吸毒", "完全民事行为能力", "性侵害", "拒不履行", "听过孩子的意见"):
        await mother.press(label)
    await mother.press("提交")
    assert "已书面告知学校" in mother.last_text
    assert await harness.fetchval("SELECT relation FROM guardian_designations") == "grandmother_paternal"


async def test_a_concern_stored_the_old_way_goes_on_after_a_restart(harness: Harness) -> None:
    s = await school(harness)
    await s.teacher.send("/concern 张小明")
    await s.teacher.press("独自生活")
    data = await _stored(harness, s.teacher.id)
    draft = data["concern_draft"]
    assert isinstance(draft, dict)
    del draft["nonce"]  # the draft had none before
    await _store(harness, s.teacher.id, data)
    await harness.crash_restart()
    await s.teacher.send("一个人在家。")
    await s.teacher.press("今天")
    assert "已上报" in s.teacher.last_text
    assert [(c["kind"], c["description"]) for c in await rows(harness, "concerns")] == [("alone", "一个人在家。")]


async def test_a_notice_stored_the_old_way_goes_on_and_an_earlier_steps_button_is_stale(harness: Harness) -> None:
    _admin, teacher, _child_id, _parents = await parents_school(harness)
    await teacher.send("/notice")
    await teacher.press("写新通知")
    audiences = teacher.last_with_buttons()
    await teacher.press("三年级2班全体家长")
    await teacher.press("自己写")
    data = await _stored(harness, teacher.id)
    draft = data["notice"]
    assert isinstance(draft, dict)
    draft["stage"] = "2"  # the step mark the notice kept before its state said it
    del draft["choices"], draft["media_kind"], draft["media_file"], draft["kind"]  # keys it did not have yet
    await _store(harness, teacher.id, data)
    await harness.crash_restart()
    await teacher.send("周六开家长会。")
    assert "周六开家长会" in teacher.last_text
    await teacher.press("三年级2班全体家长", message=audiences)  # the audience's button again, while writing
    assert teacher.alerts()[-1] == "这个按钮已经失效了，请使用最新消息中的按钮。"
    await teacher.press("下一步")
    await teacher.press("确认")
    await teacher.press("发送")
    assert "发送给 1 户家长" in teacher.last_text
    assert await harness.fetchval("SELECT text FROM notices") == "周六开家长会。"


async def test_a_typed_questionnaire_stored_the_old_way_goes_on_and_an_earlier_steps_button_is_stale(
    harness: Harness,
) -> None:
    _admin, teacher, _child_id, _parents = await parents_school(harness)
    await teacher.send("/survey")
    await teacher.press("发新问卷")
    templates = teacher.last_with_buttons()
    await teacher.press("自己写")
    await teacher.send("午餐情况调查\n\n孩子在家吃早饭吗？\n每天吃\n不吃")
    data = await _stored(harness, teacher.id)
    draft = data["survey"]
    assert isinstance(draft, dict)
    draft["stage"] = "2"  # the step mark the questionnaire kept before its state said it
    del draft["template"], draft["audience"]  # keys it did not have yet
    await _store(harness, teacher.id, data)
    await harness.crash_restart()
    await teacher.press("学期摸底排查", message=templates)  # a ready questionnaire's button, at the audience's step
    assert teacher.alerts()[-1] == "这个按钮已经失效了，请使用最新消息中的按钮。"
    await teacher.press("三年级2班全体家长（每户一份）")
    assert "午餐情况调查" in teacher.last_text and "（1 题）" in teacher.last_text, teacher.last_text
    await teacher.press("发送")
    assert "已发出 1 份问卷" in teacher.last_text
    assert await harness.fetchval("SELECT title FROM surveys") == "午餐情况调查"
