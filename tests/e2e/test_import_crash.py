"""/import with the bot as a process, killed with kill -9 at seeded moments of the import.

A head teacher asks for the template (sendDocument), fills it in, uploads it (the bot fetches it with getFile and
downloads it from the server's file URL), reads the per-row report and confirms. Crash points fall anywhere in that
walk: while the template goes out, while the bot downloads the file, before or after the report, around the
confirmation. The person behaves as in the school week (tests/e2e/test_school_week.py): no answer, they send the
same again; at the end they also tap "confirm" on every report they were shown, as a confused person might.

At every crash, and at the end: the archive holds all the valid rows or none of them, never some; at the end all
of them, each once, with the values in the file; the bad rows never; PRAGMA integrity_check ok; every message the
server accepted was valid for Telegram, and the teacher got the "imported" confirmation at most once per batch.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.botapi_server import BotAPIServer, RemoteUser
from tests.e2e.process import BotProcess, integrity, query, write_config
from tests.e2e.test_school_week import ADMIN, REPLY_METHODS, CrashPlan, School, invite_staff, scheduler_config
from tests.fakebot import Sent

CLASS = "三年级 2班"
TEACHER = 9100
# Valid rows: (name, sex, birth date, parents away, father's phone) -> stored as (sex, parents_away, phone).
VALID = [
    ("陈小雨", "女", "2016-04-12", "父母都外出", "13812345678"),
    ("刘<b>晨</b>", "男", "2015-09-01", "父亲外出", ""),
    ("赵&amp;安", "男", "2016-01-20", "母亲外出", "13900001111"),
    ("孙小北", "女", "2014-12-31", "父母都外出", ""),
]
BAD = [
    ("周小东", "男", "2016-02-30", "父亲外出", ""),  # impossible date
    ("", "女", "2016-03-01", "父亲外出", ""),  # no name
    ("吴小西", "女", "2016-03-01", "父亲外出", "12345"),  # bad phone
]
STORED = {"女": "female", "男": "male", "父母都外出": "both", "父亲外出": "father", "母亲外出": "mother"}
# Every request the import makes can be a crash point, also the template, the download and the buttons' removal;
# not the start-up's setMyCommands (the school week has those), so that every point falls inside the import.
IMPORT_METHODS = (REPLY_METHODS - {"setMyCommands"}) | {"sendDocument", "getFile", "editMessageReplyMarkup"}


def fill_template(template: bytes) -> bytes:
    """What the teacher does in a spreadsheet program: the rows under the template's own headers."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["导入模板"]
    headers = [cell.value for cell in sheet[1]]
    for name, sex, birth, away, phone in VALID + BAD:
        values = {"姓名": name, "性别": sex, "出生日期": birth, "班级": CLASS, "外出务工情况": away, "父亲电话": phone}
        sheet.append([values.get(str(header).rstrip(" *"), None) for header in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def confirm_buttons(teacher: RemoteUser) -> list[tuple[Sent, str]]:
    """The reports showing a "confirm" button, with its callback data."""
    return [
        (message, str(button["callback_data"]))
        for message in teacher.inbox
        for button in message.buttons()
        if "确认导入" in button["text"]
    ]


def imported(database: Path) -> list[tuple[Any, ...]]:
    return query(database, "SELECT name, sex, birth_date, parents_away, father_phone FROM children")


def assert_all_or_none(database: Path) -> None:
    rows = imported(database)
    assert len(rows) in (0, len(VALID)), rows  # never half an import


async def run_import(
    tmp_path: Path, server: BotAPIServer, plan: CrashPlan, confirm_points: set[int]
) -> tuple[School, RemoteUser]:
    bot = BotProcess(write_config(tmp_path, server, admins=[ADMIN], extra=scheduler_config(weekly_due=False)))
    database = tmp_path / "shouwang.db"
    school = School(server, bot, plan, methods=IMPORT_METHODS, after_crash=lambda: assert_all_or_none(database))
    await bot.start(server)
    try:
        admin = server.user(ADMIN, "王校长")
        await school.act(admin, lambda: admin.send("/start"), "王校长")
        code = await invite_staff(school, admin, "班主任", CLASS)
        teacher = server.user(TEACHER, "陈老师")
        await school.act(teacher, lambda: teacher.send(f"/start {code}"), "欢迎加入")
        plan.begin_phase()  # the crash points of this test fall in the import itself: upload...
        await school.act(teacher, lambda: teacher.send("/import"), "发给我")
        template = next(m for m in reversed(teacher.inbox) if m.kind == "document")
        assert template.document is not None and template.file_name == "留守儿童档案导入模板.xlsx"
        filled = fill_template(template.document)
        await school.act(teacher, lambda: teacher.send_document(filled, "三年级2班.xlsx"), f"可以添加 {len(VALID)} 行")
        report, confirm = confirm_buttons(teacher)[-1]
        plan.begin_phase(confirm_points)  # ... and confirmation
        # Tapped again after a crash, the button may already be gone from the report (the bot removed it before
        # dying): a phone that has not refreshed the message still sends it, and hears "already done".
        await school.act(teacher, lambda: teacher.press_data(confirm, report), "已导入", accept=("已经处理过了",))
        # A confused person taps "confirm" on every report still showing it (one per upload the bot answered).
        for message, data in confirm_buttons(teacher):
            await school.act(teacher, lambda m=message, d=data: teacher.press_data(d, m))
        await school.restart_if_crashed()
        assert await bot.stop() == 0, bot.log_text()[-3000:]
    except BaseException:
        await bot.kill()
        raise
    return school, teacher


def assert_imported_once(database: Path, server: BotAPIServer, teacher: RemoteUser) -> None:
    assert integrity(database) == "ok"
    expected = [(n, STORED[s], b, STORED[a], p or None) for n, s, b, a, p in VALID]
    assert sorted(imported(database)) == sorted(expected)  # every valid row, once, as in the file
    batches = query(database, "SELECT status, row_count FROM import_batches ORDER BY id")
    assert ("imported", len(VALID)) in batches, batches
    assert all(count == len(VALID) for _status, count in batches), batches  # bad rows are never staged
    audit = query(database, "SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND detail LIKE 'import:%'")
    assert audit == [(len(VALID),)]
    assert server.stats.rejected == []
    done = [m.text for m in teacher.inbox if f"已导入 {len(VALID)} 名" in m.text]
    assert len(done) <= 1, done  # the rows were imported by one batch, and said so at most once
    open_flows = query(database, "SELECT name, key, state FROM ptb_conversations WHERE name = 'import'")
    assert all(state in (None, "null", "-1") for _n, _k, state in open_flows), open_flows


async def test_import_without_crashes(tmp_path: Path, server: BotAPIServer) -> None:
    plan = CrashPlan(points=set())
    school, teacher = await run_import(tmp_path, server, plan, set())
    assert_imported_once(tmp_path / "shouwang.db", server, teacher)
    assert school.bot.starts == 1
    assert f"已导入 {len(VALID)} 名孩子的档案" in "\n".join(m.text for m in teacher.inbox)
    assert "Traceback" not in school.bot.log_text()


@pytest.mark.parametrize("seed", [2, 11, 13])
async def test_import_survives_kill_9(tmp_path: Path, server: BotAPIServer, seed: int) -> None:
    """Four seeded crash points per run (twelve over the three seeds), all inside the import: two while the
    template goes out and the file comes in (template, download, check, report), two around the confirmation
    (the tap's answer, the buttons' removal, the "imported" message, the confused second tap)."""
    rng = random.Random(seed)
    # Without crashes: 5 requests from /import to the report, 3 for the confirmation, 1 for the second tap.
    plan = CrashPlan(points=set(), phase_points=set(rng.sample(range(1, 6), 2)))
    school, teacher = await run_import(tmp_path, server, plan, set(rng.sample(range(1, 5), 2)))
    assert plan.all_fired() and len(plan.fired) == 4, (plan.fired, plan.seen)
    assert school.bot.starts == 1 + len(plan.fired)
    assert_imported_once(tmp_path / "shouwang.db", server, teacher)
