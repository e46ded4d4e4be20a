"""Help plans for a child at high risk (/plan) and referrals to partners (/refer), through the running bot: who may
open and close a plan, the owners' reminders through the outbox, and what a partner person invited by a referral
sees (one child's shared fields, audited, and nothing once the referral closes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.domain.safety import RiskLevel
from bot.jobs.plans import remind
from bot.storage import risks
from tests.green_fixture import drain
from tests.harness import Harness, TestUser
from tests.helpers import link_code
from tests.test_safety_school import ADMIN_IDS, HEAD_ID, School, build_school, queued

PARTNER_ID = 7001


@pytest.fixture
async def school(tmp_path: Path) -> AsyncIterator[School]:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        school = await build_school(h)
        await risks.set_risk(h.db, school.own, RiskLevel.HIGH, "独自在家", HEAD_ID, datetime(2026, 3, 2, tzinfo=UTC))
        yield school


async def open_plan(head: TestUser) -> None:
    await head.send("/plan")
    await head.press("张小明")
    assert "评估" in head.last_text, head.last_text
    await head.send("父母外出，奶奶年迈，孩子常独自在家")
    await head.send("每周家访一次")
    await head.press("李老师")
    await head.send("2026-03-09")
    await head.send("联系村儿童主任")
    await head.press("周老师")
    await head.send("2026-03-20")
    await head.press("行动填完了")
    await head.send("2026-04-30")


async def test_a_plan_is_opened_shown_on_the_card_and_its_owners_reminded_once(school: School) -> None:
    h, head = school.h, school.people["head_teacher"]
    await open_plan(head)
    assert "已为张小明建立帮扶计划：2 项行动" in head.last_text, head.last_text
    actions = await h.fetchall("SELECT what, owner_id, due_on FROM help_plan_actions ORDER BY id")
    assert [tuple(a) for a in actions] == [
        ("每周家访一次", HEAD_ID, "2026-03-09"),
        ("联系村儿童主任", 2005, "2026-03-20"),
    ]
    # The card shows the open plan to the school's readers, never to the family.
    await school.people["admin"].send("/child 张小明")
    assert "帮扶计划" in school.people["admin"].last_text and "每周家访一次" in school.people["admin"].last_text
    await school.people["parent"].send("/child 张小明")
    assert "张小明" in school.people["parent"].last_text and "帮扶计划" not in school.people["parent"].last_text
    # Nothing is due yet; on the first action's day its owner is reminded, once however many ticks.
    context = SimpleNamespace(application=h.app)
    await remind(context)
    assert await queued(h, HEAD_ID, "plan.action_due") == []
    h.clock.advance(days=7)
    await remind(context)
    await remind(context)
    (reminder,) = await queued(h, HEAD_ID, "plan.action_due")
    assert "每周家访一次" in reminder.text and "张小明" in reminder.text
    assert await queued(h, 2005, "plan.action_due") == []  # the counsellor's action is not due yet
    h.clock.advance(days=60)
    await remind(context)
    await remind(context)
    assert len(await queued(h, 2005, "plan.action_due")) == 1
    (review,) = await queued(h, HEAD_ID, "plan.review_due")  # the author, the child's head teacher
    assert "复查" in review.text
    # Each reminder keeps the quiet hours of the child's school, not the installation's.
    schools = await h.fetchall(
        "SELECT DISTINCT school_id FROM outbox WHERE kind IN ('plan.action_due', 'plan.review_due')"
    )
    assert [r["school_id"] for r in schools] == [1]


async def test_a_plan_is_only_for_a_child_at_high_risk_and_only_for_its_school(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/plan 李小红")
    assert "不是高风险儿童" in head.last_text
    for role in ("subject_teacher", "parent", "stranger"):
        await school.people[role].send("/plan")
        assert "没有权限" in school.people[role].last_text or "无权" in school.people[role].last_text, role


async def test_closing_a_plan_needs_an_admins_approval(school: School) -> None:
    h, head, admin = school.h, school.people["head_teacher"], school.people["admin"]
    await open_plan(head)
    await head.send("/plan")
    await head.press("张小明")
    await head.press("申请结案")
    await head.send("孩子已由父亲接回身边照顾")
    assert "等待学校领导批准" in head.last_text
    assert await h.fetchval("SELECT status FROM help_plans") == "closing"
    for admin_id in ADMIN_IDS:
        (asked,) = await queued(h, admin_id, "plan.close_asked")
        assert "父亲接回" in asked.text
    await drain(h)
    # The head teacher cannot approve, even with the admin's button's data.
    approve = next(b["callback_data"] for b in admin.last_with_buttons().buttons() if "批准" in b["text"])
    await head.press_data(approve, message=head.last)
    assert await h.fetchval("SELECT status FROM help_plans") == "closing"
    await admin.press("批准结案")
    assert "已批准结案" in admin.last_text
    assert await h.fetchval("SELECT status FROM help_plans") == "closed"
    assert await h.fetchval("SELECT approved_by FROM help_plans") == ADMIN_IDS[0]
    (told,) = await queued(h, HEAD_ID, "plan.closed")
    assert "批准" in told.text


async def refer_with_partner(head: TestUser) -> str:
    await head.send("/refer")
    await head.press("张小明")
    await head.press("妇联")
    await head.send("周末无人照看，请妇联帮扶")
    await head.press("监护人电话")
    await head.press("选好了")
    await head.send("镇妇联 李主任")
    assert "已转介" in head.last_text, head.last_text
    return link_code(head.last_text)


async def test_a_partner_sees_one_childs_shared_fields_audited_and_nothing_once_closed(school: School) -> None:
    h, head = school.h, school.people["head_teacher"]
    await h.db.execute("UPDATE children SET guardian_phone = '13900001111', notes = '校内备注'")
    code = await refer_with_partner(head)
    assert await h.fetchval("SELECT fields FROM referrals") == "name,guardian_phone"
    partner = h.user(PARTNER_ID, "李主任")
    await partner.send(f"/start {code}")
    assert "转介给妇联" in partner.last_text
    (joined,) = await queued(h, HEAD_ID, "referral.joined")
    assert "李主任" in joined.text and "张小明" in joined.text
    await partner.press("查看孩子的信息")
    card = partner.last_text
    assert "张小明" in card and "13900001111" in card
    for hidden in ("13812345678", "校内备注", "三年级", "帮扶计划", "风险", "委托照护"):
        assert hidden not in card, hidden
    assert not partner.last.buttons()  # no edit, no concern, no timeline
    await partner.send("/child 张小明")
    assert "13900001111" in partner.last_text
    # No other child, no lists, no figures; /help names only what a partner may use.
    await partner.send("/child 李小红")
    assert "李小红" not in partner.last_text or "没有" in partner.last_text
    await partner.press_data(f"ch:v:{school.other}", message=partner.last)
    assert "王小花" not in partner.last_text
    for command in ("/mychildren", "/stats", "/export", "/plan", "/refer", "/concern"):
        await partner.send(command)
        assert "张小明" not in partner.last_text, command
    await partner.send("/help")
    assert "/child" in partner.last_text and "/mychildren" not in partner.last_text
    assert "查看转介给您的孩子" in partner.last_text and "查找并查看联系卡" not in partner.last_text
    assert "/refer" not in partner.last_text and "/stats" not in partner.last_text
    reads = await h.fetchval(
        "SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'view' AND child_id = ?",
        (PARTNER_ID, school.own),
    )
    assert reads == 2
    # The referral is done: the partner's access ends with it.
    await head.send("/refer 张小明")
    line = next(s for s in reversed(head.inbox) if "转介 → 妇联" in s.text)
    await head.press("已完成", message=line)
    assert await h.fetchval("SELECT status FROM referrals") == "done"
    await drain(h)
    told = [m.text for m in partner.inbox if "转介已结束" in m.text]
    assert told == ["妇联对张小明的转介已结束，您查看张小明信息的权限也随之结束。谢谢您的帮助！"]
    await partner.send("/child 张小明")
    assert "13900001111" not in partner.last_text
    await partner.press_data(f"ch:v:{school.own}", message=partner.inbox[-1])
    assert "13900001111" not in partner.last_text
    assert (
        await h.fetchval("SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action = 'denied'", (PARTNER_ID,)) >= 1
    )
    for command in ("/mychildren", "/plan", "/refer", "/stats", "/export", "/concern"):
        await partner.send(command)
        assert "张小明" not in partner.last_text and "13900001111" not in partner.last_text, command
    await partner.send("/help")
    assert "/child" not in partner.last_text


async def test_a_partner_invitation_works_once_and_not_after_the_referral_closed(school: School) -> None:
    h, head = school.h, school.people["head_teacher"]
    code = await refer_with_partner(head)
    await h.user(PARTNER_ID, "李主任").send(f"/start {code}")
    other = h.user(PARTNER_ID + 1, "别人")
    await other.send(f"/start {code}")
    assert "已经被使用" in other.last_text
    code2 = await refer_with_partner(head)
    await h.db.execute("UPDATE referrals SET status = 'declined' WHERE id = (SELECT MAX(id) FROM referrals)")
    await other.send(f"/start {code2}")
    assert "过期" in other.last_text
    await other.send("/child 张小明")
    assert "13" not in other.last_text


async def test_a_partner_of_two_children_finds_them_by_name_without_their_class(school: School) -> None:
    h, head = school.h, school.people["head_teacher"]
    partner = h.user(PARTNER_ID, "李主任")
    await partner.send(f"/start {await refer_with_partner(head)}")
    await head.send("/refer 李小红")
    await head.press("团委")
    await head.send("需要学业帮扶")
    await head.press("选好了")
    await head.send("团委 王书记")
    await partner.send(f"/start {link_code(head.last_text)}")
    await partner.send("/child 小")
    assert sorted(b["text"] for b in partner.last.buttons()) == ["张小明", "李小红"]
    assert "三年级" not in partner.last_text


async def test_erasing_the_child_mid_plan_ends_the_flow_politely(school: School) -> None:
    head, admin2 = school.people["head_teacher"], school.people["admin2"]
    await head.send("/plan")
    await head.press("张小明")
    await head.send("父母外出，孩子常独自在家")
    assert "第 1 项帮扶行动" in head.last_text
    await admin2.send("/child 张小明")
    await admin2.press("删除")
    await admin2.press_data(f"pv:ery:{school.own}", message=admin2.last)
    assert "数据已删除" in admin2.last_text
    await head.send("每周家访一次")
    assert "已被删除" in head.last_text or "不存在" in head.last_text or "重新" in head.last_text, head.last_text
    await head.send("/plan")
    assert "帮扶计划" in head.last_text  # the flow starts again


async def test_erasing_the_child_drops_the_plans_queued_reminders(school: School) -> None:
    h, head, admin2 = school.h, school.people["head_teacher"], school.people["admin2"]
    await open_plan(head)
    h.clock.advance(days=7)
    await remind(SimpleNamespace(application=h.app))
    assert len(await queued(h, HEAD_ID, "plan.action_due")) == 1
    await admin2.send("/child 张小明")
    await admin2.press("删除")
    await admin2.press_data(f"pv:ery:{school.own}", message=admin2.last)
    assert "数据已删除" in admin2.last_text
    assert await queued(h, HEAD_ID, "plan.action_due") == []
    assert await h.fetchval("SELECT COUNT(*) FROM help_plans") == 0
