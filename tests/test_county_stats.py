"""The county office's view of three schools: each school's figures side by side and the county's total, small
counts shown "<5" and never recoverable from the totals, no child's name in the figures, the chart or the
workbook; a school's term figures count its own enrolment events; /lookup names one child, with a reason, audited,
and only for the county office."""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from bot.domain.roles import Role
from bot.services import registry as registry_service
from bot.storage import enrolment, people
from bot.storage import schools as schools_store
from bot.texts import Texts
from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher
from tests.test_stats import figure

T = Texts("zh_CN").t
COUNTY_ID = 7001
NOW = datetime(2026, 3, 2, tzinfo=UTC)
# (father, mother, both away) per school: the first school's counts are large, the second's has a 2, the third
# holds one child only.
KINDS = {1: (6, 7, 8), 2: (2, 6, 5), 3: (0, 1, 0)}
NAMES = [a + b + c for a, b, c in itertools.product("张王李赵刘陈杨黄", "晓春秋", "明华军丽强芳")]


@dataclass
class County:
    h: Harness
    county: TestUser
    admins: dict[int, TestUser]
    heads: dict[int, TestUser]
    children: dict[str, tuple[int, int]]  # name -> (id, school)


async def add_child(h: Harness, teacher: TestUser, name: str, away: str, birth: str = "2015-03-08") -> int:
    actor = await people.load_actor(h.db, teacher.id)
    (class_id,) = actor.head_classes
    values: dict[str, str | int | None] = {
        "name": name, "sex": "female", "birth_date": birth, "class_id": class_id, "parents_away": away,
        "boarding": "no",
    }  # fmt: skip
    return await registry_service.register_child(h.app.bot_data["services"], actor, values)


async def build_county(h: Harness) -> County:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    admins, heads = {1: admin}, {1: await make_head_teacher(h, admin, 7201)}
    for number, name in ((2, "白杨小学"), (3, "青山小学")):
        school = await schools_store.add_school(h.db, name=name, township=f"{name}镇", county="", created_by=ADMIN_ID,
                                                now=NOW)  # fmt: skip
        assert school == number
        await people.ensure_user(h.db, 7100 + number, "校长", NOW)
        await people.grant_role(h.db, user_id=7100 + number, role=Role.ADMIN, class_id=None, school_id=school,
                                granted_by=None, now=NOW)  # fmt: skip
        admins[number] = h.user(7100 + number, "校长")
        heads[number] = await make_head_teacher(h, admins[number], 7200 + number)
    children: dict[str, tuple[int, int]] = {}
    names = iter(NAMES)
    for school, counts in KINDS.items():
        for away, count in zip(("father", "mother", "both"), counts, strict=True):
            for _ in range(count):
                name = next(names)
                children[name] = (await add_child(h, heads[school], name, away), school)
    await people.ensure_county_staff(h.db, (COUNTY_ID,), NOW)
    county = h.user(COUNTY_ID, "县教育局")
    for person in (*admins.values(), *heads.values()):
        person.new_messages()
    return County(h, county, admins, heads, children)


@pytest.fixture
async def county(harness: Harness) -> County:
    return await build_county(harness)


VALUE = r"(\d+|&lt;5)"
LINE = re.compile(
    rf"<b>([^<]+)</b>：共{VALUE}（{VALUE}/{VALUE}/{VALUE}）· 无监护{VALUE} · 失联{VALUE} · 逾期{VALUE} · "
    rf"辍学{VALUE} · 报告{VALUE}/{VALUE} · 关注{VALUE}/{VALUE}/{VALUE}"
)


def table(text: str) -> dict[str, list[str]]:
    """The county's lines: name -> [father, mother, both, total, no guardian, unreachable, overdue, dropouts,
    reported to the police, awaiting the police's feedback, concerns by age band], as shown."""
    found = {}
    for match in LINE.finditer(text):
        total, father, mother, both, *rest = match.groups()[1:]
        found[match[1]] = [v.replace("&lt;", "<") for v in (father, mother, both, total, *rest)]
    return found


def assert_unrecoverable(rows: list[list[str]]) -> None:
    """No published line (a column with the total row, or a row's father + mother + both = total) holds exactly
    one hidden count: that one could be worked out from the others."""
    width = len(rows[0])
    lines = [[row[c] for row in rows] for c in range(width)] + [row[:4] for row in rows]
    for line in lines:
        assert sum(cell == "<5" for cell in line) != 1, (line, rows)


async def test_the_county_sees_every_school_side_by_side_with_small_counts_hidden(county: County) -> None:
    h = county.h
    first = await h.fetchall("SELECT id FROM children WHERE class_id IN (SELECT id FROM classes WHERE school_id = 2)")
    await h.db.execute(
        "INSERT INTO concerns (child_id, reporter_id, kind, description, occurred_on, created_at, last_sent_at)"
        " VALUES (?, ?, 'alone', '独自在家', '2026-03-01', ?, ?)",
        (first[0]["id"], 7202, NOW.isoformat(), NOW.isoformat()),
    )
    await h.db.execute(
        "INSERT INTO police_reports (concern_id, reported_at, police_unit, receipt_no, recorded_by, recorded_at)"
        " SELECT id, ?, '城关派出所', 'J2026-001', 7202, ? FROM concerns",
        (NOW.isoformat(), NOW.isoformat()),
    )
    text = "\n".join(s.text for s in await county.county.send("/stats"))
    shown = table(text)
    assert list(shown) == ["利川思源实验学校", "白杨小学", "青山小学", T("stats.county.total")], text
    assert shown["白杨小学"][0] == "<5"  # the 2 children whose father is away
    assert shown["青山小学"][1] == "<5" and shown["青山小学"][3] == "<5"  # one child: its kind and its total
    assert shown["白杨小学"][8:10] == ["<5", "<5"]  # reported to the police, no feedback yet: one, so "<5"
    assert shown["白杨小学"][11] == "<5"  # one open concern, of a child aged 10 (the 6–13 band)
    assert shown[T("stats.county.total")][3] == "35"
    assert_unrecoverable(list(shown.values()))
    for name in county.children:
        assert name not in text
    # No list of names is offered, and a forged list button is refused.
    buttons = [b["text"] for b in county.county.last_with_buttons().buttons()]
    assert buttons and not any("名单" in b or "查看" in b for b in buttons), buttons
    await county.county.press_data("st:l:nog:s2:0")
    assert county.county.last_text == T("stats.denied")


async def test_the_county_chart_and_workbook_hold_figures_and_no_name(county: County) -> None:
    await county.county.send("/stats")
    await county.county.press(T("stats.chart_button"))
    assert county.county.last.kind == "photo"
    await county.county.send("/export")
    await county.county.press("全县")
    sent = county.county.last
    assert sent.kind == "document" and sent.document, sent.text
    book = load_workbook(io.BytesIO(sent.document))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    for name in county.children:
        assert name not in " ".join(cells)
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == T("stats.county.col.school")
    assert [r[0] for r in rows[1:]] == ["利川思源实验学校", "白杨小学", "青山小学", T("stats.county.total")]
    assert rows[2][1] == "<5" and rows[4][4] == 35
    assert_unrecoverable([[str(v) for v in r[1:]] for r in rows[1:]])
    # A school's figures alone, and no roster or care sheet in either.
    await county.county.send("/export")
    await county.county.press("白杨小学")
    book = load_workbook(io.BytesIO(county.county.last.document or b""))
    assert book.sheetnames == [T("stats.county.sheet"), T("stats.county.sheet_about")]
    audit = await county.h.fetchall("SELECT detail, child_id FROM audit_log WHERE actor_id = ? AND action = 'export'",
                                    (COUNTY_ID,))  # fmt: skip
    assert [(r["detail"], r["child_id"]) for r in audit] == [("k:figures", None), ("s2:figures", None)]


async def test_a_school_counts_its_own_enrolment_events_after_a_child_moves_on(county: County) -> None:
    """A child of the second school enrolled before the term, dropped out in it, then moved to the third school:
    the dropout stays the second school's, in its own figures and in the county's."""
    h = county.h
    name = next(n for n, (_, school) in county.children.items() if school == 2)
    child_id = county.children[name][0]
    await h.db.execute("UPDATE enrolment_events SET effective_date = '2026-01-10' WHERE child_id = ?", (child_id,))
    await enrolment.insert_enrolment(h.db, child_id=child_id, status="dropped_out", effective=date(2026, 3, 1),
                                     reason=None, by=7202, now=NOW, flow_token="t1")  # fmt: skip
    third = await h.fetchval("SELECT id FROM classes WHERE school_id = 3")
    await h.db.execute("UPDATE children SET class_id = ? WHERE id = ?", (third, child_id))
    second = "\n".join(s.text for s in await county.admins[2].send("/stats"))
    assert figure(second, "辍学率") == "1/1（100%）", second
    other = "\n".join(s.text for s in await county.admins[3].send("/stats"))
    assert figure(other, "辍学率").startswith("0 人"), other
    shown = table("\n".join(s.text for s in await county.county.send("/stats")))
    assert shown["白杨小学"][7] == "<5" and shown["青山小学"][7] == "0"


async def test_lookup_names_one_child_for_a_stated_reason_and_is_audited(county: County) -> None:
    office = county.county
    name, (child_id, _) = next((n, v) for n, v in county.children.items() if v[1] == 2)
    await office.send("/lookup")
    await office.press("白杨小学")
    await office.send(name[:2])
    listed = office.last_with_buttons()
    assert any(b["text"] == f"{name} · 三年级2班" for b in listed.buttons()), listed.buttons()
    await office.press(name)
    await office.press(T("lookup.reason.other"))
    await office.send("民政复核低保名单")
    assert f"联系卡 · {name}" in office.last_text and T("lookup.recorded", reason="其他") in office.last_text
    audit = await county.h.fetchall(
        "SELECT action, child_id, detail FROM audit_log WHERE actor_id = ? AND action LIKE 'lookup%'", (COUNTY_ID,)
    )
    assert ("lookup", child_id, "reason=other") in [(r["action"], r["child_id"], r["detail"]) for r in audit]
    assert ("lookup_list", child_id, "s2") in [(r["action"], r["child_id"], r["detail"]) for r in audit]
    assert all("民政" not in r["detail"] for r in audit)
    kept = await county.h.fetchall("SELECT child_id, reason, note FROM lookups")
    assert [(r["child_id"], r["reason"], r["note"]) for r in kept] == [(child_id, "other", "民政复核低保名单")]
    # A coded reason: no words kept.
    await office.send("/lookup")
    await office.press("白杨小学")
    await office.send(name)
    await office.press(name)
    await office.press(T("lookup.reason.verify"))
    assert f"联系卡 · {name}" in office.last_text
    assert await county.h.fetchval("SELECT note FROM lookups WHERE reason = 'verify'") is None


async def test_lookup_is_refused_to_a_school_admin(county: County) -> None:
    admin = county.admins[2]
    await admin.send("/lookup")
    assert admin.last_text == T("access.denied")
    # The school admin's own /stats is their school's figures, with its lists, as before.
    text = "\n".join(s.text for s in await admin.send("/stats"))
    assert figure(text, "留守儿童总数") == "13" and "<b>白杨小学</b>：共" not in text
