"""/export: the workbook opened again with openpyxl and checked cell by cell; scopes, periods, access, audit."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from tests.harness import Harness, TestUser
from tests.reporting_fixture import build_school

ROSTER_HEADERS = [
    "编号", "姓名", "性别", "出生日期", "年龄", "班级", "外出务工情况", "外出时间", "性格", "兴趣", "特长",
    "身体状况", "父亲姓名", "父亲务工地", "父亲电话", "母亲姓名", "母亲务工地", "母亲电话", "第二监护人姓名",
    "第二监护人与孩子关系", "第二监护人住址", "第二监护人电话", "寄宿", "学校备注",
    "民族", "身份证号", "户籍所在地", "患病或残疾", "监护类型", "监护情况评估", "救助帮扶情况",
]  # fmt: skip


def workbook(user: TestUser) -> Workbook:
    sent = user.last
    assert sent.kind == "document" and sent.document, sent.text
    return load_workbook(io.BytesIO(sent.document))


async def export(user: TestUser, scope_label: str, period_label: str = "近 30 天") -> Workbook:
    await user.send("/export")
    await user.press(scope_label)
    await user.press(period_label)
    return workbook(user)


async def test_school_workbook_cell_by_cell(harness: Harness) -> None:
    school = await build_school(harness)
    book = await export(school.admin, "全校")
    assert book.sheetnames == ["统计汇总", "一年级1班", "三年级1班", "三年级2班", "家访与谈话", "日常关注"]
    caption = school.admin.last.text
    assert "已导出 6 名孩子的档案" in caption and "2026-02-01 至 2026-03-02" in caption
    assert school.admin.last.file_name is not None and school.admin.last.file_name.endswith(".xlsx")

    roster = book["一年级1班"]
    assert roster.freeze_panes == "A2"
    assert [c.value for c in roster[1]] == ROSTER_HEADERS
    assert all(c.font.bold for c in roster[1])
    row = [c.value for c in roster[2]]
    assert row == [
        school.ids["A"], "安安", "男", datetime(2015, 3, 8), 10, "一年级1班", "父亲外出", datetime(2020, 2, 1),
        "开朗", None, None, None, "安父", "广东东莞", "13900000001", None, None, None, "奶奶", "祖母", None,
        "13800000001", "走读", "<b>不是标签</b> & 符号", None, None, None, None, None, None, None,
    ]  # fmt: skip
    assert roster["D2"].is_date and roster["D2"].number_format == "yyyy-mm-dd"
    assert roster["H2"].is_date
    assert roster["O2"].data_type == "s"  # phones stay text (a leading 0 survives)
    assert [c.value for c in roster[3]][:7] == [
        school.ids["B"],
        "贝贝",
        "女",
        datetime(2016, 7, 15),
        9,
        "一年级1班",
        "父母都外出",
    ]
    assert roster.max_row == 3
    # Widths follow the content: the notes column is wider than the sex column.
    assert roster.column_dimensions["X"].width > roster.column_dimensions["C"].width >= 6

    third = book["三年级2班"]
    assert [r[1] for r in third.iter_rows(min_row=2, values_only=True)] == ["丁丁", "方方", "晨晨"]
    assert third["V3"].value == "13800000006" and third["W3"].value == "已寄宿"
    assert book["三年级1班"]["V2"].value == "0718-1234567"

    summary = book["统计汇总"]
    assert summary.freeze_panes == "A2"
    assert [c.value for c in summary[1]] == ["指标", "数值", "说明"]
    values = {r[0]: r[1] for r in summary.iter_rows(min_row=2, values_only=True)}
    assert values["范围"] == "全校（利川思源实验学校）"
    assert values["记录期间"] == "2026-02-01 — 2026-03-02"
    assert values["导出时间"] == datetime(2026, 3, 2, 9, 0)
    assert values["留守儿童总数"] == 6
    assert values["父母都外出"] == "3（50%）"
    assert values["未指定监护人"] == 2 and values["无法联系监护人"] == 2
    assert values["结对帮扶覆盖"] == "2/6（33.3%）"
    assert values["一年级人数"] == 2 and values["三年级人数"] == 4

    visits = book["家访与谈话"]
    assert visits.freeze_panes == "A2"
    assert [c.value for c in visits[1]] == ["日期", "孩子", "班级", "方式", "参与人", "记录", "记录人", "结对帮扶"]
    assert [list(r) for r in visits.iter_rows(min_row=2, values_only=True)] == [
        [datetime(2026, 2, 5), "安安", "一年级1班", "家访", "奶奶", "谈了学习", "用户2500", "是"],
        [datetime(2026, 2, 20), "安安", "一年级1班", "在校谈话", "奶奶", "谈了学习", "用户2500", "是"],
        [datetime(2026, 2, 21), "晨晨", "三年级2班", "电话", "奶奶", "谈了学习", "李老师", "否"],
        [datetime(2026, 2, 25), "安安", "一年级1班", "家访", "奶奶", "谈了学习", "用户2500", "是"],
    ]
    assert visits["A2"].is_date and visits["A2"].number_format == "yyyy-mm-dd"
    checkins = book["日常关注"]
    header = ["时间", "孩子", "班级", "学习", "生活", "情绪", "健康", "需关注", "备注", "记录人"]
    assert [c.value for c in checkins[1]] == header
    assert [list(r) for r in checkins.iter_rows(min_row=2, values_only=True)] == [
        [datetime(2026, 2, 1, 0, 30), "恩恩", "三年级1班", "好", "一般", "好", "好", "否", "还好", "李老师"],
        [datetime(2026, 2, 10, 10, 0), "安安", "一年级1班", "好", "一般", "好", "好", "否", "还好", "李老师"],
        [datetime(2026, 2, 15, 10, 0), "贝贝", "一年级1班", "好", "一般", "需关注", "好", "是", "还好", "李老师"],
        [datetime(2026, 3, 2, 1, 0), "丁丁", "三年级2班", "好", "一般", "好", "好", "否", "还好", "李老师"],
    ]
    assert checkins["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert values["家访/谈话完成"] == "2/3 次（66.7%）" and values["家访逾期"] == 1
    assert values["辍学率"] == "1/5（20%）"

    export_rows = await harness.fetchall("SELECT actor_id, child_id, detail FROM audit_log WHERE action = 'export'")
    assert len(export_rows) == 7
    scope_row = [r for r in export_rows if r["child_id"] is None]
    assert [r["detail"] for r in scope_row] == ["s1:2026-02-01:2026-03-02:children=6"]  # the school, by id
    assert {r["child_id"] for r in export_rows if r["child_id"]} == set(school.ids.values())


async def test_head_teacher_exports_only_their_class(harness: Harness) -> None:
    school = await build_school(harness)
    await school.teacher.send("/export")
    labels = [b["text"] for b in school.teacher.last.buttons()]
    assert labels == ["三年级2班"]
    scope_message = school.teacher.last
    await school.teacher.press("三年级2班")
    await school.teacher.press("本学期")
    book = workbook(school.teacher)
    assert book.sheetnames == ["统计汇总", "三年级2班", "家访与谈话", "日常关注"]
    # Only the class's own records: C's phone call, D's check-in (F's is before the term).
    assert [r[1] for r in book["家访与谈话"].iter_rows(min_row=2, values_only=True)] == ["晨晨"]
    assert [r[1] for r in book["日常关注"].iter_rows(min_row=2, values_only=True)] == ["丁丁"]
    assert "2026-02-01 至 2026-03-02" in school.teacher.last.text
    # Forged scopes: the school, a grade, another class.
    for data in ("ex:s:s", "ex:s:g1", f"ex:s:c{school.classes['一年级1班']}", "ex:g:s:d30"):
        before = len(school.teacher.inbox)
        await school.teacher.press_data(data, message=scope_message)
        assert "只能导出本班" in school.teacher.last_text, data
        assert all(s.kind != "document" for s in school.teacher.inbox[before:])


async def test_typed_period_and_bad_dates(harness: Harness) -> None:
    school = await build_school(harness)
    await school.admin.send("/export 2026-02-30 2026-03-01")
    assert "日期范围看不懂" in school.admin.last_text
    await school.admin.send("/export 2026-03-01 2026-02-01")
    assert "日期范围看不懂" in school.admin.last_text
    await school.admin.send("/export 2025/9/1 至 2026/1/31")
    await school.admin.press("一年级1班")
    labels = [b["text"] for b in school.admin.last.buttons()]
    assert labels[0].startswith("您输入的 2025-09-01 至 2026-01-31")
    assert any("上学期（2025-09-01—2026-01-31）" in label for label in labels)
    await school.admin.press("您输入的")
    book = workbook(school.admin)
    assert book.sheetnames == ["统计汇总", "一年级1班", "家访与谈话", "日常关注"]
    assert "2025-09-01 至 2026-01-31" in school.admin.last.text
    # In that period 一年级1班 had A's visit of 01-20 and no check-in.
    assert [r[:2] for r in book["家访与谈话"].iter_rows(min_row=2, values_only=True)] == [
        (datetime(2026, 1, 20), "安安")
    ]
    assert book["日常关注"].max_row == 1
    # The typed period is forgotten by the next /export: its old button is stale.
    document = school.admin.last
    await school.admin.send("/export")
    await school.admin.press_data("ex:g:s:c", message=document)
    assert "按钮已过期" in school.admin.last_text


async def test_an_empty_class_still_gets_its_sheet(harness: Harness) -> None:
    school = await build_school(harness)
    await harness.db.execute(
        "INSERT INTO classes (school_id, grade_id, name) SELECT 1, id, '3班' FROM grades WHERE name = '三年级'"
    )
    book = await export(school.admin, "三年级")
    assert book.sheetnames == ["统计汇总", "三年级1班", "三年级2班", "三年级3班", "家访与谈话", "日常关注"]
    empty = book["三年级3班"]
    assert [c.value for c in empty[1]] == ROSTER_HEADERS and empty.max_row == 1


async def test_others_cannot_export(harness: Harness) -> None:
    await build_school(harness)
    stranger = harness.user(9999, "路人")
    await stranger.send("/export")
    assert "导出只对学校领导小组和班主任开放" in stranger.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'export'") == 0
