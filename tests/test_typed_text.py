"""Typed text is stored and shown as typed: full-width punctuation, emoji (with joiners and variation selectors),
mixed scripts in every free-text field; line ends normalised, control characters refused politely. Widths are
folded only where a value is parsed (dates, phones, class labels)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.validation import InvalidInput, clean_text, parse_class_label, parse_phone
from tests.harness import Harness, TestUser
from tests.test_safety_school import ADMIN_IDS, School, build_school, queued

# Full-width punctuation, a ZWJ family, a heart with its variation selector, Latin with a diaeresis, half-width
# katakana and full-width Latin (both of which NFKC would rewrite), Cyrillic, a keycap sequence.
TYPED = "内向，懂事？👨‍👩‍👧❤️ Zoë ｶﾀｶﾅ（ＡＢ）Мила 1️⃣"
CONTROL = "请注意\x07这里"
REFUSED = "看不见的控制字符"


def typed(tag: str) -> str:
    """TYPED with a tag, so each field's value is told apart from the others."""
    return f"{tag}：{TYPED}"


@pytest.fixture
async def school(tmp_path: Path) -> AsyncIterator[School]:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        yield await build_school(h)


def shown(person: TestUser, since: int) -> str:
    return "\n".join(m.text for m in person.inbox[since:])


# --- the one cleaner and the parsers ----------------------------------------------------------------------


def test_clean_text_keeps_every_character_and_normalises_line_ends() -> None:
    assert clean_text(f"  {TYPED}\r\n第二行\r第三行\u2028第四行 \n", max_length=200) == (
        f"{TYPED}\n第二行\n第三行\n第四行"
    )
    assert "\u200d" in clean_text(TYPED, max_length=100) and "\ufe0f" in clean_text(TYPED, max_length=100)
    assert clean_text("a\tb", max_length=5) == "a\tb"  # a tab is kept
    for bad in ("a\x00b", "a\x1bb", "a\x7fb", "a\x9bb", "a\ud800b"):
        with pytest.raises(InvalidInput) as refused:
            clean_text(bad, max_length=10)
        assert refused.value.reason == "invalid.control"
    with pytest.raises(InvalidInput):
        clean_text(" \r\n ", max_length=10)


def test_parsers_still_fold_widths() -> None:
    assert parse_class_label("三年级　２班") == ("三年级", "2班")
    assert parse_phone("１３８ １２３４ ５６７８") == "13812345678"


# --- every free-text field, through the real flows -------------------------------------------------------


async def test_register_and_card_edit_keep_typed_text(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/register")
    await head.send(f"{TYPED[:6]}小芳")  # the name is free text too: "内向，懂事？小芳"
    await head.press("女")
    await head.send("２０１５年３月８日")  # a date: full-width digits are read
    if "班级" in head.last_text:
        await head.press(head.last_with_buttons().buttons()[0]["text"])
    await head.press("父母都外出")
    await head.press("父亲的电话")
    await head.send("１３８ １２３４ ５６７８")  # a phone: full-width digits are read
    await head.press("走读")
    await head.press("继续补充")
    await head.press("跳过")  # away since
    await head.send(typed("性格"))  # personality
    await head.send(CONTROL)  # interests: refused, still asked
    assert REFUSED in head.last_text
    await head.send(typed("兴趣"))
    await head.press("跳过")  # strengths
    for _section in ("health", "parents", "second guardian"):
        await head.press("跳过本部分")
    await head.send(f"{typed('备注')}\r\n第二行")  # notes
    await head.send(typed("民族"))  # the civil-affairs fields: ethnicity typed as it is
    await head.press("跳过本部分")
    review = head.last_text
    assert "请核对联系卡" in review and typed("性格") in review and f"{typed('备注')}\n第二行" in review
    await head.press("确认保存")
    child_id = int(re.search(r"编号 (\d+)", head.last_text)[1])  # type: ignore[index]
    row = (await school.h.fetchall("SELECT * FROM children WHERE id = ?", (child_id,)))[0]
    assert (row["name"], row["birth_date"]) == ("内向，懂事？小芳", "2015-03-08")
    assert row["ethnicity"] == typed("民族")
    assert (row["personality"], row["interests"], row["notes"]) == (
        typed("性格"),
        typed("兴趣"),
        f"{typed('备注')}\n第二行",
    )
    # A card edit: the personality again, typed anew.
    await head.press_data(f"ce:m:{child_id}", message=head.last)
    await head.press("性格")
    edited = "\n".join(m.text for m in await head.send(typed("新性格")))
    assert "已更新" in edited and typed("新性格") in edited  # the card shown after the edit
    assert await school.h.fetchval("SELECT personality FROM children WHERE id = ?", (child_id,)) == typed("新性格")


async def test_checkin_and_visit_keep_typed_text(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/checkin 张小明")
    await head.press("逐项评价")
    for rating in ("好", "好", "好", "好"):
        await head.press(rating)
    await head.send(CONTROL)
    assert REFUSED in head.last_text
    await head.send(typed("近况"))
    assert typed("近况") in head.last_text  # the review shows it as typed
    await head.press("确认保存")
    assert await school.h.fetchval("SELECT note FROM checkins") == typed("近况")

    await head.send("/visit 张小明")
    await head.press("家访")
    await head.press("今天")
    await head.send(typed("参与"))
    await head.send(typed("家访"))
    await head.press("不需要")
    review = head.last_text
    assert typed("参与") in review and typed("家访") in review
    await head.press("确认保存")
    rows = await school.h.fetchall("SELECT participants, notes FROM visits")
    assert [(r["participants"], r["notes"]) for r in rows] == [(typed("参与"), typed("家访"))]


async def test_concern_counsel_and_parent_note_keep_typed_text(school: School) -> None:
    subject = school.people["subject_teacher"]
    await subject.send("/concern")
    await subject.send("张小明")
    await subject.press("独自生活")
    await subject.send(typed("情况"))
    await subject.press("今天")
    assert "已上报" in subject.last_text
    assert await school.h.fetchval("SELECT description FROM concerns") == typed("情况")
    (alert,) = await queued(school.h, ADMIN_IDS[0], "safety")
    assert typed("情况") in alert.text  # the urgent alert quotes it as typed

    counsellor = school.people["counsellor"]
    await counsellor.send("/counsel 张小明")
    await counsellor.press("记录一次辅导")
    await counsellor.press("今天")
    await counsellor.send(typed("主题"))
    await counsellor.send(typed("辅导"))
    await counsellor.press("跳过")
    await counsellor.press("完全保密")
    assert "辅导记录已保存" in counsellor.last_text
    row = (await school.h.fetchall("SELECT topic, notes FROM counselling_sessions"))[0]
    assert (row["topic"], row["notes"]) == (typed("主题"), typed("辅导"))
    since = len(counsellor.inbox)
    await counsellor.send("/counsel 张小明")
    assert typed("主题") in shown(counsellor, since)

    head = school.people["head_teacher"]
    await head.send("/parentnote")
    await head.press("张小明")
    await head.send(CONTROL)
    assert REFUSED in head.last_text
    await head.send(typed("家长"))
    assert "已保存" in head.last_text
    assert await school.h.fetchval("SELECT text FROM parent_notes") == typed("家长")
