"""/register end to end: the essentials first (a valid archive in a few taps), then the rest section by section;
every validation error, stray input, skip, section skip, edit, cancel, confirm, duplicates, double taps, stale
buttons, restarts in the middle, the timeout; then the card (what is missing, what a family sees), editing a card,
and /mychildren."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import conversation_named, invite_parent, invite_staff, make_head_teacher, register_child

TEACHER_ID = 2001


async def setup_teacher(h: Harness) -> TestUser:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(h, admin, TEACHER_ID)
    teacher.new_messages()
    return teacher


async def essentials(teacher: TestUser, name: str = "张小明", birth: str = "2015-03-08") -> None:
    """Answers the essentials (the father's phone as the contact), up to the review."""
    await teacher.send("/register")
    await teacher.send(name)
    await teacher.press("男")
    await teacher.send(birth)
    await teacher.press("父母都外出")
    await teacher.press("父亲的电话")
    await teacher.send("13812345678")
    await teacher.press("走读")


async def to_review(teacher: TestUser, name: str = "张小明", birth: str = "2015-03-08") -> None:
    await essentials(teacher, name, birth)
    assert "请核对联系卡" in teacher.last_text


async def child_rows(h: Harness) -> list[Any]:
    return await h.fetchall("SELECT * FROM children ORDER BY id")


async def register_state(h: Harness, user_id: int) -> Any:
    return await h.fetchval(
        "SELECT state FROM ptb_conversations WHERE name = 'register' AND key = ?", (f"[{user_id}, {user_id}]",)
    )


def texts(sent: list[Any]) -> str:
    return "\n".join(s.text for s in sent)


class Counting:
    """Counts what the person does: each typed answer and each button tap is one action."""

    def __init__(self, user: TestUser) -> None:
        self.user = user
        self.actions = 0

    async def send(self, text: str) -> list[Any]:
        self.actions += 1
        return await self.user.send(text)

    async def press(self, label: str) -> list[Any]:
        self.actions += 1
        return await self.user.press(label)


# --- the essentials: a valid archive in at most 8 actions after the name -------------------------------


async def test_essentials_save_a_valid_archive_in_seven_actions(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    replies = await teacher.send("/register")
    assert "开始登记" in replies[0].text and "先填 7 项必填信息" in replies[0].text
    assert "(1/7) 请输入姓名 *" in replies[1].text
    assert not replies[1].buttons()  # a required field has no skip button
    await teacher.send("张小明")
    person = Counting(teacher)
    assert "(2/7) 请选择性别 *" in teacher.last_text
    await person.press("女")
    assert "(3/7)" in teacher.last_text
    sent = await person.send("2015年3月8日")
    assert "(5/7) 请选择外出务工情况 *" in texts(sent)  # the class fills itself in: one class
    await person.press("母亲外出")
    assert "(6/7) 留一个能联系到家人的电话 *" in teacher.last_text
    assert not any("跳过" in b["text"] for b in teacher.last.buttons())
    await person.press("第二监护人的电话")
    assert "联系电话" in teacher.inbox[-2].text and "第二监护人的电话" in teacher.inbox[-2].text
    assert "(6/7) 请输入第二监护人电话 *" in teacher.last_text and not teacher.last.buttons()
    sent = await person.send("(0718)7654321")
    assert "(7/7) 请选择寄宿 *" in texts(sent)
    await person.press("走读")
    review = teacher.last_text
    assert "请核对联系卡" in review and "待补充" in review and "外出时间" in review
    assert "🔒 标记的除外" in review and "学校备注 🔒" in review  # says what the family will see
    assert [b["text"] for b in teacher.last.buttons()] == ["✅ 确认保存", "➕ 继续补充", "✏️ 修改"]
    await person.press("确认保存")
    assert "已保存 张小明 的档案" in teacher.last_text and "待补充" in teacher.last_text
    assert person.actions == 7 <= 8
    row = (await child_rows(harness))[0]
    assert (row["name"], row["sex"], row["birth_date"], row["parents_away"], row["boarding"]) == (
        "张小明",
        "female",
        "2015-03-08",
        "mother",
        "no",
    )
    assert row["guardian_phone"] == "07187654321" and row["father_phone"] is None and row["notes"] is None
    assert await register_state(harness, TEACHER_ID) is None


async def test_essentials_with_a_class_to_choose_take_eight_actions(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, TEACHER_ID, "三年级 2班")
    code = await invite_staff(admin, "班主任", "五年级 3班")
    await teacher.send(f"/start {code}")
    await teacher.send("/register")
    await teacher.send("张小明")
    person = Counting(teacher)
    await person.press("男")
    await person.send("2015-03-08")
    assert "(4/7) 请选择班级 *" in teacher.last_text
    await person.press("五年级3班")
    await person.press("父亲外出")
    await person.press("母亲的电话")
    await person.send("13812345678")
    await person.press("已寄宿")
    await person.press("确认保存")
    assert "已保存" in teacher.last_text
    assert person.actions == 8
    row = (await child_rows(harness))[0]
    assert (row["mother_phone"], row["boarding"]) == ("13812345678", "yes")


# --- the whole archive, every field typed -------------------------------------------------------------

FULL_REGISTRATION_ACTIONS = 30  # after the typed name, one class; README.md says so where /register is described


async def test_every_field_typed_and_saved(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    assert "(2/7) 请选择性别" in texts(await teacher.send("  张<小明>  "))
    person = Counting(teacher)
    await person.press("女")
    assert "性别" in teacher.inbox[-2].text or "女" in teacher.inbox[-2].text  # the choice is confirmed in place
    await person.send("2015年3月8日")
    await person.press("母亲外出")
    await person.press("父亲的电话")
    await person.send("+86 138-1234-5678")
    await person.press("已寄宿")
    assert "请核对联系卡" in teacher.last_text
    await person.press("继续补充")
    assert "👧 孩子 (1/5) 请输入外出时间" in teacher.last_text
    answers = [
        ("２０２０/１/２", "👧 孩子 (2/5) 请输入性格"),  # full-width digits, as Chinese keyboards type them
        ("内向，爱笑", "(3/5)"),
        ("画画", "(4/5)"),
        ("跑步", "(5/5) 请输入身体状况"),
        ("良好", "👨‍👩‍👧 父母 (1/6) 请输入父亲姓名"),
        ("张大山", "(2/6)"),
        ("广东东莞", "(4/6) 请输入母亲姓名"),  # the father's phone is already in: not asked again
        ("李秀英", "(5/6)"),
        ("浙江义乌", "(6/6) 请输入母亲电话"),
        ("0718-1234567", "🏠 第二监护人 (1/4)"),
        ("张奶奶", "(2/4) 请输入第二监护人与孩子关系"),
        ("祖母", "(3/4)"),
        ("湖北省利川市某村 3 组", "(4/4)"),
        ("(0718)7654321", "🏫 学校 (1/1) 请输入学校备注"),
    ]
    for text, next_prompt in answers:
        sent = await person.send(text)
        assert next_prompt in texts(sent), (text, texts(sent))
    assert "仅学校可见" in teacher.last_text  # the notes question says the family will not see them
    assert "🏛 民政登记信息 (1/7) 请输入民族" in texts(await person.send("喜欢 & 擅长 <b>画画</b>"))
    await person.send("土家族")
    assert "(2/7) 请输入身份证号" in teacher.last_text
    assert "不是有效的身份证号" in texts(await teacher.send("422802201503080021"))  # a wrong check character
    await person.send("4228 0220 1503 0800 20")
    await person.send("湖北省利川市")
    await person.press("健康")
    await person.press("监护情况较好")
    await person.press("较好")
    review = texts(await person.send("低保"))
    assert "请核对联系卡" in review and "待补充" not in review
    assert "4228**********0020" in review and "422802201503080020" not in review
    assert "张&lt;小明&gt;" in review and "&amp;" in review and "&lt;b&gt;画画" in review  # escaped, not markup
    assert "2015-03-08" in review and "三年级2班" in review and "母亲外出" in review
    assert not any("继续补充" in b["text"] for b in teacher.last.buttons())  # nothing left to add
    await person.press("确认保存")
    assert "已保存" in teacher.last_text and "待补充" not in teacher.last_text
    assert person.actions == FULL_REGISTRATION_ACTIONS

    rows = await child_rows(harness)
    assert len(rows) == 1
    row = rows[0]
    assert row["name"] == "张<小明>"
    assert row["sex"] == "female"
    assert row["birth_date"] == "2015-03-08"
    assert row["away_since"] == "2020-01-02"
    assert row["parents_away"] == "mother"
    assert row["father_phone"] == "13812345678"
    assert row["mother_phone"] == "0718-1234567"
    assert row["guardian_phone"] == "07187654321"
    assert row["guardian_relation"] == "祖母"
    assert row["boarding"] == "yes"
    assert row["notes"] == "喜欢 & 擅长 <b>画画</b>"
    assert (row["ethnicity"], row["household_registration"], row["assistance"]) == ("土家族", "湖北省利川市", "低保")
    assert (row["illness_disability"], row["guardianship_type"], row["guardianship_assessment"]) == (
        "healthy",
        "good",
        "good",
    )
    assert row["id_number"] == "4228**********0020" and "422802201503080020" not in str(row["id_number_sealed"])
    audit = await harness.fetchall("SELECT actor_id, action, child_id, detail FROM audit_log WHERE action = 'create'")
    assert [(a["actor_id"], a["child_id"], a["detail"]) for a in audit] == [(TEACHER_ID, row["id"], "")]
    # The flow is over: its draft and state are gone.
    assert await register_state(harness, TEACHER_ID) is None
    data = await harness.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (TEACHER_ID,))
    assert data is None or "register_draft" not in data


async def test_a_section_is_skipped_at_once(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await to_review(teacher)
    await teacher.press("继续补充")
    await teacher.send("2020-09-01")  # away since
    assert "👧 孩子 (2/5) 请输入性格" in teacher.last_text
    await teacher.press("跳过本部分")  # personality … health
    assert "👨‍👩‍👧 父母 (1/6) 请输入父亲姓名" in teacher.last_text
    await teacher.send("张大山")
    await teacher.press("跳过本部分")
    assert "🏠 第二监护人 (1/4)" in teacher.last_text
    await teacher.press("跳过本部分")
    assert "🏫 学校 (1/1)" in teacher.last_text
    await teacher.press("跳过")
    assert "🏛 民政登记信息 (1/7)" in teacher.last_text
    await teacher.press("跳过本部分")
    assert "请核对联系卡" in teacher.last_text and "待补充" in teacher.last_text
    assert any("继续补充" in b["text"] for b in teacher.last.buttons())  # still something to add
    await teacher.press("确认保存")
    row = (await child_rows(harness))[0]
    assert (row["away_since"], row["personality"], row["father_name"], row["father_work_place"]) == (
        "2020-09-01",
        None,
        "张大山",
        None,
    )
    assert row["father_phone"] == "13812345678" and row["guardian_name"] is None and row["notes"] is None


async def test_adding_more_twice_asks_only_what_is_still_empty(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await to_review(teacher)
    await teacher.press("继续补充")
    await teacher.send("2020-09-01")
    for _ in range(3):
        await teacher.press("跳过本部分")
    await teacher.press("跳过")
    await teacher.press("跳过本部分")  # the civil-affairs fields
    await teacher.press("继续补充")
    assert "👧 孩子 (2/5) 请输入性格" in teacher.last_text  # away since is filled in: passed
    await teacher.send("开朗")
    await teacher.press("跳过本部分")
    await teacher.press("跳过本部分")
    await teacher.press("跳过本部分")
    await teacher.send("班干部")  # notes
    await teacher.press("跳过本部分")
    await teacher.press("确认保存")
    row = (await child_rows(harness))[0]
    assert (row["away_since"], row["personality"], row["notes"]) == ("2020-09-01", "开朗", "班干部")


# --- validation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2015-3", "日期格式不对"),
        ("三月八号", "日期格式不对"),
        ("08/03/2015", "日期格式不对"),
        ("2015-02-30", "这个日期不存在"),
        ("2015-13-01", "这个日期不存在"),
        ("2026-03-03", "日期不能晚于今天"),  # tomorrow in Shanghai
        ("2099-01-01", "日期不能晚于今天"),
        ("2025-06-01", "出生日期太近了"),
        ("1990-05-05", "这个日期太早了"),
    ],
)
async def test_bad_birth_dates(harness: Harness, typed: str, expected: str) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    await teacher.send("张小明")
    await teacher.press("男")
    sent = await teacher.send(typed)
    assert len(sent) == 1 and expected in sent[0].text
    assert "例如" in sent[0].text or "请" in sent[0].text  # says what is expected
    # Still on the same step: a good date moves on.
    assert "(5/7)" in texts(await teacher.send("2015-03-08"))


async def test_bad_text_phone_and_date_fields(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    assert "内容不能为空" in texts(await teacher.send("   "))
    assert "内容太长了" in texts(await teacher.send("张" * 41))
    await teacher.send("张" * 40)  # the longest name accepted
    await teacher.press("男")
    assert "日期不能晚于今天" in texts(await teacher.send("2026-03-09"))
    await teacher.send("2015-03-08")
    await teacher.press("父亲外出")
    await teacher.press("父亲的电话")
    assert "(6/7) 请输入父亲电话" in teacher.last_text
    for bad in ("12345", "138123456789", "23812345678", "abc", "1381234567x", "+1 212 555 0100"):
        sent = await teacher.send(bad)
        assert len(sent) == 1 and "电话号码格式不对" in sent[0].text and "13812345678" in sent[0].text, bad
    assert "(7/7)" in texts(await teacher.send("13812345678"))
    await teacher.press("走读")
    await teacher.press("继续补充")
    assert "日期不能晚于今天" in texts(await teacher.send("2030-01-01"))  # away since
    assert "这个日期不存在" in texts(await teacher.send("2020-02-30"))
    await teacher.send("2019-02-28")
    assert "内容太长了" in texts(await teacher.send("好" * 501))  # personality: long text, 500 max
    assert "(3/5)" in texts(await teacher.send("好" * 500))
    rows = await child_rows(harness)
    assert rows == []  # nothing is stored before the confirmation


async def test_typed_text_where_buttons_are_expected(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    await teacher.send("张小明")
    sent = await teacher.send("男")
    assert "请点选上面的按钮" in texts(sent)
    await teacher.press("男")
    await teacher.send("2015-03-08")
    assert "请点选" in texts(await teacher.send("父母都出去了"))
    await teacher.press("父母都外出")
    assert "(6/7)" in teacher.last_text
    sent = await teacher.send("13812345678")  # whose phone it is comes first, on buttons
    assert "请点选" in texts(sent) and "(6/7) 留一个" in sent[-1].text and sent[-1].buttons()


async def test_stickers_photos_voice_and_commands_mid_flow(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    # A text step: the hint says to type, and the question is asked again.
    for stray in (teacher.send_sticker, teacher.send_photo, teacher.send_voice):
        sent = await stray()
        assert "请输入文字回答" in sent[0].text and "(1/7) 请输入姓名" in sent[-1].text
    sent = await teacher.send("/nonsense")
    assert len(sent) == 1 and "您正在进行登记孩子" in sent[0].text
    sent = await teacher.send("/child 张")  # a real command of another feature waits until the form is done
    assert "您正在进行登记孩子" in texts(sent)
    await teacher.send("张小明")
    # A button step: the hint says to tap.
    for stray in (teacher.send_sticker, teacher.send_photo, teacher.send_voice):
        assert "请点选上面消息中的按钮" in texts(await stray())
    await teacher.press("男")
    # The review: stray input points at the buttons.
    await teacher.send("2015-03-08")
    await teacher.press("父母都外出")
    await teacher.press("父亲的电话")
    assert "请输入文字回答" in texts(await teacher.send_sticker())  # the phone is typed
    await teacher.send("13812345678")
    await teacher.press("走读")
    assert "请点选上面消息中的按钮" in texts(await teacher.send_sticker())
    assert "请点选上面消息中的按钮" in texts(await teacher.send("好的"))
    await teacher.press("确认保存")
    assert len(await child_rows(harness)) == 1


# --- skip, required, edit from the review --------------------------------------------------------------


async def test_optional_fields_skip_required_cannot(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    nonce = await _nonce(harness)
    await teacher.press_data(f"reg:s:{nonce}:0", message=teacher.last)  # forged skip of the name
    assert teacher.alerts()[-1] == "这一项必须填写。"
    assert await register_state(harness, TEACHER_ID) is not None
    await teacher.send("张小明")
    await teacher.press_data(f"reg:s:{nonce}:1", message=teacher.last)  # forged skip of sex
    assert teacher.alerts()[-1] == "这一项必须填写。"
    await teacher.press_data(f"reg:ss:{nonce}:1", message=teacher.last)  # forged skip of the whole section
    assert teacher.alerts()[-1] == "这一项必须填写。"
    assert "(2/7)" in teacher.last_with_buttons().text
    await teacher.press("女")
    await teacher.send("2015-03-08")
    await teacher.press("父亲外出")
    await teacher.press_data(f"reg:s:{nonce}:5", message=teacher.last)  # forged skip of the contact phone
    assert teacher.alerts()[-1] == "这一项必须填写。"
    await teacher.press("母亲的电话")
    await teacher.send("13812345678")
    assert "(7/7) 请选择寄宿 *" in teacher.last_text
    assert all("跳过" not in b["text"] for b in teacher.last.buttons())
    await teacher.press("申请寄宿")
    await teacher.press("继续补充")
    assert {"跳过 ⏭", "跳过本部分 ⏭⏭"} <= {b["text"] for b in teacher.last.buttons()}
    await teacher.press("跳过")  # away since
    assert "👧 孩子 (2/5)" in teacher.last_text
    for _ in range(4):
        await teacher.press("跳过")
    assert "👨‍👩‍👧 父母 (1/6)" in teacher.last_text
    for _ in range(5):  # the mother's phone is in already
        await teacher.press("跳过")
    for _ in range(4):
        await teacher.press("跳过")
    await teacher.press("跳过")  # notes
    await teacher.press("跳过本部分")  # the civil-affairs fields
    assert "请核对联系卡" in teacher.last_text
    await teacher.press("确认保存")
    row = (await child_rows(harness))[0]
    assert row["away_since"] is None and row["personality"] is None and row["notes"] is None
    assert row["boarding"] == "requested" and row["mother_phone"] == "13812345678"


async def _nonce(h: Harness) -> str:
    data = await h.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (TEACHER_ID,))
    import json

    return str(json.loads(data)["register_draft"]["nonce"])


async def test_edit_from_the_review(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await to_review(teacher)
    await teacher.press("修改")
    assert "要修改哪一项" in teacher.last_text
    await teacher.press("姓名")
    assert "请输入姓名" in teacher.last_text
    assert "内容太长了" in texts(await teacher.send("王" * 41))  # validated as in the first pass
    sent = await teacher.send("王小明")
    assert "请核对联系卡" in texts(sent) and "王小明" in texts(sent)  # straight back to the review
    await teacher.press("修改")
    await teacher.press("性别")
    await teacher.press("女")
    assert "请核对联系卡" in teacher.last_text
    await teacher.press("修改")
    await teacher.press("父亲电话")
    await teacher.send("13900001111")
    await teacher.press("修改")
    await teacher.press("父亲电话")
    assert not any("本部分" in b["text"] for b in teacher.last.buttons())  # one field, not its section
    await teacher.press("跳过")  # an optional field can be emptied again from the review
    assert "请核对联系卡" in teacher.last_text
    await teacher.press("修改")
    await teacher.press("出生日期")
    assert "日期不能晚于今天" in texts(await teacher.send("2027-01-01"))
    await teacher.send("2014-12-31")
    sent = await teacher.press("确认保存")  # no phone is left: the contact is asked again
    assert "还有必填项没有填写：联系电话" in texts(sent) and "(6/7) 留一个" in sent[-1].text
    await teacher.press("母亲的电话")
    await teacher.send("13900002222")
    assert "请核对联系卡" in teacher.last_text  # the other essentials are in: straight to the review
    await teacher.press("确认保存")
    row = (await child_rows(harness))[0]
    assert (row["name"], row["sex"], row["birth_date"], row["father_phone"], row["mother_phone"]) == (
        "王小明",
        "female",
        "2014-12-31",
        None,
        "13900002222",
    )


# --- cancel ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["name", "choice", "optional", "review", "edit_menu", "duplicate"])
async def test_cancel_at_several_steps(harness: Harness, where: str) -> None:
    teacher = await setup_teacher(harness)
    if where == "duplicate":
        await register_child(teacher)
        await to_review(teacher)
        await teacher.press("确认保存")
        assert "同名同生日" in teacher.last_text
    elif where in ("review", "edit_menu"):
        await to_review(teacher)
        if where == "edit_menu":
            await teacher.press("修改")
    else:
        await teacher.send("/register")
        if where in ("choice", "optional"):
            await teacher.send("张小明")
        if where == "optional":
            await teacher.press("男")
            await teacher.send("2015-03-08")
            await teacher.press("父母都外出")
            await teacher.press("父亲的电话")
            await teacher.send("13812345678")
            await teacher.press("走读")
            await teacher.press("继续补充")
    before = len(await child_rows(harness))
    sent = await teacher.send("/cancel")
    assert [s.text for s in sent] == ["已取消，什么都没有保存。"]
    assert len(await child_rows(harness)) == before
    assert await register_state(harness, TEACHER_ID) is None
    # Afterwards: plain talk is not taken as an answer, /cancel has nothing to cancel, /register starts afresh.
    assert "无法理解" in texts(await teacher.send("张小明"))
    assert "没有进行中的操作" in texts(await teacher.send("/cancel"))
    assert "(1/7)" in texts(await teacher.send("/register"))


# --- duplicates, double taps, stale buttons ---------------------------------------------------------------


async def test_duplicate_asks_no_saves_nothing_yes_saves_second(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    first = await register_child(teacher, "张小明", "2015-03-08")
    await to_review(teacher, "张小明", "2015-03-08")
    await teacher.press("确认保存")
    assert "同名同生日" in teacher.last_text and f"编号 {first}" in teacher.last_text
    await teacher.press("不建了")
    assert "已取消" in teacher.last_text
    assert len(await child_rows(harness)) == 1
    await to_review(teacher, "张小明", "2015-03-08")
    await teacher.press("确认保存")
    duplicate_question = teacher.last_with_buttons()
    create_anyway = next(b["callback_data"] for b in duplicate_question.buttons() if "仍然新建" in b["text"])
    await teacher.press("仍然新建")
    assert "已保存" in teacher.last_text
    rows = await child_rows(harness)
    assert [r["name"] for r in rows] == ["张小明", "张小明"]
    # Tapping "create anyway" again on the same question saves nothing more.
    await teacher.press_data(create_anyway, message=duplicate_question)
    assert teacher.alerts()[-1] == "已经保存过了，不用再点。"
    assert len(await child_rows(harness)) == 2
    # Same name, another birth date: no question.
    await to_review(teacher, "张小明", "2016-01-01")
    await teacher.press("确认保存")
    assert "已保存" in teacher.last_text
    assert len(await child_rows(harness)) == 3


async def test_double_tap_on_save_stores_one_record(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await to_review(teacher)
    review = teacher.last_with_buttons()
    save = next(b["callback_data"] for b in review.buttons() if "确认保存" in b["text"])
    # The taps all leave the phone before the first answer edits the message away.
    for _ in range(3):
        await teacher.press_data(save, message=review)
    assert len(await child_rows(harness)) == 1
    assert teacher.alerts()[-1] == "已经保存过了，不用再点。"
    created = await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'create'")
    assert created == 1


async def test_stale_buttons_from_an_earlier_registration(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    await teacher.send("张小明")
    old_sex_question = teacher.last_with_buttons()
    await teacher.send("/cancel")
    await teacher.press("男", message=old_sex_question)  # no flow at all now
    assert teacher.alerts()[-1].startswith("这个按钮已经失效")
    await teacher.send("/register")
    await teacher.send("李小红")
    await teacher.press("女", message=old_sex_question)  # a flow, but another form
    assert teacher.alerts()[-1].startswith("这个按钮已经失效")
    assert "(2/7)" in teacher.last_text  # still asking the sex of the new form
    new_sex_question = teacher.last_with_buttons()
    boy = next(b["callback_data"] for b in new_sex_question.buttons() if b["text"] == "男")
    await teacher.press("女")
    await teacher.press_data(boy, message=new_sex_question)  # this form, but an earlier step
    assert teacher.alerts()[-1].startswith("这个按钮已经失效")
    await teacher.send("2015-03-08")
    await teacher.press("父亲外出")
    contact_question = teacher.last_with_buttons()
    mother = next(b["callback_data"] for b in contact_question.buttons() if "母亲" in b["text"])
    await teacher.press("父亲的电话")
    await teacher.press_data(mother, message=contact_question)  # whose phone was answered already
    assert teacher.alerts()[-1].startswith("这个按钮已经失效")
    await teacher.send("13812345678")
    await teacher.press("走读")
    await teacher.press("确认保存")
    rows = await child_rows(harness)
    assert [(r["name"], r["sex"], r["father_phone"]) for r in rows] == [("李小红", "female", "13812345678")]
    # A forged class id (another class, or nonsense) is refused.
    await teacher.send("/register")
    nonce = await _nonce(harness)
    for data in (f"reg:p:{nonce}:1:alien", f"reg:ok:{nonce}x", "reg:ef:zzz:0", "reg:dy:zzz"):
        await teacher.press_data(data, message=teacher.last)
    assert "(1/7)" in teacher.last_text
    assert len(await child_rows(harness)) == 1


async def test_forged_class_is_refused(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, TEACHER_ID, "三年级 2班")
    await make_head_teacher(harness, admin, 2002, "四年级 1班")
    # A second class for our teacher makes the class a button step.
    code = await invite_staff(admin, "班主任", "五年级 3班")
    await teacher.send(f"/start {code}")
    other_class = await harness.fetchval("SELECT id FROM classes WHERE name = '1班'")
    await teacher.send("/register")
    await teacher.send("张小明")
    await teacher.press("男")
    await teacher.send("2015-03-08")
    assert "(4/7) 请选择班级" in teacher.last_text
    labels = sorted(b["text"] for b in teacher.last.buttons())
    assert labels == ["三年级2班", "五年级3班"]
    nonce = await _nonce(harness)
    await teacher.press_data(f"reg:p:{nonce}:3:{other_class}", message=teacher.last)
    assert "没有权限" in teacher.last_text
    await teacher.press("五年级3班")
    assert "(5/7)" in teacher.last_text and any("班级</b>：五年级3班" in m.text for m in teacher.inbox)


# --- restarts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["restart", "crash_restart"])
async def test_restart_in_the_middle_resumes_at_the_same_step(harness: Harness, how: str) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    await teacher.send("张小明")
    await teacher.press("女")
    await teacher.send("2015-03-08")
    await teacher.press("母亲外出")
    await getattr(harness, how)()
    await teacher.press("母亲的电话")
    await getattr(harness, how)()
    assert "(7/7)" in texts(await teacher.send("13812345678"))  # resumes at the phone, not at the start
    await teacher.press("走读")
    await getattr(harness, how)()
    await teacher.press("继续补充")  # the review's buttons still work after the restart
    await teacher.send("2020-09-01")
    await getattr(harness, how)()
    assert "(3/5)" in texts(await teacher.send("内向"))
    await getattr(harness, how)()
    for _ in range(3):
        await teacher.press("跳过本部分")
    await getattr(harness, how)()
    await teacher.press("跳过")
    await getattr(harness, how)()
    await teacher.press("跳过本部分")  # the civil-affairs fields
    await teacher.press("确认保存")
    rows = await child_rows(harness)
    assert len(rows) == 1
    row = rows[0]
    assert (row["name"], row["sex"], row["parents_away"], row["away_since"], row["personality"]) == (
        "张小明",
        "female",
        "mother",
        "2020-09-01",
        "内向",
    )
    assert row["mother_phone"] == "13812345678"


async def test_restart_keeps_the_edit_from_review(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await to_review(teacher)
    await teacher.press("修改")
    await teacher.press("姓名")
    await harness.crash_restart()
    sent = await teacher.send("王小明")
    assert "请核对联系卡" in texts(sent) and "王小明" in texts(sent)
    await harness.restart()
    await teacher.press("确认保存")
    assert [r["name"] for r in await child_rows(harness)] == ["王小明"]


# --- the timeout -------------------------------------------------------------------------------------------


async def test_timeout_ends_an_abandoned_registration_politely(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    await teacher.send("张小明")
    register = conversation_named(harness, "register")
    assert register.conversation_timeout == harness.config.conversation.timeout_minutes * 60
    job = register.timeout_jobs[(TEACHER_ID, TEACHER_ID)]
    await job.run(harness.app)  # as if 30 minutes had passed
    sent = teacher.new_messages()
    assert [s.text for s in sent] == [
        "⏰ 由于长时间没有操作，本次登记孩子已自动结束，未保存任何内容。需要时请重新开始。"
    ]
    assert await register_state(harness, TEACHER_ID) is None
    data = await harness.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (TEACHER_ID,))
    assert data is None or "register_draft" not in data
    await harness.crash_restart()  # what was written is enough: no half flow comes back
    # The old form's buttons are dead; a new registration starts from the beginning.
    await teacher.press("男")
    assert teacher.alerts()[-1].startswith("这个按钮已经失效")
    assert "无法理解" in texts(await teacher.send("2015-03-08"))
    assert "(1/7)" in texts(await teacher.send("/register"))
    assert await child_rows(harness) == []


async def test_activity_postpones_the_timeout(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await teacher.send("/register")
    register = conversation_named(harness, "register")
    first_job = register.timeout_jobs[(TEACHER_ID, TEACHER_ID)]
    await teacher.send("张小明")
    await first_job.run(harness.app)  # the old timer fires late: it must not end the live form
    assert "(2/7)" in teacher.last_text
    await teacher.press("男")
    assert "(3/7)" in teacher.last_text


# --- editing a card afterwards ------------------------------------------------------------------------


async def test_head_teacher_edits_a_card(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    child_id = await register_child(teacher)
    await teacher.send("/child 小明")
    assert "联系卡 · 张小明" in teacher.last_text
    await teacher.press("修改")
    assert "要修改 张小明 的哪一项" in teacher.last_text
    await teacher.press("父亲电话")
    assert "请输入新的父亲电话" in teacher.last_text
    assert "电话号码格式不对" in texts(await teacher.send("12345"))
    sent = await teacher.send("13812345678")
    assert "已更新 张小明 的父亲电话" in texts(sent) and "13812345678" in sent[-1].text
    await teacher.press("修改", message=sent[-1])
    await teacher.press("性别")
    await teacher.press("女")
    assert "已更新 张小明 的性别" in texts(teacher.inbox[-2:])
    await teacher.press("修改", message=teacher.last)
    await teacher.press("姓名")
    assert not any("清空" in b["text"] for b in teacher.last.buttons())  # a required field cannot be cleared
    await teacher.press_data(f"ce:c:{child_id}:0", message=teacher.last)  # forged clear
    assert "不能清空" in teacher.last_text
    await teacher.send("张晓明")
    await teacher.press("修改", message=teacher.last)
    await teacher.press("父亲电话")
    await teacher.press("清空此项")
    row = (await child_rows(harness))[0]
    assert (row["name"], row["sex"], row["father_phone"]) == ("张晓明", "female", None)
    edits = await harness.fetchall(
        "SELECT actor_id, detail FROM audit_log WHERE action = 'edit' AND child_id = ? ORDER BY id", (child_id,)
    )
    assert [(e["actor_id"], e["detail"]) for e in edits] == [
        (TEACHER_ID, "father_phone"),
        (TEACHER_ID, "sex"),
        (TEACHER_ID, "name"),
        (TEACHER_ID, "father_phone"),
    ]
    details = " ".join(e["detail"] for e in edits)
    assert "138" not in details and "张" not in details  # names fields, never values


async def test_card_edit_cancel_and_stray_input(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await register_child(teacher)
    await teacher.send("/child 小明")
    await teacher.press("修改")
    await teacher.press("出生日期")
    assert "日期不能晚于今天" in texts(await teacher.send("2099-01-01"))
    assert "请输入文字" in texts(await teacher.send_sticker())
    assert "您正在进行另一项操作（修改联系卡）" in texts(await teacher.send("/register"))
    assert "已取消" in texts(await teacher.send("/cancel"))
    assert (await child_rows(harness))[0]["birth_date"] == "2015-03-08"
    assert "(1/7)" in texts(await teacher.send("/register"))  # no flow is left behind


async def test_the_card_lists_what_is_missing_and_the_edit_fills_it(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await register_child(teacher)
    (card,) = await teacher.send("/child 小明")
    missing = next(line for line in card.text.splitlines() if "待补充" in line)
    assert "外出时间" in missing and "学校备注" in missing and "父亲电话" not in missing
    await teacher.press("修改")
    labels = [b["text"] for b in teacher.last.buttons()]
    assert "＋性格" in labels and "父亲电话" in labels and "姓名" in labels  # what is empty is marked
    await teacher.press("＋性格")
    sent = await teacher.send("开朗")
    assert "已更新 张小明 的性格" in texts(sent)
    missing = next(line for line in sent[-1].text.splitlines() if "待补充" in line)
    assert "性格" not in missing and "外出时间" in missing
    await teacher.press("修改", message=sent[-1])
    await teacher.press("父亲电话")
    sent = await teacher.press("清空此项")
    assert "待补充</b>：联系电话" in sent[-1].text  # no phone reaches the family any more: said first


async def test_a_family_does_not_see_the_schools_notes(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await register_child(teacher)
    await teacher.send("/child 小明")
    await teacher.press("修改")
    await teacher.press("学校备注")
    await teacher.send("家中经济困难 需重点关注")
    code = await invite_parent(teacher, "张小明")
    parent = harness.user(4001, "张妈妈")
    await parent.send(f"/start {code}")
    (card,) = await parent.send("/child")
    assert "联系卡 · 张小明" in card.text and "父亲电话" in card.text and "13812345678" in card.text
    assert "学校备注" not in card.text and "经济困难" not in card.text
    assert "待补充" not in card.text and "🔒" not in card.text  # the school's bookkeeping is the school's
    teacher.new_messages()  # the note that the parent has joined
    (card,) = await teacher.send("/child 小明")
    assert "学校备注 🔒</b>：家中经济困难 需重点关注" in card.text and "仅学校可见" in card.text
    views = await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'view' AND actor_id = 4001")
    assert views == 1


@pytest.mark.parametrize("who", ["subject_teacher", "parent", "other_head_teacher"])
async def test_card_edit_refused(harness: Harness, who: str) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, TEACHER_ID)
    child_id = await register_child(teacher)
    if who == "subject_teacher":
        code = await invite_staff(admin, "科任教师", "三年级2班")
    elif who == "parent":
        code = await invite_parent(teacher, "张小明")
    else:
        code = await invite_staff(admin, "班主任", "四年级 1班")
    other = harness.user(4001, "某人")
    await other.send(f"/start {code}")
    await other.send("/child 张小明")
    if who != "other_head_teacher":
        assert "联系卡 · 张小明" in other.last_text
        assert not [b for b in other.last.buttons() if b["callback_data"].startswith("ce:")]  # no edit button
    for data in (f"ce:m:{child_id}", f"ce:f:{child_id}:0", f"ce:v:{child_id}:1:female", f"ce:c:{child_id}:12"):
        await other.press_data(data, message=other.last)
    assert "张小明" == (await child_rows(harness))[0]["name"]
    assert (await child_rows(harness))[0]["sex"] == "male"
    denied = await harness.fetchall(
        "SELECT detail FROM audit_log WHERE action = 'denied' AND actor_id = 4001 AND child_id = ?", (child_id,)
    )
    assert [d["detail"] for d in denied] == ["edit_card", "edit_card"]
    assert await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'edit'") == 0
    assert any("没有权限" in s.text for s in other.inbox)


# --- /mychildren -------------------------------------------------------------------------------------------


async def test_mychildren_lists_the_class(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    assert "没有负责的孩子" in texts(await teacher.send("/mychildren"))
    await register_child(teacher, "张小明", "2015-03-08")
    await register_child(teacher, "李小红", "2014-05-01")
    sent = await teacher.send("/mychildren")
    assert len(sent) == 1
    text = sent[0].text
    assert "<b>三年级2班</b> · 共 2 人" in text
    assert "• 李小红，11 岁，父母都外出" in text and "• 张小明，10 岁，父母都外出" in text
    admin = harness.user(ADMIN_ID)
    assert "共 2 人" in texts(await admin.send("/mychildren"))
    stranger = harness.user(9999, "路人")
    assert "没有负责的孩子" in texts(await stranger.send("/mychildren"))


async def test_mychildren_paginates(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    class_id = await harness.fetchval("SELECT id FROM classes")
    for i in range(45):
        await harness.db.execute(
            "INSERT INTO children (name, sex, birth_date, class_id, parents_away, created_at, updated_at) "
            "VALUES (?, 'male', '2015-01-01', ?, 'both', '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
            (f"孩子{i:02d}", class_id),
        )
    sent = await teacher.send("/mychildren")
    assert "第 1/2 页" in sent[0].text and len(sent[0].text) <= 4096
    await teacher.press("下一页")
    assert "第 2/2 页" in teacher.last_text and "孩子44" in teacher.last_text
    await teacher.press("上一页")
    assert "第 1/2 页" in teacher.last_text and "孩子00" in teacher.last_text


async def test_an_edited_earlier_answer_is_not_taken_as_the_current_one(harness: Harness) -> None:
    teacher = await setup_teacher(harness)
    await to_review(teacher)
    await teacher.press("继续补充")
    await teacher.press("跳过")
    assert "👧 孩子 (2/5) 请输入性格" in teacher.last_text
    # The teacher corrects the name message sent earlier; Telegram sends it as an edited message.
    edited = teacher._base_message() | {"text": "王小明", "edit_date": int(harness.clock().timestamp())}
    await harness.feed({"edited_message": edited})
    sent = teacher.new_messages()
    assert [s.text for s in sent] == [
        "修改过的消息不会被重新处理。如需更正，请重新发送；登记孩子时也可以在核对联系卡时点「修改」。"
    ]
    await teacher.send("开朗")  # still the personality step
    data = await harness.fetchval("SELECT data FROM ptb_user_data WHERE user_id = ?", (TEACHER_ID,))
    assert '"personality": "开朗"' in data and "王小明" not in data
