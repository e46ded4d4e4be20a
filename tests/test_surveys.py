"""Surveys through the running bot: the termly re-screening sent to head teachers about each child and answered by
buttons, the card change it proposes confirmed or declined; a typed questionnaire to a class's families through
the outbox, completion by class, one reminder only to those who have not answered; who may send and answer; the
results in /stats and /export; the county's re-screening figures with small counts hidden."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from bot.jobs import surveys as surveys_job
from bot.services import surveys as surveys_service
from bot.storage import people
from tests.green_fixture import drain, outbox_rows, school, services
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher
from tests.test_parents import add_families, class_of

TEACHERS = "三年级2班班主任（每个孩子一份）"
FAMILIES = "三年级2班全体家长（每户一份）"
TYPED = "午餐情况调查\n\n孩子在家吃早饭吗？\n每天吃\n有时吃\n不吃\n\n孩子几点睡觉？\n九点前\n九点后"


def workbook(user: TestUser) -> Workbook:
    sent = user.last
    assert sent.kind == "document" and sent.document, sent.text
    return load_workbook(io.BytesIO(sent.document))


async def send_rescreen(sender: TestUser, audience: str = TEACHERS) -> None:
    await sender.send("/survey")
    await sender.press("发新问卷")
    await sender.press("学期摸底排查")
    await sender.press(audience)
    await sender.press("发送")


async def test_the_re_screening_asks_the_head_teacher_about_each_child_and_a_confirmed_change_edits_the_card(
    harness: Harness,
) -> None:
    _admin, teacher, child_id, _parents = await school(harness)
    await send_rescreen(teacher)
    assert "已发出 1 份问卷" in teacher.last_text
    await drain(harness)
    asked = teacher.last_with_buttons()
    assert "学期摸底排查" in asked.text and "张小明" in asked.text and "现在谁在外务工" in asked.text
    await teacher.press("都在家了", message=asked)
    assert "现在主要由谁照顾孩子" in teacher.last_text
    await teacher.press("都在家了", message=asked)  # the same question again: the first answer stands
    assert teacher.alerts()[-1] == "这一题已经答过了，以第一次的回答为准。"
    await teacher.press("祖父母/外祖父母")
    await teacher.press("没有变化")
    texts = [sent.text for sent in teacher.inbox[-4:]]
    assert any("问卷填完了" in text for text in texts), texts
    proposals = [sent for sent in teacher.inbox if "摸底排查：张小明" in sent.text]
    assert len(proposals) == 2
    not_left, carer = proposals
    assert "不再是留守儿童" in not_left.text and "祖父母/外祖父母" in carer.text

    await teacher.press("改档案", message=not_left)
    assert "已更新张小明的档案" in teacher.last_text
    notes = await harness.fetchval("SELECT notes FROM children WHERE id = ?", (child_id,))
    assert "摸底排查：父母都已在家，不再是留守儿童" in notes
    await teacher.press("不改", message=carer)
    assert "档案不改" in teacher.last_text
    assert await harness.fetchval("SELECT guardian_relation FROM children WHERE id = ?", (child_id,)) is None
    await teacher.press("改档案", message=carer)  # decided already
    assert teacher.alerts()[-1] == "这条变更已经处理过了。"
    actions = [
        row["action"]
        for row in await harness.fetchall("SELECT action FROM audit_log WHERE child_id = ? ORDER BY id", (child_id,))
    ]
    assert {"survey.answer", "survey.confirm", "survey.decline", "edit"} <= set(actions)

    await teacher.send("/survey")
    await teacher.press("已发的问卷")
    await teacher.press(teacher.last_with_buttons().buttons()[0]["text"])
    assert "三年级2班：1/1 ✅" in teacher.last_text
    assert "「都在家了」1" in teacher.last_text and "「父亲」0" in teacher.last_text
    await teacher.press("导出表格")
    book = workbook(teacher)
    rows = list(book.worksheets[1].values)
    assert rows[1][:3] == ("三年级2班", "张小明", "都在家了")


async def test_a_parent_s_re_screening_answer_is_proposed_to_the_head_teacher_through_the_outbox(
    harness: Harness,
) -> None:
    _admin, teacher, child_id, (mother,) = await school(harness)
    await harness.db.execute("UPDATE children SET parents_away = 'both' WHERE id = ?", (child_id,))
    await send_rescreen(teacher, FAMILIES)
    await drain(harness)
    teacher.new_messages()
    await mother.press("母亲")  # only the mother is away now
    await mother.press("父亲或母亲")
    await mother.press("父母返乡")
    assert "问卷填完了" in mother.last_text
    assert not any("摸底排查：" in sent.text for sent in mother.inbox)  # the family is not asked to edit the card
    await drain(harness)
    proposal, carer = [sent for sent in teacher.new_messages() if "摸底排查：张小明" in sent.text]
    assert "外出情况改为「母亲外出」" in proposal.text and "父亲或母亲" in carer.text
    await teacher.press("改档案", message=proposal)
    assert await harness.fetchval("SELECT parents_away FROM children WHERE id = ?", (child_id,)) == "mother"


async def test_a_typed_survey_reaches_each_family_once_and_the_reminder_only_the_silent(harness: Harness) -> None:
    _admin, teacher, child_id, parents = await school(harness)
    families = parents + await add_families(harness, await class_of(harness, child_id), 5)
    await teacher.send("/survey")
    await teacher.press("发新问卷")
    await teacher.press("自己写")
    await teacher.send("只有标题")
    assert "没看懂这份问卷" in teacher.last_text
    await teacher.send("标题\n\n只有一个选项的问题\n唯一")
    assert "2～6 个不重复的选项" in teacher.last_text
    await teacher.send(TYPED)
    await teacher.press(FAMILIES)
    assert "午餐情况调查" in teacher.last_text and "共 6 份" in teacher.last_text
    await teacher.press("发送")
    await drain(harness)
    assert await drain(harness) == 0
    for family in families:
        got = family.new_messages()
        assert len(got) == 1 and "孩子在家吃早饭吗" in got[0].text, family.id
    rows = await outbox_rows(harness, surveys_service.QUESTION)
    assert len(rows) == 6 and {r["status"] for r in rows} == {"sent"}
    answered, silent = families[:2], families[2:]
    for family in answered:
        await family.press("有时吃")
        await family.press("九点前")
        assert "问卷填完了" in family.last_text

    await teacher.send("/survey")
    await teacher.press("已发的问卷")
    assert "2/6" in teacher.last_with_buttons().buttons()[0]["text"]
    await teacher.press("2/6")
    assert "三年级2班：2/6，未答：" in teacher.last_text and "家长4" in teacher.last_text
    assert "张妈妈" not in teacher.last_text.split("未答：")[1]
    assert "「有时吃」2" in teacher.last_text and "「九点前」2" in teacher.last_text

    assert await surveys_job.run(services(harness)) == 0  # not before its time
    harness.clock.advance(hours=48, minutes=1)
    assert await surveys_job.run(services(harness)) == 4
    assert await surveys_job.run(services(harness)) == 0  # once
    await drain(harness)
    for family in silent:
        assert sum("提醒：这份问卷还没填完" in s.text for s in family.inbox) == 1
    for family in answered:
        assert not any("提醒：这份问卷" in s.text for s in family.inbox)


async def test_who_may_send_answer_and_confirm(harness: Harness) -> None:
    admin, teacher, child_id, (mother,) = await school(harness)
    class_id = await class_of(harness, child_id)
    other = await make_head_teacher(harness, admin, 4199, "三年级 3班")
    await other.send("/survey")
    await other.press("发新问卷")
    await other.press("学期摸底排查")
    labels = [b["text"] for b in other.last_with_buttons().buttons()]
    assert "三年级3班全体家长（每户一份）" in labels and not any("2班" in label for label in labels)
    nonce = other.last_with_buttons().buttons()[0]["callback_data"].split(":")[2]
    await other.press_data(f"sv:p:{nonce}:2:pc{class_id}")  # a forged audience: another class's families
    assert "权限" in other.last_text
    await mother.send("/survey")
    assert "权限" in mother.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM surveys") == 0

    await send_rescreen(teacher)
    await drain(harness)
    request = await harness.fetchval("SELECT id FROM survey_requests")
    await other.send("/cancel")
    await other.press_data(f"sa:{request}:0:3")  # someone else's questionnaire
    assert other.alerts()[-1] == "这份问卷已经不在了。"
    assert await harness.fetchval("SELECT COUNT(*) FROM survey_answers") == 0
    for label in ("都在家了", "其他人", "没有变化"):
        await teacher.press(label)
    proposal = await harness.fetchval("SELECT id FROM survey_proposals ORDER BY id LIMIT 1")
    await other.press_data(f"sd:{proposal}:1")  # another class's head teacher confirms
    assert "权限" in other.alerts()[-1]
    assert await harness.fetchval("SELECT status FROM survey_proposals WHERE id = ?", (proposal,)) == "open"
    await mother.press_data(f"sd:{proposal}:1", message=mother.last)
    assert "权限" in mother.alerts()[-1]
    assert await harness.fetchval("SELECT status FROM survey_proposals WHERE id = ?", (proposal,)) == "open"
    assert await harness.fetchval("SELECT notes FROM children WHERE id = ?", (child_id,)) is None


async def test_results_in_stats_export_and_the_county_s_small_counts(harness: Harness) -> None:
    admin, teacher, child_id, _parents = await school(harness)
    await add_families(harness, await class_of(harness, child_id), 6)
    await send_rescreen(admin, "全校班主任（每个孩子一份）")
    assert "已发出 7 份问卷" in admin.last_text
    await drain(harness)
    asked = [sent for sent in teacher.new_messages() if "现在谁在外务工" in sent.text]
    assert len(asked) == 7
    for index, questionnaire in enumerate(asked):
        await teacher.press("父亲" if index == 6 else "父母双方", message=questionnaire)
        await teacher.press("其他亲属" if index == 6 else "祖父母/外祖父母")
        await teacher.press("父母外出" if index == 6 else "没有变化")

    await admin.send("/stats")
    await admin.press("问卷结果")
    await admin.press(admin.last_with_buttons().buttons()[0]["text"])
    assert "「父母双方」6" in admin.last_text and "「父亲」1" in admin.last_text

    await admin.send("/export")
    await admin.press(admin.last_with_buttons().buttons()[0]["text"])
    await admin.press(admin.last_with_buttons().buttons()[0]["text"])
    book = workbook(admin)
    sheet = book["问卷结果"]
    counted = {(row[2], row[3]): row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert counted[("现在谁在外务工？", "父母双方")] == 6 and counted[("现在谁在外务工？", "父亲")] == 1

    await people.ensure_county_staff(harness.db, (4400,), harness.clock())
    county = harness.user(4400, "县教育局")
    await county.send("/stats")
    await county.press("摸底排查结果")
    # One school's line: the single 1 is hidden, and the 6 beside it too (7 answered would give the 1 away).
    assert "父亲 &lt;5" in county.last_text and "父母双方 &lt;5" in county.last_text and "母亲 0" in county.last_text
    assert "父亲 1" not in county.last_text and "&amp;" not in county.last_text


async def test_erasing_a_child_drops_the_questionnaires_queued_about_them(harness: Harness) -> None:
    admin, teacher, child_id, (mother,) = await school(harness)
    await send_rescreen(teacher)
    await send_rescreen(teacher, FAMILIES)
    assert len(await outbox_rows(harness, surveys_service.QUESTION)) == 2  # queued, not yet sent
    await mother.send("/mydata")
    await mother.press("申请删除")
    await mother.press("确定申请删除")
    await admin.send("/erase")
    await admin.press("张小明")
    await admin.press("确定删除")
    assert "已删除" in admin.last_text
    assert await outbox_rows(harness, surveys_service.QUESTION) == []
    assert await harness.fetchval("SELECT COUNT(*) FROM survey_requests WHERE child_id = ?", (child_id,)) == 0
