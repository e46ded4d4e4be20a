"""Small answers a new user noticed: a second tap on a save button says it is saved; a forged id tells nobody
which children exist; /audit names its actions; each role reads commands in its own words."""

from __future__ import annotations

import ast
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain.roles import Access
from bot.storage.audit import ACTIONS
from bot.texts import Texts
from tests.harness import Harness
from tests.test_safety_school import ADMIN_IDS, PARENT_ID, School, build_school

SAVED = "已经保存过了，不用再点。"
STALE = "这个按钮已经失效了，请使用最新消息中的按钮。"
MISSING = 99999
BOT = Path(__file__).resolve().parent.parent / "bot"


@pytest.fixture
async def school(tmp_path: Path) -> AsyncIterator[School]:
    async with Harness.create(tmp_path, admins=ADMIN_IDS) as h:
        yield await build_school(h)


# --- a second tap on a save button -------------------------------------------------------------------------


async def test_second_tap_on_a_save_button_says_already_saved(school: School) -> None:
    head = school.people["head_teacher"]
    await head.send("/visit 张小明")
    home = next(b["callback_data"] for b in head.last_with_buttons().buttons() if "家访" in b["text"])
    await head.press_data(home)
    await head.press("今天")
    await head.press("跳过")
    await head.send("谈了学习")
    await head.press("不需要")
    review = head.last_with_buttons()
    save = next(b["callback_data"] for b in review.buttons() if "确认保存" in b["text"])
    await head.press_data(save, message=review)
    await head.press_data(save, message=review)  # the second tap of a double tap
    assert head.alerts()[-1] == SAVED
    assert await school.h.fetchval("SELECT COUNT(*) FROM visits") == 1
    # Another button of the saved form is only stale; so is the save button once a while has passed.
    await head.press_data(home, message=review)
    assert head.alerts()[-1] == STALE
    school.h.clock.advance(minutes=31)
    await head.press_data(save, message=review)
    assert head.alerts()[-1] == STALE


async def test_already_saved_also_for_a_form_saved_without_a_nonce_and_not_after_cancel(school: School) -> None:
    subject = school.people["subject_teacher"]
    await subject.send("/concern 张小明")
    await subject.press("独自生活")
    await subject.send("周末一个人在家")
    when = subject.last_with_buttons()
    await subject.press("今天", message=when)
    assert "已上报" in subject.last_text
    await subject.press("今天", message=when)
    assert subject.alerts()[-1] == SAVED
    assert await school.h.fetchval("SELECT COUNT(*) FROM concerns") == 1
    # A form cancelled is not saved: its buttons stay merely stale.
    head = school.people["head_teacher"]
    await head.send("/visit 张小明")
    await head.press("家访")
    await head.send("/cancel")
    await head.press("今天")
    assert head.alerts()[-1] == STALE


# --- forged ids: existing-but-forbidden and missing read the same ----------------------------------------


@pytest.mark.parametrize("who", ["parent", "subject_teacher"])
async def test_a_forged_child_id_reads_the_same_whether_or_not_it_exists(school: School, who: str) -> None:
    person = school.people[who]
    await person.send("/start")
    answers = []
    for data in (f"ch:v:{school.other}", f"ch:v:{MISSING}", f"rk:m:{school.other}", f"rk:m:{MISSING}"):
        sent = await person.press_data(data, message=person.last)
        answers.append(" ".join(s.text for s in sent) + " ".join(person.alerts()[-1:]))
    assert answers[0] == answers[1] and "已不存在" not in answers[1]
    assert answers[2] == answers[3] and "已不存在" not in answers[3]


async def test_someone_who_sees_every_child_is_told_it_is_gone(school: School) -> None:
    admin = school.people["admin"]
    await admin.send("/start")
    sent = await admin.press_data(f"ch:v:{MISSING}", message=admin.last)
    assert [s.text for s in sent] == ["这份档案已不存在。"]


# --- /audit in words ---------------------------------------------------------------------------------------


def _written_action_codes() -> set[str]:
    """Every audit action code the bot writes: audit.record / record_many(action=...), care's write_audit(…, code, …),
    and literal codes in INSERT INTO audit_log statements. An f-string code stands for its constant prefix."""
    codes: set[str] = set()
    for path in BOT.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        codes |= {f"={c}" for c in re.findall(r"INSERT INTO audit_log[^;]*?VALUES \(\?, \?, '([\w.]+)'", source)}
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            values = [k.value for k in node.keywords if k.arg == "action" and name in ("record", "record_many")]
            if name == "write_audit" and len(node.args) > 2:
                values.append(node.args[2])
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    codes.add(f"={value.value}")
                elif isinstance(value, ast.JoinedStr) and isinstance(value.values[0], ast.Constant):
                    codes.add(f"^{value.values[0].value}")
    return codes


def test_every_audit_action_written_is_declared_and_named() -> None:
    written = _written_action_codes()
    assert len(written) > 40  # the scanner finds them (a broken scanner would pass vacuously)
    undeclared = sorted(
        c for c in written if (c[1:] not in ACTIONS if c[0] == "=" else not any(a.startswith(c[1:]) for a in ACTIONS))
    )
    assert undeclared == []
    assert len(set(ACTIONS)) == len(ACTIONS)
    for locale in ("zh_CN", "en"):
        texts = Texts(locale)
        assert [a for a in ACTIONS if not texts.has(f"audit.action.{a}")] == []
        assert [a.value for a in Access if not texts.has(f"audit.access.{a.value}")] == []


async def test_audit_shows_names_in_both_languages_and_old_codes_raw(school: School) -> None:
    await school.people["head_teacher"].send("/child 张小明")
    subject = school.people["subject_teacher"]
    await subject.send("/start")
    await subject.press_data(f"rk:m:{school.own}", message=subject.last)  # refused: set_risk
    await school.h.db.execute(
        "INSERT INTO audit_log (at, actor_id, action, child_id, detail) VALUES (?, ?, 'retired_code', ?, '')",
        ("2026-03-01T00:00:00+00:00", ADMIN_IDS[1], school.own),
    )
    admin = school.people["admin"]
    await admin.send("/audit 张小明")
    text = admin.last_text
    assert "查看联系卡" in text and "被拒绝 设置风险等级" in text and "登记档案" in text
    assert not re.search(r" · (view|denied|create) ", text) and "set_risk" not in text
    assert "retired_code" in text  # an old row's code no longer declared is shown as it is
    await admin.send("/language")
    await admin.press("English")
    await admin.send("/audit 张小明")
    text = admin.last_text
    assert "viewed the card" in text and "refused set the risk level" in text and "registered" in text


# --- each role's own words in /help and the menu -----------------------------------------------------------


def _menu(school: School, user_id: int) -> dict[str, str]:
    for call in reversed(school.h.api.calls_of("setMyCommands")):
        scope = call.params.get("scope") or {}
        if scope.get("type") == "chat" and int(scope.get("chat_id", 0)) == user_id:
            return {c["command"]: c["description"] for c in call.params["commands"]}
    raise AssertionError(f"no menu set for {user_id}")


async def test_help_and_menu_speak_each_roles_words(school: School) -> None:
    parent = school.people["parent"]
    await parent.send("/help")
    text = parent.last_text
    assert "/mychildren — 我的孩子" in text and "我负责的孩子" not in text
    assert "/contact — 给班主任留言" in text
    assert _menu(school, PARENT_ID)["mychildren"] == "我的孩子"
    head = school.people["head_teacher"]
    await head.send("/help")
    assert "/mychildren — 我负责的孩子" in head.last_text
    assert _menu(school, head.id)["mychildren"] == "我负责的孩子"
    await parent.send("/language")
    await parent.press("English")
    await parent.send("/help")
    assert "/mychildren — My children" in parent.last_text
    assert _menu(school, PARENT_ID)["mychildren"] == "My children"
