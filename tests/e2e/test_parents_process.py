"""The parents' half as a process, over HTTP: a parent names the entrusted carer in writing (/guardian) by buttons,
the head teacher's card shows it; then a notice to a class of 40 families goes out once each while the Bot API
answers 429, confirmations are counted, and the one reminder reaches only the families that have not confirmed."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.clock import to_db
from tests.botapi_server import BotAPIServer, RemoteUser
from tests.e2e.process import BotProcess, integrity, query, write_config
from tests.e2e.test_school_week import ADMIN, CrashPlan, School, delivered, one_family, scheduler_config

FAMILIES = 40
FIRST_FAMILY = 9300


def add_families(database: Path, count: int) -> list[int]:
    """`count` more children of the class, each with one bound parent, written while the bot is stopped (the
    registration and invitation flows have their own process test)."""
    now = to_db(datetime.now(UTC))
    with sqlite3.connect(database) as db:
        (class_id,) = db.execute("SELECT class_id FROM children").fetchone()
        users = []
        for index in range(count):
            child = db.execute(
                "INSERT INTO children (name, sex, birth_date, class_id, parents_away, created_at, updated_at)"
                " VALUES (?, 'female', '2015-05-05', ?, 'both', ?, ?)",
                (f"学生{index}", class_id, now, now),
            ).lastrowid
            user_id = FIRST_FAMILY + index
            db.execute("INSERT INTO users (id, full_name, created_at) VALUES (?, ?, ?)", (user_id, f"家长{index}", now))
            db.execute(
                "INSERT INTO guardians (user_id, child_id, relationship, bound_at) VALUES (?, ?, 'mother', ?)",
                (user_id, child, now),
            )
            users.append(user_id)
    return users


async def designate(school: School, mother: RemoteUser) -> None:
    await school.act(mother, lambda: mother.send("/guardian"), "请写下照护人的姓名")
    await school.act(mother, lambda: mother.send("王桂兰"), "什么人")
    await school.act(mother, lambda: mother.press("奶奶"), "电话")
    await school.act(mother, lambda: mother.send("13900001111"), "住址")
    await school.act(mother, lambda: mother.send("利川市柏杨镇水井村3组"), "逐条确认")
    for label in ("吸毒", "完全民事行为能力", "性侵害", "拒不履行", "听过孩子的意见"):
        await school.act(mother, lambda label=label: mother.press(label))
    await school.act(mother, lambda: mother.press("提交"), "已书面告知学校")


async def test_a_carer_named_in_writing_and_a_notice_to_40_families_under_429s(
    tmp_path: Path, server: BotAPIServer
) -> None:
    bot = BotProcess(write_config(tmp_path, server, admins=[ADMIN], extra=scheduler_config(weekly_due=False)))
    school = School(server, bot, CrashPlan(points=set()))
    database = tmp_path / "shouwang.db"
    await bot.start(server)
    try:
        _admin, teacher, mother = await one_family(school)

        # The mother names the carer by buttons and a few typed words; the head teacher hears of it.
        await designate(school, mother)
        await delivered(school, teacher, "委托照护人")
        await school.act(teacher, lambda: teacher.send("/child 张小明"), "书面告知")

        # The class grows to 40 families (the bot stopped meanwhile, then started again).
        assert await bot.stop() == 0, bot.log_text()[-3000:]
        ids = add_families(database, FAMILIES - 1)
        await school.start()
        families = [mother] + [server.user(user_id, f"家长{n}") for n, user_id in enumerate(ids)]

        await school.act(teacher, lambda: teacher.send("/notice"))
        await school.act(teacher, lambda: teacher.press("写新通知"))
        await school.act(teacher, lambda: teacher.press("三年级2班全体家长"))
        await school.act(teacher, lambda: teacher.press("防溺水"), "防溺水安全提醒")
        await school.act(teacher, lambda: teacher.press("下一步"))
        await school.act(teacher, lambda: teacher.press("确认"), f"共 {FAMILIES} 户家长")
        server.rate_limit("sendMessage", retry_after=1, times=3)
        await school.act(teacher, lambda: teacher.press("发送"), f"{FAMILIES} 户家长")
        for family in families:
            await delivered(school, family, "防溺水", within=60)
        for family in families:
            assert sum("防溺水" in m.text for m in family.inbox) == 1, family.id

        confirmed, waiting = families[:25], families[25:]
        for family in confirmed:
            notice = next(m for m in family.inbox if "防溺水" in m.text)
            await school.act(
                family, lambda family=family, notice=notice: family.press("收到", notice), "已收到您的确认"
            )
        await school.act(teacher, lambda: teacher.send("/notice"))
        await school.act(teacher, lambda: teacher.press("已发的通知"))
        assert "25/40" in teacher.last_with_buttons().buttons()[0]["text"]

        # A day passes: the bot runs on the system clock, so the notice's reminder time is moved, not the clock;
        # the families' tick runs soon after a start.
        assert await bot.stop() == 0, bot.log_text()[-3000:]
        with sqlite3.connect(database) as db:
            db.execute("UPDATE notices SET remind_at = ?", (to_db(datetime.now(UTC) - timedelta(minutes=1)),))
        await school.start()
        for family in waiting:
            await delivered(school, family, "提醒：学校的通知您还没有回复", within=60)
        assert await bot.stop() == 0, bot.log_text()[-3000:]
    except BaseException:
        await bot.kill()
        raise
    assert integrity(database) == "ok"
    reminded = {user_id for (user_id,) in query(database, "SELECT recipient_id FROM outbox WHERE kind = ?",
                                               ("parents.notice_reminder",))}  # fmt: skip
    assert reminded == {family.id for family in waiting}
    assert query(database, "SELECT COUNT(*) FROM outbox WHERE kind = 'parents.notice'") == [(FAMILIES,)]
    assert query(database, "SELECT carer_name, relation FROM guardian_designations") == [
        ("王桂兰", "grandmother_paternal")
    ]
    assert "Traceback" not in bot.log_text()
