"""Research data through the running bot: an admin's de-identified dataset holds no name, phone, ID number or
address of any child, no id, no group of fewer than 5 children on the quasi-identifiers, codes that differ at each
export, and is audited with its topic; nobody else may have one. And the rule itself, on random data."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from bot.domain import research
from bot.domain.clock import to_db
from bot.storage import people
from tests.green_fixture import school
from tests.harness import Harness, TestUser

# Grade, sex, who is away, birth date, away since, how many: a big common group, middling ones and rare ones.
GROUPS = [
    ("三年级", "female", "both", "2016-04-03", "2023-03-01", 9),
    ("三年级", "male", "both", "2016-07-11", "2023-09-01", 7),
    ("五年级", "male", "father", "2014-02-21", "2022-02-01", 6),
    ("五年级", "female", "mother", "2014-10-30", "2021-05-01", 2),  # too few together
    ("六年级", "male", "both", "2013-01-05", "2020-08-01", 1),  # one of a kind
]


async def fill(h: Harness) -> list[dict[str, str]]:
    """The children of GROUPS with every identifying field filled, written straight to the database; returns the
    identifying values."""
    now = to_db(h.clock())
    written = []
    number = 0
    for grade, sex, away, birth, since, count in GROUPS:
        class_id = (await people.ensure_class(h.db, 1, grade, "1班")).id
        for _ in range(count):
            number += 1
            values = {
                "name": f"欧阳小{number:02d}",
                "father_name": f"欧阳大{number:02d}",
                "mother_name": f"慕容妈{number:02d}",
                "father_phone": f"1390000{number:04d}",
                "mother_phone": f"1370000{number:04d}",
                "guardian_name": f"欧阳爷{number:02d}",
                "guardian_phone": f"1350000{number:04d}",
                "guardian_address": f"青山镇桃花村{number}组{number}号",
                "father_work_place": f"东莞鞋厂{number}车间",
                "id_number": f"42280220140101{number:04d}",
                "notes": f"备注私密{number}",
            }
            child_id = await h.db.insert(
                "INSERT INTO children (name, sex, birth_date, class_id, parents_away, away_since, father_name,"
                " mother_name, father_phone, mother_phone, guardian_name, guardian_phone, guardian_address,"
                " father_work_place, id_number, notes, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (values["name"], sex, birth, class_id, away, since, values["father_name"], values["mother_name"],
                 values["father_phone"], values["mother_phone"], values["guardian_name"], values["guardian_phone"],
                 values["guardian_address"], values["father_work_place"], values["id_number"], values["notes"],
                 now, now),
            )  # fmt: skip
            values["id"] = str(child_id)
            values["birth"] = birth
            written.append(values)
    return written


async def export(admin: TestUser, topic: str) -> tuple[list[str], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    await admin.send(f"/research {topic}")
    document = next(s for s in reversed(admin.inbox) if s.kind == "document")
    assert "研究数据已导出" in admin.last_text
    return cells_of(document)


def cells_of(sent: Any) -> tuple[list[str], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(sent.document))
    about, data = book.worksheets
    rows = list(data.values)
    return [str(h) for h in rows[0]], rows[1:], list(about.values)


async def test_the_research_dataset_names_nobody_and_holds_no_group_under_five(harness: Harness) -> None:
    admin, teacher, _child_id, (mother,) = await school(harness)
    written = await fill(harness)
    headers, rows, about = await export(admin, "留守儿童亲情沟通频率与情绪")
    everything = [str(cell) for row in rows for cell in row] + [str(c) for line in about for c in line] + headers
    for child in written:
        for field, value in child.items():
            if field in ("id", "birth"):
                continue
            assert not any(value in cell for cell in everything), (field, value)
        assert not any(child["birth"] in cell for cell in everything)  # dates to the month, birth to the year
    for name in ("张小明", "张妈妈"):  # the fixture school's own child and parent
        assert not any(name in cell for cell in everything)
    quasi = [headers.index(h) for h in ("年级", "性别", "外出情况", "出生年份", "外出年月")]
    groups = Counter(tuple(row[i] for i in quasi) for row in rows)
    assert groups and min(groups.values()) >= 5, groups
    codes = [row[0] for row in rows]
    assert len(set(codes)) == len(codes)
    ids = {child["id"] for child in written}
    assert not any(str(code) in ids for code in codes)
    facts = {line[0]: line[1] for line in about}
    assert facts["研究题目"] == "留守儿童亲情沟通频率与情绪"
    assert int(facts["学生数"]) == len(rows) and int(facts["学生数"]) + int(facts["未列入（所在组合不足 5 人）"]) == 26

    _headers, again, _about = await export(admin, "第二次导出")
    assert not {row[0] for row in again} & set(codes)  # codes cannot join two exports
    audit = await harness.fetchall("SELECT detail, child_id FROM audit_log WHERE action = 'research.export'")
    assert [row["child_id"] for row in audit] == [None, None]
    assert "topic=留守儿童亲情沟通频率与情绪" in audit[0]["detail"]
    assert await harness.fetchval("SELECT COUNT(*) FROM research_exports") == 2

    for other in (teacher, mother):
        await other.send("/research 看看")
        assert "权限" in other.last_text and other.last.kind != "document"
    await admin.send("/research")
    assert "请在命令后写研究题目" in admin.last_text


_values = st.sampled_from


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            _values(["一年级", "二年级", "三年级"]), _values(["male", "female"]), _values(["father", "mother", "both"]),
            _values(["2014", "2015", "2016"]), _values(["2022-03", "2023-09", "2024-01", ""]),
        ),
        max_size=80,
    )
)  # fmt: skip
def test_every_combination_shown_holds_at_least_five_children(keys: list[tuple[str, str, str, str, str]]) -> None:
    rows = [research.Row(*key, "no", "", 0, 0, 0, "", "") for key in keys]
    data = research.deidentify(rows)
    assert len(data.rows) + data.left_out == len(rows)
    sizes = Counter(row.key() for row in data.rows)
    assert all(size >= research.SMALL_COUNT for size in sizes.values())
    assert len({row.code for row in data.rows}) == len(data.rows)
    if len(rows) >= research.SMALL_COUNT:
        assert data.left_out <= research.MAX_LEFT_OUT * len(rows) or len(data.coarsened) == len(set(
            column for column, _step in research.COARSENING))  # fmt: skip
