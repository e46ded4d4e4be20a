"""/import: the template, a per-row report for every bad-row case, nothing written before "confirm", one
transaction after; bad files (wrong format, malformed, oversized, empty) change nothing; a round trip."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from openpyxl import Workbook, load_workbook

from bot.jobs.imports import expire_unconfirmed_imports
from bot.storage import children, people
from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.reporting_fixture import build_school

HEADERS = ["姓名", "性别", "出生日期", "班级", "外出务工情况", "父亲电话", "第二监护人姓名", "寄宿"]


def xlsx(rows: list[list[Any]], headers: list[str] | None = HEADERS, title: str = "导入模板") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    if headers is not None:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def count_children(h: Harness) -> int:
    return int(await h.fetchval("SELECT COUNT(*) FROM children"))


async def start_import(user: TestUser) -> None:
    await user.send("/import")
    assert "发给我" in user.last_text, user.last_text


async def test_template_has_the_headers_and_help(harness: Harness) -> None:
    school = await build_school(harness)
    sent = await school.admin.send("/import")
    template = sent[0]
    assert template.kind == "document" and template.file_name == "留守儿童档案导入模板.xlsx"
    assert template.document is not None
    book = load_workbook(io.BytesIO(template.document))
    assert book.sheetnames == ["导入模板", "填写说明"]
    sheet = book["导入模板"]
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["姓名*", "性别*", "出生日期*", "班级*", "外出务工情况*", "外出时间"]  # required: marked
    assert "寄宿" in headers and "第二监护人与孩子关系" in headers  # boarding may be blank: a day pupil
    example = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert str(example["姓名*"]).startswith("（示例）") and example["性别*"] == "男" and example["班级*"] == "一年级1班"
    assert "导入时会被忽略" in str(example["学校备注"])
    assert sheet.freeze_panes == "A2"
    help_rows = {r[0]: r[1] for r in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert help_rows["性别"] == "必填。 从下拉列表选择：男 / 女。"
    assert "一年级1班 / 三年级1班 / 三年级2班" in help_rows["班级"]
    assert "不超过 5 MB" in sent[1].text
    # The head teacher's template lists only their class.
    await school.teacher.send("/import")
    teacher_book = load_workbook(io.BytesIO(school.teacher.inbox[-2].document or b""))
    teacher_help = {r[0]: r[1] for r in teacher_book["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert teacher_help["班级"] == "必填。 填写已有的班级：三年级2班。"


async def test_every_bad_row_is_reported_and_nothing_is_written_before_confirm(harness: Harness) -> None:
    school = await build_school(harness)
    before = await count_children(harness)
    rows = [
        ["小红", "女", "2016-05-01", "一年级1班", "父母都外出", "13812345678", "奶奶", "走读"],  # 2 ok
        ["", "男", "2016-05-01", "一年级1班", "父亲外出", "", "", ""],  # 3 missing name
        ["小刚", "男", "2016-02-30", "一年级1班", "父亲外出", "", "", ""],  # 4 impossible date
        ["小强", "男", "2031-01-01", "一年级1班", "父亲外出", "", "", ""],  # 5 future date
        ["小丽", "女", "2016-05-01", "五年级1班", "母亲外出", "", "", ""],  # 6 unknown class
        ["安安", "男", "2015-03-08", "一年级1班", "父亲外出", "", "", ""],  # 7 duplicate of a stored archive
        ["小红", "女", "2016-05-01", "一年级1班", "父母都外出", "", "", ""],  # 8 duplicate of row 2
        ["小军", "男", "2016-05-01", "一年级1班", "父亲外出", "12345", "", ""],  # 9 bad phone
        ["小美", "未知", "2016-05-01", "一年级1班", "父亲外出", "", "", ""],  # 10 not a choice
        ["小花", "女", datetime(2016, 6, 1), "三年级 2班", "both", 13900000000, "", ""],  # 11 ok: cells, codes
        ["小兰", "女", "2016年6月2日", "三年级1班", "Mother away", "", "", "申请寄宿"],  # 12 ok: English label
        ["小白", "女", "", "三年级1班", "父亲外出", "", "", ""],  # 13 missing birth date
        [None, None, None, None, None, None, None, None],  # blank rows are ignored
    ]
    await start_import(school.admin)
    replies = await school.admin.send_document(xlsx(rows), "roster.xlsx")
    report = replies[-1].text
    assert "可以添加 3 行，跳过 9 行" in report
    expected = [
        "导入模板 第 3 行（—）：缺少姓名",
        "导入模板 第 4 行（小刚）：日期不对（格式如 2015-03-08，不能晚于今天）（出生日期）",
        "导入模板 第 5 行（小强）：日期不对",
        "导入模板 第 6 行（小丽）：没有这个班级",
        "导入模板 第 7 行（安安）：重复",
        "导入模板 第 8 行（小红）：重复",
        "导入模板 第 9 行（小军）：电话号码不对（父亲电话）",
        "导入模板 第 10 行（小美）：不是可选的值（性别）",
        "导入模板 第 13 行（小白）：缺少必填项（出生日期）",
        "导入模板 第 2 行：小红",
        "导入模板 第 11 行：小花",
        "导入模板 第 12 行：小兰",
    ]
    for line in expected:
        assert line in report, line
    assert await count_children(harness) == before  # nothing yet

    # A double tap on confirm imports once.
    confirm = school.admin.last.buttons()[0]["callback_data"]
    report_message = school.admin.last
    await school.admin.press("确认导入 3 行")
    assert "已导入 3 名孩子的档案" in school.admin.last_text
    assert await count_children(harness) == before + 3
    await school.admin.press_data(confirm, message=report_message)
    assert "已经处理过了" in school.admin.alerts()[-1]
    assert await count_children(harness) == before + 3

    stored = await harness.fetchall(
        "SELECT name, sex, birth_date, class_id, parents_away, father_phone, guardian_name, boarding"
        " FROM children WHERE created_by = ? ORDER BY id DESC LIMIT 3",
        (ADMIN_ID,),
    )
    as_tuples = sorted(tuple(r) for r in stored)
    assert as_tuples == sorted(
        [
            ("小红", "female", "2016-05-01", school.classes["一年级1班"], "both", "13812345678", "奶奶", "no"),
            ("小花", "female", "2016-06-01", school.classes["三年级2班"], "both", "13900000000", None, "no"),
            ("小兰", "female", "2016-06-02", school.classes["三年级1班"], "mother", None, None, "requested"),
        ]
    )
    created = await harness.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND detail LIKE 'import:%'"
    )
    assert created == 3


async def test_the_template_filled_in_with_its_example_left_imports_only_the_real_rows(harness: Harness) -> None:
    school = await build_school(harness)
    before = await count_children(harness)
    sent = await school.admin.send("/import")
    book = load_workbook(io.BytesIO(sent[0].document or b""))
    sheet = book["导入模板"]
    column = {c.value: c.column for c in sheet[1]}
    for row, (name, sex, born, away, relation) in enumerate(
        [("小红", "女", "2016-05-01", "父母都外出", "祖母"), ("小刚", "男", "2016-02-02", "父亲外出", "")], start=3
    ):
        for header, value in [("姓名*", name), ("性别*", sex), ("出生日期*", born), ("班级*", "一年级1班"),
                              ("外出务工情况*", away), ("第二监护人与孩子关系", relation)]:  # fmt: skip
            sheet.cell(row=row, column=column[header], value=value or None)
    buffer = io.BytesIO()
    book.save(buffer)
    await school.admin.send_document(buffer.getvalue(), "filled.xlsx")
    report = school.admin.last_text
    assert "可以添加 2 行，跳过 0 行" in report and "示例" not in report
    await school.admin.press("确认导入 2 行")
    assert await count_children(harness) == before + 2
    stored = await harness.fetchall(
        "SELECT name, guardian_relation, boarding FROM children WHERE created_by = ? ORDER BY id", (ADMIN_ID,)
    )
    assert [tuple(r) for r in stored][-2:] == [("小红", "祖母", "no"), ("小刚", None, "no")]


async def test_earlier_headers_still_import_and_an_unknown_class_says_how_to_create_it(harness: Harness) -> None:
    school = await build_school(harness)
    headers = [*HEADERS[:5], "与孩子关系"]  # a template from before: no marks, the old relationship header
    rows = [
        ["小红", "女", "2016-05-01", "一年级1班", "父母都外出", "外婆"],
        ["（示例）张小明", "男", "2015-03-08", "一年级1班", "父母都外出", ""],  # an example row is ignored
        ["小丽", "女", "2016-05-01", "五年级1班", "母亲外出", ""],
    ]
    await start_import(school.admin)
    report = (await school.admin.send_document(xlsx(rows, headers), "old.xlsx"))[-1].text
    assert "可以添加 1 行，跳过 1 行" in report and "张小明" not in report
    assert "第 4 行（小丽）：没有这个班级。班级由管理员创建：发送 /invite → 教职工 → 班主任" in report
    await school.admin.press("确认导入 1 行")
    relation = await harness.fetchval("SELECT guardian_relation FROM children WHERE name = '小红'")
    assert relation == "外婆"


async def test_head_teacher_imports_only_into_their_class(harness: Harness) -> None:
    school = await build_school(harness)
    rows = [
        ["小红", "女", "2016-05-01", "三年级2班", "父母都外出", "", "奶奶", "走读"],
        ["小刚", "男", "2016-05-01", "一年级1班", "父亲外出", "", "", ""],
    ]
    await start_import(school.teacher)
    await school.teacher.send_document(xlsx(rows), "roster.xlsx")
    assert "第 3 行（小刚）：不是您担任班主任的班级" in school.teacher.last_text
    await school.teacher.press("确认导入 1 行")
    names = await harness.fetchall("SELECT name FROM children WHERE class_id = ?", (school.classes["三年级2班"],))
    assert "小红" in {r["name"] for r in names}
    assert await harness.fetchval("SELECT COUNT(*) FROM children WHERE name = '小刚'") == 0
    # Someone else's batch cannot be confirmed with a forged button.
    await start_import(school.admin)
    await school.admin.send_document(
        xlsx([["小青", "女", "2016-05-01", "一年级1班", "父亲外出", "", "", ""]]), "a.xlsx"
    )
    batch = school.admin.last.buttons()[0]["callback_data"]
    await school.teacher.press_data(batch, message=school.teacher.last)
    assert await harness.fetchval("SELECT COUNT(*) FROM children WHERE name = '小青'") == 0
    assert "失效" in school.teacher.alerts()[-1]


async def test_cancel_writes_nothing(harness: Harness) -> None:
    school = await build_school(harness)
    before = await count_children(harness)
    await start_import(school.admin)
    await school.admin.send_document(
        xlsx([["小红", "女", "2016-05-01", "一年级1班", "父亲外出", "", "", ""]]), "a.xlsx"
    )
    report = school.admin.last
    confirm = report.buttons()[0]["callback_data"]
    await school.admin.press("取消", message=report)
    assert "已取消" in school.admin.last_text
    assert not report.buttons()
    await school.admin.press_data(confirm, message=report)
    assert "已经处理过了" in school.admin.alerts()[-1]
    assert await count_children(harness) == before


async def test_bad_files_get_a_clear_reply_and_change_nothing(tmp_path: Path) -> None:
    async with Harness.create(tmp_path, admins=[ADMIN_ID], extra_config="[import]\nmax_file_mb = 0.02\n") as h:
        school = await build_school(h)
        before = await count_children(h)
        await start_import(school.admin)
        await school.admin.send_document(b"name,sex\n", "roster.csv", "text/csv")
        assert "这不是 .xlsx 文件" in school.admin.last_text
        await school.admin.send_document(b"PK\x03\x04 not really a workbook", "roster.xlsx")
        assert "这个文件打不开" in school.admin.last_text
        await school.admin.send_document(b"\0" * 30_000, "big.xlsx")
        assert "文件超过 0.02 MB" in school.admin.last_text
        await school.admin.send_document(xlsx([]), "empty.xlsx")
        assert "没有任何数据行" in school.admin.last_text
        await school.admin.send_document(xlsx([["a", "b"]], headers=["列1", "列2"]), "other.xlsx")
        assert "没有找到表头" in school.admin.last_text
        await school.admin.send_sticker()
        assert "请发送填好的 .xlsx 文件" in school.admin.last_text
        await school.admin.send("你好")
        assert "请发送填好的 .xlsx 文件" in school.admin.last_text
        await school.admin.send_document(
            xlsx([["", "男", "2016-05-01", "一年级1班", "父亲外出", "", "", ""]]), "a.xlsx"
        )
        assert "没有可以添加的行" in school.admin.last_text and not school.admin.last.buttons()
        assert await count_children(h) == before
        # Still waiting for a file: a good one now goes through.
        await school.admin.send_document(xlsx([["小红", "女", "2016-05-01", "一年级1班", "父亲外出"]]), "ok.xlsx")
        await school.admin.press("确认导入 1 行")
        assert await count_children(h) == before + 1
        await school.admin.send("/cancel")  # the flow has already ended: /cancel outside a flow is harmless


async def test_cancel_mid_flow_and_access(harness: Harness) -> None:
    school = await build_school(harness)
    await start_import(school.admin)
    await school.admin.send("/cancel")
    await school.admin.send_document(xlsx([["小红", "女", "2016-05-01", "一年级1班", "父亲外出"]]), "ok.xlsx")
    assert "确认导入" not in school.admin.last_text
    stranger = harness.user(9999, "路人")
    await stranger.send("/import")
    assert "导入只对学校领导小组和班主任开放" in stranger.last_text


async def test_confirm_leaves_out_rows_that_became_duplicates(harness: Harness) -> None:
    school = await build_school(harness)
    await start_import(school.admin)
    rows = [
        ["小红", "女", "2016-05-01", "一年级1班", "父亲外出"],
        ["小刚", "男", "2016-05-01", "一年级1班", "父亲外出"],
    ]
    await school.admin.send_document(xlsx(rows, HEADERS[:5]), "a.xlsx")
    # Between the check and the confirmation, the head teacher registers 小红 by hand.
    values = {"name": "小红", "sex": "female", "birth_date": "2016-05-01", "class_id": school.classes["一年级1班"],
              "parents_away": "father", "boarding": "no"}  # fmt: skip
    await children.insert_child(harness.db, values, created_by=ADMIN_ID, now=harness.clock())
    await school.admin.press("确认导入 2 行")
    text = school.admin.last_text
    assert "已导入 1 名孩子的档案" in text and "第 2 行：小红" in text
    assert await harness.fetchval("SELECT COUNT(*) FROM children WHERE name = '小红'") == 1


async def test_round_trip_export_then_import_into_an_empty_database(harness: Harness, tmp_path: Path) -> None:
    school = await build_school(harness)
    await school.admin.send("/export")
    await school.admin.press("全校")
    await school.admin.press("近 30 天")
    exported = school.admin.last.document
    assert exported is not None
    columns = (
        "ch.name, sex, birth_date, parents_away, away_since, personality, interests, strengths, health, father_name,"
        " father_work_place, father_phone, mother_name, mother_work_place, mother_phone, guardian_name,"
        " guardian_relation, guardian_address, guardian_phone, boarding, notes"
    )
    sql = (
        f"SELECT {columns}, g.name || c.name AS class_label FROM children ch JOIN classes c ON c.id = ch.class_id"
        " JOIN grades g ON g.id = c.grade_id ORDER BY ch.name"
    )
    original = [tuple(r) for r in await harness.fetchall(sql)]

    other = tmp_path / "other"
    other.mkdir()
    async with Harness.create(other, admins=[ADMIN_ID]) as fresh:
        for grade, name in (("一年级", "1班"), ("三年级", "1班"), ("三年级", "2班")):
            await people.ensure_class(fresh.db, 1, grade, name)
        admin = fresh.user(ADMIN_ID, "王校长")
        await start_import(admin)
        await admin.send_document(exported, "export.xlsx")
        assert "可以添加 6 行，跳过 0 行" in admin.last_text
        await admin.press("确认导入 6 行")
        assert "已导入 6 名孩子的档案" in admin.last_text
        copied = [tuple(r) for r in await fresh.fetchall(sql)]
    assert copied == original


async def test_a_report_left_unconfirmed_for_a_day_is_cancelled_and_its_rows_dropped(harness: Harness) -> None:
    """Staged children's details do not linger: the hourly job cancels a report unconfirmed for a day."""
    school = await build_school(harness)
    before = await count_children(harness)
    await start_import(school.admin)
    await school.admin.send_document(
        xlsx([["小红", "女", "2016-05-01", "一年级1班", "父亲外出", "", "", ""]]), "a.xlsx"
    )
    report = school.admin.last
    context: Any = SimpleNamespace(application=harness.app)
    harness.clock.advance(hours=23)
    await expire_unconfirmed_imports(context)  # not yet a day: still pending, rows kept
    assert await harness.fetchval("SELECT status FROM import_batches") == "pending"
    harness.clock.advance(hours=2)
    await expire_unconfirmed_imports(context)
    assert await harness.fetchval("SELECT status || ':' || rows_json FROM import_batches") == "cancelled:[]"
    await school.admin.press("确认导入", message=report)
    assert "超过一天未确认" in school.admin.alerts()[-1]
    assert await count_children(harness) == before
