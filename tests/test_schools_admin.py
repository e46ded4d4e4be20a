"""The county office's /schools (the list, adding a school, inviting its first admin) and a school admin's /school
(the weekly update's day and time, the quiet hours), which the weekly update and the outbox then keep, school by
school, against the harness's clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, time
from pathlib import Path

import pytest

from bot.domain import schedule
from bot.handlers.schools import parse_quiet_hours
from bot.services import family_calls as family_calls_service
from bot.services.message_kinds import WEEKLY
from bot.storage import people
from tests.green_fixture import drain, local, tick
from tests.harness import Harness, TestUser
from tests.helpers import invite_parent, link_code, make_head_teacher, register_child

ADMIN_ID = 1001
COUNTY_ID = 9001
COUNTY = '[county]\nname = "利川市"\nstaff = [9001]\n'


@pytest.fixture
async def county(tmp_path: Path) -> AsyncIterator[Harness]:
    async with Harness.create(tmp_path, admins=[ADMIN_ID], extra_config=COUNTY) as h:
        yield h


async def add_school(office: TestUser, name: str, township: str | None) -> str:
    """Adds a school through /schools' button; returns the last reply."""
    await office.send("/schools")
    await office.press("➕ 添加学校")
    assert "学校的全称" in office.last_text
    await office.send(name)
    if township is None:
        await office.press("跳过 ⏭")
    else:
        await office.send(township)
    return office.last_text


async def test_the_county_office_adds_a_school_and_invites_its_first_admin(county: Harness) -> None:
    h = county
    office = h.user(COUNTY_ID, "县教育局")
    await office.send("/schools")
    listing = office.last_text
    assert "利川市的学校" in listing and "利川思源实验学校" in listing and "已有管理员" in listing

    assert "已添加学校 <b>白杨小学</b>（白杨镇）" in await add_school(office, "白杨小学", "白杨镇")
    row = await h.fetchall("SELECT id, name, township, county, created_by FROM schools WHERE name = '白杨小学'")
    assert [tuple(r) for r in row] == [(2, "白杨小学", "白杨镇", "利川市", COUNTY_ID)]
    audit = await h.fetchall("SELECT actor_id, action, child_id, detail FROM audit_log WHERE action = 'school.add'")
    assert [tuple(r) for r in audit] == [(COUNTY_ID, "school.add", None, "school=2")]

    # The same name in the same township is refused politely, and the name is asked again; nothing is lost.
    await add_school(office, "白杨小学", "白杨镇")
    assert "已经有一所叫 <b>白杨小学</b> 的学校" in office.last_text
    await office.send("白杨二小")
    await office.press("跳过 ⏭")
    assert "已添加学校 <b>白杨二小</b>。" in office.last_text
    assert await h.fetchval("SELECT COUNT(*) FROM schools") == 3

    await office.send("/schools")
    listing = office.last_text
    assert "<b>白杨小学</b>（白杨镇）：0 个班，0 名学生，⚠️ 尚无管理员" in listing
    await office.press("邀请管理员：白杨小学")
    code = link_code(office.last_text)
    assert "白杨小学" in office.last_text
    newcomer = h.user(3001, "孟校长")
    await newcomer.send(f"/start {code}")
    roles = await h.fetchall("SELECT role, school_id FROM staff_roles WHERE user_id = 3001")
    assert [tuple(r) for r in roles] == [("admin", 2)]
    await office.send("/schools")
    assert "<b>白杨小学</b>（白杨镇）：0 个班，0 名学生，已有管理员" in office.last_text


async def test_only_the_county_office_manages_schools(county: Harness) -> None:
    admin = county.user(ADMIN_ID, "王校长")
    await admin.send("/schools")
    assert "利川市的学校" not in admin.last_text
    assert await county.fetchval("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'school.%'") == 0
    # A pressed invite or add button from the client is re-checked.
    await admin.send("/language")  # a message with buttons to press on
    await admin.press_data("sc:ia:1")
    assert "https://t.me" not in admin.last_text
    await admin.press_data("sc:add")
    assert "学校的全称" not in admin.last_text


async def test_a_typed_name_is_checked(county: Harness) -> None:
    office = county.user(COUNTY_ID, "县教育局")
    await office.send("/schools")
    await office.press("➕ 添加学校")
    await office.send("学" * 41)
    assert "学校的全称" not in office.last_text and await county.fetchval("SELECT COUNT(*) FROM schools") == 1
    await office.send_sticker()
    assert "请输入学校的名称" in office.last_text
    await office.send("白杨小学")
    assert "乡镇" in office.last_text


def test_quiet_hours_are_read_as_typed() -> None:
    assert parse_quiet_hours("21:30-07:00") is not None
    assert parse_quiet_hours("21：30 至 7：00") is not None
    assert parse_quiet_hours("12:00 13:00") is not None
    assert parse_quiet_hours("12:00-12:00") is None
    assert parse_quiet_hours("晚上") is None


async def two_schools(h: Harness) -> tuple[TestUser, TestUser, TestUser, TestUser]:
    """School 1 (the config's admin) and 白杨小学 (its own admin), each with a head teacher, a child and a bound
    parent; returns (admin of school 2, parent in school 1, parent in school 2, school 1's admin)."""
    office = h.user(COUNTY_ID, "县教育局")
    await add_school(office, "白杨小学", "白杨镇")
    await office.press_data("sc:ia:2")
    second_admin = h.user(3001, "孟校长")
    await second_admin.send(f"/start {link_code(office.last_text)}")
    first_admin = h.user(ADMIN_ID, "王校长")
    await first_admin.send("/start")
    parents = []
    for index, (admin, child) in enumerate(((first_admin, "张小明"), (second_admin, "陈小东"))):
        teacher = await make_head_teacher(h, admin, 4100 + index)
        await register_child(teacher, child)
        parent = h.user(4200 + index, "家长")
        await parent.send(f"/start {await invite_parent(teacher, child)}")
        parents.append(parent)
    for person in (first_admin, second_admin, *parents):
        person.new_messages()
    return second_admin, parents[0], parents[1], first_admin


async def test_each_school_sends_its_weekly_update_at_its_own_time_and_keeps_its_own_quiet_hours(
    county: Harness,
) -> None:
    h = county
    second_admin, first_parent, second_parent, first_admin = await two_schools(h)
    await second_admin.send("/school")
    assert "白杨小学" in second_admin.last_text and "周五 18:00（全县默认）" in second_admin.last_text
    await second_admin.press("修改每周简报时间")
    await second_admin.press("周三")
    await second_admin.send("25:00")
    assert "没看懂这个时间" in second_admin.last_text
    await second_admin.send("08:00")
    assert "每周三 08:00" in second_admin.last_text
    await second_admin.send("/school")
    await second_admin.press("修改免打扰时段")
    await second_admin.send("21:00-09:00")
    assert "21:00–09:00" in second_admin.last_text
    await second_admin.send("/school")
    await second_admin.press("修改学期开始日期")
    await second_admin.send("02-20 09-01")  # spring first: refused
    assert "没看懂" in second_admin.last_text
    await second_admin.send("9-1 2-20")
    assert "春季学期从 2月20日" in second_admin.last_text
    await second_admin.send("/school")
    assert "周三 08:00\n" in second_admin.last_text and "21:00–09:00\n" in second_admin.last_text
    assert "秋季 9月1日，春季 2月20日" in second_admin.last_text
    assert "全县默认" not in second_admin.last_text  # every setting the school's own
    await second_admin.send("/cancel")
    # The first school's admin sets only their own school.
    await first_admin.send("/school")
    assert "利川思源实验学校" in first_admin.last_text and "白杨小学" not in first_admin.last_text
    await first_admin.send("/cancel")
    actions = await h.fetchall("SELECT actor_id, action FROM audit_log WHERE action LIKE 'school.%' ORDER BY id")
    assert [tuple(r) for r in actions][-3:] == [
        (3001, "school.weekly_update"),
        (3001, "school.quiet_hours"),
        (3001, "school.term_starts"),
    ]

    # Wednesday 08:30: the second school's week is due, the first school's (Friday 18:00) is not.
    h.clock.now = local(2026, 3, 4, 8, 30)
    await tick(h)
    rows = await h.fetchall("SELECT recipient_id, school_id, dedup_key FROM outbox WHERE kind = ?", (WEEKLY,))
    assert [tuple(r) for r in rows] == [(second_parent.id, 2, "2026-W10:s2")]
    # ... but it is in that school's quiet hours (until 09:00), though not in the config's (until 07:30).
    await drain(h)
    assert second_parent.new_messages() == []
    reason = await h.fetchval("SELECT reason FROM outbox WHERE kind = ?", (WEEKLY,))
    assert reason == "quiet_hours"
    h.clock.now = local(2026, 3, 4, 9, 0)
    await drain(h)
    assert len(second_parent.new_messages()) == 1
    assert first_parent.new_messages() == []

    # Friday 18:00: the first school's week; the second school's is not sent again.
    h.clock.now = local(2026, 3, 6, 18, 0)
    await tick(h)
    await drain(h)
    assert len(first_parent.new_messages()) == 1
    assert second_parent.new_messages() == []
    digests = await h.fetchall("SELECT recipient_id, school_id FROM outbox WHERE kind = 'green.admin_digest'")
    assert sorted(tuple(r) for r in digests) == [(ADMIN_ID, 1), (3001, 2)]


async def test_family_call_reminders_keep_their_school_s_quiet_hours(county: Harness) -> None:
    """A reminder for a call at 20:00 is routine: in a school resting from 19:30 it waits for that school's
    morning, while the config's quiet hours (from 21:30) would have let it go."""
    h = county
    second_admin, _first_parent, second_parent, _first_admin = await two_schools(h)
    await second_admin.send("/school")
    await second_admin.press("修改免打扰时段")
    await second_admin.send("19:30-07:00")
    services = h.app.bot_data["services"]
    teacher = await people.load_actor(h.db, 4101)
    (child_id,) = [r["id"] for r in await h.fetchall("SELECT id FROM children WHERE name = '陈小东'")]
    plan = schedule.CallPlan(child_id=child_id, rhythm=schedule.WEEKLY, at=time(20, 0), start=date(2026, 3, 2),
                             weekday=2)  # fmt: skip
    await family_calls_service.save_plan(services, teacher, plan)
    h.clock.now = local(2026, 3, 4, 20, 1)
    await tick(h)
    rows = await h.fetchall("SELECT recipient_id, school_id FROM outbox WHERE kind = 'green.call'")
    assert [tuple(r) for r in rows] == [(second_parent.id, 2)]
    await drain(h)
    assert second_parent.new_messages() == []
    assert await h.fetchval("SELECT reason FROM outbox WHERE kind = 'green.call'") == "quiet_hours"


def test_a_schools_terms_follow_its_own_first_days() -> None:
    """Term start days of a school's own: the term a day falls in, and each term's first and last day."""
    from bot.domain.stats import DEFAULT_TERM_STARTS, Term, parse_term_starts, term_of

    starts = ((9, 1), (2, 20))
    assert parse_term_starts("9-1 2-20") == starts and parse_term_starts("9月1日 2月20日") == starts
    assert parse_term_starts("02-20 09-01") is None and parse_term_starts("09-01") is None
    assert parse_term_starts("09-31 02-20") is None and parse_term_starts("09-01 02-29") is None
    assert term_of(date(2026, 2, 10)) == Term(2025, 2)  # the national calendar: spring from 1 February
    assert term_of(date(2026, 2, 10), starts) == Term(2025, 1, starts)  # this school: still the autumn term
    autumn = Term(2025, 1, starts)
    assert (autumn.start, autumn.end) == (date(2025, 9, 1), date(2026, 2, 19))
    assert (autumn.next().start, autumn.next().end) == (date(2026, 2, 20), date(2026, 8, 31))
    national = Term(2025, 1)
    assert national.starts == DEFAULT_TERM_STARTS and national.end == date(2026, 1, 31)
    assert Term(2025, 2).end == date(2026, 8, 31)
