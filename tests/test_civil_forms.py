"""The civil-affairs fields (民发〔2016〕42号): the ID number checked, sealed at rest and shown masked but in the
edit step and the roster; /roster's roster (花名册) and summary (汇总表), whose cross-totals match the roster."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.domain import civil_forms
from bot.domain.archive import mask_id_number, parse_id_number
from bot.domain.validation import InvalidInput
from bot.services import registry as registry_service
from bot.storage import people
from tests.harness import Harness
from tests.test_safety_school import ADMIN_IDS, HEAD_ID, School, build_school

NUMBER = "422802201503080020"  # 张小明's date of birth, a right check character
MASKED = "4228**********0020"


@pytest.fixture
async def school(tmp_path: Path) -> School:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        yield await build_school(h)  # type: ignore[misc]


def test_the_id_number_is_checked_as_gb_11643_says() -> None:
    assert parse_id_number(" 4228 0220 1503 0800 20 ") == NUMBER
    assert parse_id_number("11010519491231002x") == "11010519491231002X"  # the standard's own example
    for bad in ("422802201503080021", "42280220150308002", "4228022015130800X0", "42280220150230002X", "abc"):
        with pytest.raises(InvalidInput):
            parse_id_number(bad)
    assert mask_id_number(NUMBER) == MASKED


def raw_database(school: School) -> bytes:
    database = school.h.config.storage.database
    return b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))


async def test_the_number_is_sealed_masked_and_whole_only_in_the_edit_step(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/child 张小明")
    await head.press_data(f"ce:m:{school.own}", message=head.last)
    await head.press("身份证号")
    await head.send("422802201503080021")
    assert "不是有效的身份证号" in head.last_text
    card = "\n".join(m.text for m in await head.send(NUMBER))
    assert "已更新" in card and MASKED in card and NUMBER not in card
    row = await school.h.db.fetchone("SELECT id_number, id_number_sealed FROM children WHERE id = ?", (school.own,))
    assert row["id_number"] == MASKED and NUMBER not in str(row["id_number_sealed"])
    # The edit step shows it whole (the head teacher is changing it); the card never does.
    await head.press_data(f"ce:m:{school.own}", message=head.last)
    await head.press("身份证号")
    assert NUMBER in head.last_text
    await head.send("/cancel")
    await head.send("/child 张小明")
    assert MASKED in head.last_text and NUMBER not in head.last_text
    parent = school.people["parent"]
    await parent.send("/child")
    assert "身份证" not in "\n".join(m.text for m in parent.inbox)  # the family's card leaves the field out
    details = [
        r["detail"] for r in await school.h.fetchall("SELECT detail FROM audit_log WHERE child_id = ?", (school.own,))
    ]
    assert "id_number" in details and not [d for d in details if NUMBER in (d or "")]
    await school.h.app.update_persistence()
    assert NUMBER.encode() not in raw_database(school)  # a dump of the file and its WAL


async def test_a_registration_keeps_only_the_sealed_number_in_its_draft(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/register")
    await head.send("刘小军")
    await head.press("男")
    await head.send("2015-03-08")
    await head.press("父母都外出")
    await head.press("父亲的电话")
    await head.send("13812345678")
    await head.press("走读")
    await head.press("继续补充")
    for _ in range(4):
        await head.press("跳过本部分")
    await head.send("汉族")
    await head.send(NUMBER)
    await school.h.app.update_persistence()  # the draft as stored, mid-flow
    assert NUMBER.encode() not in raw_database(school)
    await head.press("跳过本部分")
    assert MASKED in head.last_text
    await head.press("确认保存")
    assert await school.h.fetchval("SELECT id_number FROM children WHERE name = '刘小军'") == MASKED


async def add_child(school: School, name: str, sex: str, birth: str, **extra: str) -> int:
    services = school.services
    actor = await people.load_actor(school.h.db, HEAD_ID)
    (class_id,) = actor.head_classes
    values: dict[str, str | int | None] = {
        "name": name, "sex": sex, "birth_date": birth, "class_id": class_id, "parents_away": "both",
        "boarding": "yes", **extra,
    }  # fmt: skip
    return await registry_service.register_child(services, actor, values)


async def test_the_roster_and_its_summary_agree(school: School) -> None:
    services = school.services
    admin_actor = await people.load_actor(school.h.db, ADMIN_IDS[0])
    await registry_service.edit_field(services, admin_actor, school.own, "id_number", NUMBER)
    for field, value in (("ethnicity", "土家族"), ("guardianship_assessment", "poor"), ("illness_disability", "ill"),
                         ("guardianship_type", "unattended"), ("household_registration", "湖北省利川市")):  # fmt: skip
        await registry_service.edit_field(services, admin_actor, school.own, field, value)
    await add_child(school, "刘小军", "male", "2010-06-01", guardianship_assessment="good")  # 15
    await add_child(school, "陈小宝", "male", "2020-05-01")  # 5
    await add_child(school, "何大哥", "male", "2008-01-01")  # 18: not a left-behind child on the forms
    admin = school.people["admin"]
    await admin.send("/roster")
    sent = admin.last
    assert sent.kind == "document" and sent.document and "5 名儿童" in sent.text
    book = load_workbook(io.BytesIO(sent.document))
    assert book.sheetnames == ["花名册", "汇总表"]
    roster = list(book["花名册"].iter_rows(values_only=True))
    header = roster[0]
    assert header[:7] == ("序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "户籍所在地")
    people_rows = {r[1]: dict(zip(header, r, strict=True)) for r in roster[1:]}
    assert set(people_rows) == {"张小明", "李小红", "王小花", "刘小军", "陈小宝"}
    xiaoming = people_rows["张小明"]
    assert xiaoming["公民身份号码"] == NUMBER and xiaoming["民族"] == "土家族"  # whole, on the county's form
    assert (xiaoming["监护情况评估"], xiaoming["身体情况"], xiaoming["监护类型"]) == ("差", "患病", "无人监护")

    summary = list(book["汇总表"].iter_rows(values_only=True))
    columns = civil_forms.summary_columns()
    index = {column: i + 1 for i, column in enumerate(columns)}
    body, total = summary[1:-1], summary[-1]
    assert total[0] == "合计" and total[index[("total", "")]] == len(people_rows)
    for column, i in index.items():  # the total row adds up the classes' rows
        assert total[i] == sum(row[i] for row in body), column
    for row in summary[1:]:  # every group adds up to the row's total (表间勾稽关系)
        whole = row[index[("total", "")]]
        bands = ("0_5", "6_13", "14_16")
        assert sum(row[index[("age", band)]] for band in bands) == whole
        for band in bands:
            assert (
                row[index[("age", band)]] == row[index[("age", f"{band}_male")]] + row[index[("age", f"{band}_female")]]
            )
        for group, values in civil_forms.GROUPS[1:]:
            extra = [(group, "unfilled")] if group in civil_forms.UNFILLED else []
            assert sum(row[index[c]] for c in [(group, v) for v in values] + extra) == whole, group
    # And against the roster itself: bands by sex, and the assessment.
    ages = {"张小明": 10, "李小红": 11, "王小花": 11, "刘小军": 15, "陈小宝": 5}
    for band in ("0_5", "6_13", "14_16"):
        for sex, word in (("male", "男"), ("female", "女")):
            low, high = (int(x) for x in band.split("_"))
            expected = sum(1 for n, r in people_rows.items() if r["性别"] == word and low <= ages[n] <= high)
            assert total[index[("age", f"{band}_{sex}")]] == expected, (band, sex)
    assert total[index[("guardianship_assessment", "poor")]] == 1
    assert total[index[("guardianship_assessment", "good")]] == 1
    assert total[index[("guardianship_assessment", "unfilled")]] == 3
    audited = await school.h.fetchall("SELECT DISTINCT child_id FROM audit_log WHERE action = 'civil.roster'")
    assert len(audited) == 5


async def test_the_roster_is_for_those_who_report(school: School) -> None:
    teacher = school.people["subject_teacher"]
    await teacher.send("/roster")
    assert teacher.last.kind != "document"
    head = school.people["head_teacher"]
    await head.send("/roster")
    rows = list(load_workbook(io.BytesIO(head.last.document or b"")).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert {r[1] for r in rows[1:]} == {"张小明", "李小红"}  # their own class only


async def test_the_schools_export_shows_the_number_masked(school: School) -> None:
    admin_actor = await people.load_actor(school.h.db, ADMIN_IDS[0])
    await registry_service.edit_field(school.services, admin_actor, school.own, "id_number", NUMBER)
    admin = school.people["admin"]
    await admin.send("/export")
    await admin.press("全校")
    await admin.press("近 30 天")
    sent = admin.last
    assert sent.kind == "document" and sent.document
    cells = [
        c
        for sheet in load_workbook(io.BytesIO(sent.document))
        for row in sheet.iter_rows(values_only=True)
        for c in row
    ]
    assert MASKED in cells and NUMBER not in cells


async def test_a_child_the_ledger_closed_as_dropped_out_is_counted_so(school: School) -> None:
    """The summary's schooling columns: a child whose enrolment ended in a dropout (the ledger's outcome) is
    counted under 辍学, not under their grade's stage; the groups still add up."""
    await school.h.db.execute(  # on the day of the registration's own event, after it
        "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_by, recorded_at, school_id)"
        " SELECT child_id, 'dropped_out', MAX(effective_date), ?, '2026-03-01T08:00:00Z', 1 FROM enrolment_events"
        " WHERE child_id = ?",
        (ADMIN_IDS[0], school.other),
    )
    admin = school.people["admin"]
    await admin.send("/roster")
    book = load_workbook(io.BytesIO(admin.last.document or b""))
    summary = list(book["汇总表"].iter_rows(values_only=True))
    index = {column: i + 1 for i, column in enumerate(civil_forms.summary_columns())}
    total = summary[-1]
    assert total[index[("stage", "dropout")]] == 1
    stages = sum(total[index[("stage", s)]] for s in civil_forms.STAGES)
    assert stages == total[index[("total", "")]]
