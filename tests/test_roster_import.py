"""/import reads the civil-affairs roster (花名册) that /roster writes: the archives come back as they were, the
ID number checked, sealed and masked as the edit step keeps it, and never in clear in the database, not even
while the import waits for its confirmation."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.services import identity
from bot.services import registry as registry_service
from bot.storage import people
from tests.harness import Harness, TestUser
from tests.test_safety_school import ADMIN_IDS, School, build_school

NUMBER = "422802201503080020"  # 张小明's date of birth, a right check character
MASKED = "4228**********0020"
COLUMNS = (
    "ch.name, sex, birth_date, parents_away, boarding, father_name, father_work_place, father_phone, mother_name,"
    " mother_work_place, mother_phone, guardian_name, guardian_relation, guardian_address, guardian_phone,"
    " ethnicity, id_number, household_registration, illness_disability, guardianship_type,"
    " guardianship_assessment, assistance, g.name || c.name AS class_label"
)
ARCHIVES = (
    f"SELECT {COLUMNS} FROM children ch JOIN classes c ON c.id = ch.class_id JOIN grades g ON g.id = c.grade_id"
    " ORDER BY ch.name"
)


@pytest.fixture
async def school(tmp_path: Path) -> AsyncIterator[School]:
    first = tmp_path / "first"
    first.mkdir()
    async with Harness.create(first, admins=ADMIN_IDS) as h:
        yield await build_school(h)


def raw_database(h: Harness) -> bytes:
    database = h.config.storage.database
    return b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))


async def roster_of(school: School) -> bytes:
    """The school's roster as /roster sends it, with 张小明's civil-affairs fields filled in."""
    admin_actor = await people.load_actor(school.h.db, ADMIN_IDS[0])
    for field, value in (("id_number", NUMBER), ("ethnicity", "土家族"), ("guardianship_assessment", "poor"),
                         ("illness_disability", "ill"), ("guardianship_type", "unattended"),
                         ("household_registration", "湖北省利川市"), ("assistance", "低保")):  # fmt: skip
        await registry_service.edit_field(school.services, admin_actor, school.own, field, value)
    await school.people["admin"].send("/roster")
    sent = school.people["admin"].last
    assert sent.kind == "document" and sent.document
    return sent.document


@asynccontextmanager
async def fresh_school(tmp_path: Path) -> AsyncIterator[tuple[Harness, TestUser]]:
    """Another database with the same classes and no children."""
    other = tmp_path / "fresh"
    other.mkdir()
    async with Harness.create(other, admins=ADMIN_IDS) as fresh:
        for grade, name in (("三年级", "2班"), ("四年级", "1班")):
            await people.ensure_class(fresh.db, 1, grade, name)
        admin = fresh.user(ADMIN_IDS[0], "王校长")
        await admin.send("/import")
        assert "发给我" in admin.last_text, admin.last_text
        yield fresh, admin


async def test_a_roster_imports_into_a_fresh_school_as_it_was(school: School, tmp_path: Path) -> None:
    roster = await roster_of(school)
    original = [tuple(r) for r in await school.h.fetchall(ARCHIVES)]
    assert ("张小明", MASKED, "poor") in {(r[0], r[16], r[20]) for r in original}
    async with fresh_school(tmp_path) as (fresh, admin):
        await admin.send_document(roster, "花名册.xlsx")
        assert "可以添加 3 行，跳过 0 行" in admin.last_text, admin.last_text
        await fresh.app.update_persistence()  # the staged rows as stored, before the confirmation
        assert NUMBER.encode() not in raw_database(fresh)  # a dump of the file and its WAL
        staged = str(await fresh.fetchval("SELECT rows_json FROM import_batches WHERE status = 'pending'"))
        assert NUMBER not in staged and MASKED in staged
        await admin.press("确认导入 3 行")
        assert "已导入 3 名孩子的档案" in admin.last_text
        copied = [tuple(r) for r in await fresh.fetchall(ARCHIVES)]
        assert copied == original
        sealed = await fresh.fetchval("SELECT id_number_sealed FROM children WHERE name = '张小明'")
        assert identity.unseal(fresh.config.security.secret, sealed) == NUMBER
        card = "\n".join(m.text for m in await admin.send("/child 张小明"))
        assert MASKED in card and NUMBER not in card
        await fresh.app.update_persistence()
        assert NUMBER.encode() not in raw_database(fresh)


async def test_a_row_with_a_bad_id_number_is_skipped_with_its_reason(school: School, tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(await roster_of(school)))
    sheet = book["花名册"]
    header = [c.value for c in sheet[1]]
    id_column = header.index("公民身份号码") + 1
    bad_row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == "张小明")
    sheet.cell(row=bad_row, column=id_column, value="422802201503080021")  # the check character is wrong
    buffer = io.BytesIO()
    book.save(buffer)
    async with fresh_school(tmp_path) as (fresh, admin):
        await admin.send_document(buffer.getvalue(), "花名册.xlsx")
        report = admin.last_text
        assert "可以添加 2 行，跳过 1 行" in report, report
        assert f"花名册 第 {bad_row} 行（张小明）：身份证号不对" in report and "（公民身份号码）" in report
        assert "422802201503080021" not in report
        await admin.press("确认导入 2 行")
        assert await fresh.fetchval("SELECT COUNT(*) FROM children WHERE name = '张小明'") == 0
        assert await fresh.fetchval("SELECT COUNT(*) FROM children") == 2


async def test_an_exports_masked_number_is_left_out_not_a_reason_to_skip(school: School, tmp_path: Path) -> None:
    await roster_of(school)
    admin = school.people["admin"]
    await admin.send("/export")
    await admin.press("全校")
    await admin.press("近 30 天")
    exported = admin.last.document
    assert exported is not None
    async with fresh_school(tmp_path) as (fresh, fresh_admin):
        await fresh_admin.send_document(exported, "export.xlsx")
        assert "可以添加 3 行，跳过 0 行" in fresh_admin.last_text, fresh_admin.last_text
        await fresh_admin.press("确认导入 3 行")
        row = await fresh.db.fetchone(
            "SELECT id_number, id_number_sealed, ethnicity FROM children WHERE name = '张小明'"
        )
        assert row is not None and tuple(row) == (None, None, "土家族")  # the number itself was never in the file
