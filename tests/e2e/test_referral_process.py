"""The bot as a process: a referral's partner person across a kill -9 and a restart.

A head teacher refers a child to the Women's Federation and invites a named person; the person joins and reads the
child's card (only its name and the one field shared); the bot is killed with SIGKILL and started again; the person
still reads the card; the head teacher marks the referral done, and from then on the person reads nothing. Every
read of the person is in the audit log, and so is the refusal after the referral closed."""

from __future__ import annotations

import re
from pathlib import Path

from tests.botapi_server import BotAPIServer
from tests.e2e.process import BotProcess, integrity, query, write_config
from tests.e2e.test_school_week import ADMIN, CrashPlan, School, invite_staff, register_child

HEAD, PARTNER = 9002, 9100
LINK = re.compile(r"https://t\.me/\w+\?start=([\w-]+)")


async def test_a_partner_reads_one_child_until_the_referral_closes_across_a_restart(
    tmp_path: Path, server: BotAPIServer
) -> None:
    config = write_config(tmp_path, server, admins=[ADMIN])
    database = config.parent / "shouwang.db"
    bot = BotProcess(config)
    school = School(server, bot, CrashPlan(points=set()))
    await bot.start(server)
    try:
        admin, head, partner = server.user(ADMIN, "王校长"), server.user(HEAD, "李老师"), server.user(PARTNER, "李主任")
        await school.act(admin, lambda: admin.send("/start"), "王校长")
        code = await invite_staff(school, admin, "班主任", "三年级 2班")
        await school.act(head, lambda: head.send(f"/start {code}"), "欢迎加入")
        await register_child(school, head, "张小明", "2015-03-08")
        await school.act(head, lambda: head.send("/refer 张小明"), "转介给哪个机构")
        await school.act(head, lambda: head.press("妇联"), "的原因")
        await school.act(head, lambda: head.send("周末无人照看"), "哪些信息")
        await school.act(head, lambda: head.press("性别"))
        assert any(b["text"] == "✅ 性别" for b in head.last_with_buttons().buttons())
        await school.act(head, lambda: head.press("选好了"), "要邀请")
        await school.act(head, lambda: head.send("镇妇联 李主任"), "t.me/")
        match = LINK.search(head.last_text)
        assert match, head.last_text
        await school.act(partner, lambda: partner.send(f"/start {match.group(1)}"), "转介给妇联")
        await school.act(partner, lambda: partner.press("查看孩子的信息"), "张小明")
        assert "男" in partner.last_text and "13812345678" not in partner.last_text, partner.last_text

        await bot.kill()
        await school.start()
        await school.act(partner, lambda: partner.send("/child 张小明"), "张小明")
        assert "13812345678" not in partner.last_text and "三年级" not in partner.last_text

        await school.act(head, lambda: head.send("/refer 张小明"), "转介给哪个机构")
        line = next(m for m in reversed(head.inbox) if "转介 → 妇联" in m.text)
        await school.act(head, lambda: head.press("已完成", line))  # the line is edited in place
        assert "已完成" in line.text and not line.buttons(), line.text
        await school.act(head, lambda: head.send("/cancel"))
        await school.act(partner, lambda: partner.send("/child 张小明"), "没有找到")
        welcome = next(m for m in partner.inbox if "转介给妇联" in m.text)
        await school.act(partner, lambda: partner.press("查看孩子的信息", welcome), "无权查看")
        assert await bot.stop() == 0, bot.log_text()[-3000:]
    except BaseException:
        await bot.kill()
        raise
    assert integrity(database) == "ok"
    views = query(database, "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'view'", (PARTNER,))
    assert views == [(2,)]
    assert query(database, "SELECT status, partner_id FROM referrals") == [("done", PARTNER)]
    denied = query(database, "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'denied'", (PARTNER,))
    assert denied == [(1,)]
    assert "Traceback" not in bot.log_text()
