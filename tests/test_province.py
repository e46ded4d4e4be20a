"""A province from three county deployments: each county writes its de-identified summary with
`python -m bot summary`, and `python -m bot.province` merges the three into one workbook. The totals add up where
nothing is hidden, no name leaves a county, and counts under 5 stay hidden, in sums too."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.__main__ import main as bot_main
from bot.domain.clock import to_db
from bot.province import main as province_main
from bot.services.summary import FIGURES
from bot.storage.db import Database
from tests.harness import write_config

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("father", "mother", "both")


@dataclass(frozen=True)
class SchoolSpec:
    name: str
    children: int
    dropouts: int


# Three counties: every count is 5 or more, except 甲县's dropouts (3, in one school).
COUNTIES: dict[str, list[SchoolSpec]] = {
    "甲县": [SchoolSpec("甲县一小", 30, 0), SchoolSpec("甲县二小", 40, 3)],
    "乙县": [SchoolSpec("乙县中心小学", 60, 6)],
    "丙县": [SchoolSpec("丙县一小", 25, 0), SchoolSpec("丙县二小", 35, 5)],
}


def expected(spec: SchoolSpec) -> dict[str, int]:
    """The figures of a school built by `build_county`, worked out from the rules it builds by."""
    kinds = [KINDS[i % 3] for i in range(spec.children)]
    return {
        "father_away": kinds.count("father"),
        "mother_away": kinds.count("mother"),
        "both_away": kinds.count("both"),
        "children": spec.children,
        "no_designated_guardian": sum(1 for i in range(spec.children) if i % 4 == 0),
        "no_reachable_guardian": sum(1 for i in range(spec.children) if i % 5 == 0),
        "overdue_pairings": sum(1 for i in range(spec.children) if i % 2 == 0),
        "dropouts_this_term": spec.dropouts,
    }


def build_county(folder: Path, county: str, schools: list[SchoolSpec], names: list[str]) -> Path:
    """A county's database on today's schema: its schools, a class each, children with and without a designated
    guardian, a phone or a bound guardian account (reachable or not), a mentor overdue for every other child, the
    term's dropouts.
    Every person's name it writes is added to `names`."""
    folder.mkdir()
    config = write_config(folder, admins=[1], extra=f'[county]\nname = "{county}"\nstaff = [2]\n')
    asyncio.run(_migrate(folder / "shouwang.db"))
    now = datetime.now(UTC)
    stamp = to_db(now)
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    conn = sqlite3.connect(folder / "shouwang.db")
    with conn:
        conn.execute("INSERT INTO grades (id, name, sort_order) VALUES (1, '三年级', 3)")
        conn.execute("INSERT INTO users (id, full_name, created_at) VALUES (1, '校长王建国', ?)", (stamp,))
        names.append("校长王建国")
        child_id = 0
        for s, school in enumerate(schools, start=1):
            if s == 1:
                conn.execute(
                    "UPDATE schools SET name = ?, township = ?, county = ? WHERE id = 1",
                    (school.name, "城关镇", county),
                )
            else:
                conn.execute(
                    "INSERT INTO schools (id, name, township, county, created_at) VALUES (?, ?, ?, ?, ?)",
                    (s, school.name, f"第{s}镇", county, stamp),
                )
            conn.execute("INSERT INTO classes (id, school_id, grade_id, name) VALUES (?, ?, 1, '1班')", (s, s))
            mentor = 100 + s
            conn.execute(
                "INSERT INTO users (id, full_name, created_at) VALUES (?, ?, ?)", (mentor, f"{county}老师{s}", stamp)
            )
            names.append(f"{county}老师{s}")
            for i in range(school.children):
                child_id += 1
                name = f"{county}{s}号学生{i:02d}"
                guardian = None if i % 4 == 0 else f"{county}{s}号奶奶{i:02d}"
                phone = None if i % 5 == 0 else f"1380000{child_id:04d}"
                conn.execute(
                    "INSERT INTO children (id, name, sex, birth_date, class_id, parents_away, guardian_name,"
                    " guardian_phone, created_at, updated_at) VALUES (?, ?, 'female', '2016-05-01', ?, ?, ?, ?, ?, ?)",
                    (child_id, name, s, KINDS[i % 3], guardian, phone, stamp, stamp),
                )
                names.append(name)
                if guardian:
                    names.append(guardian)
                if i % 3 == 0:
                    # Without a phone on the card, a guardian account Telegram reported unreachable reaches nobody.
                    parent = 10_000 + child_id
                    conn.execute(
                        "INSERT INTO users (id, full_name, status, created_at) VALUES (?, ?, ?, ?)",
                        (parent, f"{county}家长{child_id}", "unreachable" if i % 5 == 0 else "active", stamp),
                    )
                    conn.execute(
                        "INSERT INTO guardians (user_id, child_id, relationship, bound_at) VALUES (?, ?, '母亲', ?)",
                        (parent, child_id, stamp),
                    )
                    names.append(f"{county}家长{child_id}")
                if i % 2 == 0:
                    conn.execute(
                        "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (?, ?, 7, ?)",
                        (mentor, child_id, to_db(now - timedelta(days=200))),
                    )
                if i < school.dropouts:
                    conn.execute(
                        "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_at, school_id)"
                        " VALUES (?, 'dropped_out', ?, ?, ?)",
                        (child_id, today, stamp, s),
                    )
    conn.close()
    return config


async def _migrate(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three county databases, each county's summary written by `python -m bot summary`, merged into a workbook."""
    folder = tmp_path_factory.mktemp("province")
    names: list[str] = []
    summaries = []
    for n, (county, schools) in enumerate(COUNTIES.items(), start=1):
        config = build_county(folder / f"county{n}", county, schools, names)
        out = folder / f"county{n}.json"
        assert bot_main(["--config", str(config), "summary", "--out", str(out)]) == 0
        summaries.append(out)
    workbook = folder / "province.xlsx"
    assert province_main([*map(str, summaries), "--out", str(workbook)]) == 0
    return {"names": names, "summaries": summaries, "workbook": workbook}


def _rows(path: Path, sheet: int) -> list[list[Any]]:
    book = load_workbook(path)
    return [list(row) for row in book.worksheets[sheet].iter_rows(values_only=True)]


def test_each_county_writes_its_schools_and_total_with_small_counts_hidden(province: dict[str, Any]) -> None:
    for path, (county, schools) in zip(province["summaries"], COUNTIES.items(), strict=True):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["county"] == county
        assert [s["school"] for s in data["schools"]] == [s.name for s in schools]
        by_name = {s["school"]: s["counts"] for s in data["schools"]}
        for spec in schools:
            want = expected(spec)
            got = by_name[spec.name]
            for figure in FIGURES:
                assert got[figure] == (want[figure] if not 0 < want[figure] < 5 else "<5"), (spec.name, figure)
    first = json.loads(province["summaries"][0].read_text(encoding="utf-8"))
    # 甲县's 3 dropouts are in one school: the county's total would give them away, so it is hidden too.
    assert first["total"]["dropouts_this_term"] == "<5"
    assert {s["school"]: s["counts"]["dropouts_this_term"] for s in first["schools"]} == {
        "甲县一小": 0,
        "甲县二小": "<5",
    }


def test_no_count_from_one_to_four_leaves_a_county(province: dict[str, Any]) -> None:
    for path in province["summaries"]:
        data = json.loads(path.read_text(encoding="utf-8"))
        for counts in [s["counts"] for s in data["schools"]] + [data["total"]]:
            assert all(value == "<5" or value == 0 or value >= 5 for value in counts.values()), counts
    for sheet in (0, 1):
        for row in _rows(province["workbook"], sheet)[1:]:
            assert not any(isinstance(value, int) and 0 < value < 5 for value in row[3:]), row


def test_the_province_total_is_the_sum_of_the_counties_where_nothing_is_hidden(province: dict[str, Any]) -> None:
    rows = _rows(province["workbook"], 0)
    header, counties, total = rows[0], rows[1:-1], rows[-1]
    assert [row[0] for row in counties] == list(COUNTIES)
    assert total[0] == "全省合计"
    for n, figure in enumerate(FIGURES):
        column = 3 + n
        want = sum(expected(spec)[figure] for schools in COUNTIES.values() for spec in schools)
        if figure == "dropouts_this_term":
            # 甲县's total is hidden: the province shows a lower bound (6 + 5 + 1 for the hidden one), never 14.
            assert [row[column] for row in counties] == ["<5", 6, 5]
            assert total[column] == "≥12"
        else:
            assert total[column] == want == sum(row[column] for row in counties), figure
    assert header[3:] == ["父亲外出", "母亲外出", "父母均外出", "留守儿童合计", "未指定监护人", "监护人联系不上",
                          "结对帮扶逾期", "本学期辍学"]  # fmt: skip
    assert _rows(province["workbook"], 2)[0][0].startswith("“<5”表示 1 至 4 人")  # plain characters, not HTML
    schools = _rows(province["workbook"], 1)[1:]
    assert len([row for row in schools if row[2] != "全县合计"]) == sum(len(s) for s in COUNTIES.values())


def test_no_name_leaves_a_county(province: dict[str, Any]) -> None:
    published = [path.read_text(encoding="utf-8") for path in province["summaries"]]
    book = load_workbook(province["workbook"])
    published += [str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row]
    text = "\n".join(published)
    assert province["names"]
    leaked = [name for name in province["names"] if name in text]
    assert leaked == []
    assert "138000" not in text  # nor a phone number


def test_a_file_that_is_not_a_county_summary_is_refused_and_nothing_written(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"schools": []}), encoding="utf-8")
    out = tmp_path / "province.xlsx"
    completed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "province.py"), str(wrong), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 2
    assert "not a county summary" in completed.stderr
    assert not out.exists()


def test_a_summary_of_a_database_that_is_not_there_writes_nothing(tmp_path: Path) -> None:
    config = write_config(tmp_path, admins=[1])
    out = tmp_path / "county.json"
    assert bot_main(["--config", str(config), "summary", "--out", str(out)]) == 1
    assert not out.exists()
    assert not (tmp_path / "shouwang.db").exists()
