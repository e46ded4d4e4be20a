"""Care activities through the running bot: recorded by buttons (a class, a tap on each child, done, a photo), on
each child's timeline and in the week's update, the photo to the consenting families only and once; who may; the
/stats figures; and paper letters typed into the mailbox as anonymous tickets."""

from __future__ import annotations

from bot.jobs.mailbox import notify
from bot.services import privacy as privacy_service
from bot.services.activities import PHOTO
from bot.services.mailbox import writer_hash
from bot.storage.people import load_actor
from tests.conftest import ADMIN_ID
from tests.green_fixture import PARENT_ID, drain, local, outbox_rows, school, services, tick
from tests.harness import Harness, TestUser
from tests.helpers import invite_parent, make_head_teacher, register_child

THURSDAY = local(2026, 3, 5, 10)
FRIDAY_EVENING = local(2026, 3, 6, 18, 5)
OTHER_PARENT = PARENT_ID + 50


async def two_families(h: Harness) -> tuple[TestUser, TestUser, TestUser, int, int]:
    """The head teacher, 张小明's mother (who agrees to photos) and 张小红's father (who does not)."""
    h.clock.now = THURSDAY
    _admin, teacher, first, (mother,) = await school(h)
    second = await register_child(teacher, "张小红", "2016-05-01")
    father = h.user(OTHER_PARENT, "张爸爸")
    await father.send(f"/start {await invite_parent(teacher, '张小红', '父亲')}")
    await register_child(teacher, "王小兵", "2015-07-01")  # no activity reaches him
    for person in (teacher, mother, father):
        person.new_messages()
    return teacher, mother, father, first, second


async def record_birthday(teacher: TestUser, *, photo: bool = True) -> None:
    await teacher.send("/activity")
    await teacher.press("生日会")
    await teacher.press("今天")
    assert "点选参加活动的孩子" in teacher.last_text  # one class: its children at once
    await teacher.press("张小明")
    await teacher.press("张小红")
    await teacher.press("张小红")  # tapped twice: not after all
    await teacher.press("张小红")
    assert "已选 2 人" in teacher.last_text
    await teacher.press("完成")
    if photo:
        await teacher.send_photo()
    else:
        await teacher.press("没有照片")


async def test_an_activity_by_buttons_reaches_the_timeline_the_week_and_only_consenting_families_once(
    harness: Harness,
) -> None:
    teacher, mother, father, first, second = await two_families(harness)
    await mother.send("/mydata")
    assert "活动照片：未同意" in mother.last_text
    await mother.press("同意接收活动照片")
    assert "已记录" in mother.last_text

    await record_birthday(teacher)
    assert "已记录：生日会（2026-03-05），2 个孩子参加" in teacher.last_text
    assert "1 户" in teacher.last_text
    rows = await harness.fetchall("SELECT child_id FROM activity_children ORDER BY child_id")
    assert [r["child_id"] for r in rows] == [first, second]
    activity = await harness.fetchall("SELECT kind, held_on, photo_file FROM activities")
    assert [tuple(r) for r in activity] == [("birthday", "2026-03-05", "ph1")]

    await drain(harness)
    photos = [m for m in mother.new_messages() if m.kind == "photo"]
    assert len(photos) == 1 and "生日会" in photos[0].text
    assert father.new_messages() == []  # his family did not agree to photos
    assert await drain(harness) == 0  # never twice
    assert len(await outbox_rows(harness, PHOTO)) == 1

    await teacher.send("/child 张小明")
    await teacher.press("时间线")
    assert "参加关爱活动：生日会（2026-03-05）" in teacher.last_text

    harness.clock.now = FRIDAY_EVENING
    await tick(harness)
    await drain(harness)
    weekly = [m.text for m in father.new_messages()]
    assert len(weekly) == 1 and "本周活动：生日会" in weekly[0]  # the week's update names it, photo or not


async def test_a_double_tap_records_once_and_a_stale_child_button_is_refused(harness: Harness) -> None:
    teacher, *_ = await two_families(harness)
    await record_birthday(teacher, photo=False)
    done = teacher.last_with_buttons()
    await teacher.press("没有照片", message=done)
    assert await harness.fetchval("SELECT COUNT(*) FROM activities") == 1
    await teacher.send("/activity")
    await teacher.press("团体辅导")
    await teacher.press("今天")
    await teacher.press_data(teacher.last_with_buttons().buttons()[0]["callback_data"].rsplit(":", 1)[0] + ":999999")
    assert "已选 0 人" in teacher.last_text or "过期" in teacher.last_text
    await teacher.press("完成")
    assert "还没有选择孩子" in teacher.last_text


async def test_only_admins_and_head_teachers_record_and_only_their_own_classes(harness: Harness) -> None:
    teacher, mother, _father, _first, _second = await two_families(harness)
    await mother.send("/activity")
    assert "没有权限" in mother.last_text or "无权" in mother.last_text
    other = await make_head_teacher(harness, harness.user(ADMIN_ID, "王校长"), 4999, "四年级 1班")
    other_child = await register_child(other, "李小四", "2015-02-02")
    await teacher.send("/activity")
    await teacher.press("生日会")
    await teacher.press("今天")
    nonce = teacher.last_with_buttons().buttons()[0]["callback_data"].split(":")[2]
    await teacher.press_data(f"ac:t:{nonce}:{other_child}")  # another class's child, forged
    assert "李小四" not in teacher.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM activity_children") == 0


async def test_stats_show_activities_by_month_and_the_children_none_reached(harness: Harness) -> None:
    teacher, *_ = await two_families(harness)
    await record_birthday(teacher, photo=False)
    await teacher.send("/stats")
    await teacher.press("全部指标")
    text = teacher.last_text
    assert "本学期关爱活动（按月）：3月 1 次" in text.replace("</b>", "").replace("<b>", "")
    assert "本学期未参加活动的孩子" in text
    await teacher.press("本学期未参加活动名单（1）")
    assert "王小兵" in teacher.last_text and "张小明" not in teacher.last_text


class FakeJobContext:
    def __init__(self, h: Harness) -> None:
        self.application = h.app


async def test_a_paper_letter_becomes_an_anonymous_ticket_flagged_urgent(harness: Harness) -> None:
    from tests.test_safety_school import COUNSELLOR_ID, build_school

    school = await build_school(harness)
    counsellor = school.people["counsellor"]
    await counsellor.send("/mailbox")
    await counsellor.press("录入纸质来信")
    await counsellor.send("老师，我不想活了，家里没人管我。")
    assert "已标为紧急" in counsellor.last_text
    ticket = (await harness.fetchall("SELECT * FROM mailbox_tickets"))[0]
    assert ticket["paper"] == 1 and ticket["urgent"] == 1
    assert ticket["writer_hash"] != writer_hash(harness.config.security.secret, COUNSELLOR_ID)
    assert bytes(ticket["writer_box"]) == b""
    message = (await harness.fetchall("SELECT from_writer, counsellor_id, body FROM mailbox_messages"))[0]
    assert tuple(message) == (1, None, "老师，我不想活了，家里没人管我。")
    audit = await harness.fetchall("SELECT actor_id, detail FROM audit_log WHERE action = 'mailbox.paper'")
    assert [tuple(r) for r in audit] == [(COUNSELLOR_ID, f"ticket={ticket['id']}")]  # no words of the letter
    await notify(FakeJobContext(harness))  # type: ignore[arg-type]
    await drain(harness)
    await counsellor.send("/mailbox")
    assert "🆘" in str(counsellor.last.reply_markup)
    await counsellor.press_data(f"mb:t:{ticket['id']}", message=counsellor.last)
    assert "纸质来信" in counsellor.last_text and "不想活了" in counsellor.last_text
    await counsellor.press("回复")
    await counsellor.send("我们会在回信栏给你回信。")
    assert "纸质来信" in counsellor.last_text

    parent = school.people["parent"]
    await parent.send("/mailbox")
    assert "录入纸质来信" not in str(parent.last.reply_markup)
    await parent.press_data(f"mb:pp:{ticket['school_id']}")
    assert await harness.fetchval("SELECT COUNT(*) FROM mailbox_tickets") == 1


async def test_erasing_a_child_forgets_the_photos_of_their_activities(harness: Harness) -> None:
    """The photo may show every child who took part: once one of them is erased it is forgotten, and a family
    that has not received it yet does not get it."""
    teacher, mother, _father, _first, second = await two_families(harness)
    await mother.send("/mydata")
    await mother.press("同意接收活动照片")
    await record_birthday(teacher)
    assert len(await outbox_rows(harness, PHOTO)) == 1  # queued for the mother, not yet sent
    admin = await load_actor(harness.db, ADMIN_ID)
    await privacy_service.erase(services(harness), admin, second)  # 张小红, in the photo
    assert await outbox_rows(harness, PHOTO) == []
    assert await harness.fetchval("SELECT photo_file FROM activities") is None
    await drain(harness)
    assert [m for m in mother.new_messages() if m.kind == "photo"] == []
