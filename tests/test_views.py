"""The views word what services return: a notification in its reader's language, escaped once, its buttons as a
Bot API keyboard; a moment in the school's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot import buttons as bt
from bot.config import load_config
from bot.domain.messages import Choice, Joiner, Listing, Moment, Notification, message
from bot.views import Renderer
from tests.harness import write_config


def renderer(tmp_path: Path) -> Renderer:
    return Renderer(load_config(write_config(tmp_path, admins=[1])))


def test_a_notification_is_worded_in_its_readers_language_with_names_escaped_once(tmp_path: Path) -> None:
    names = Listing(("A&B", "小明"), more=2)
    text = message("green.write.to_teacher", parent="<王>", children=names, message="你好")
    out = renderer(tmp_path)(Notification(7, "zh_CN", text))
    assert out.text == "✉️ <b>家长留言</b>\n&lt;王&gt;（A&amp;B、小明……还有 2 个的家长）：\n你好"
    assert out.markup is None
    english = renderer(tmp_path)(Notification(7, "en", text))
    assert "(parent of A&amp;B, 小明 … and 2 more)" in english.text


def test_buttons_become_an_inline_keyboard_with_plain_labels(tmp_path: Path) -> None:
    buttons = ((Choice(message("green.weekly.write"), bt.GreenWrite()),),)
    lines = Listing((message("green.digest.none"), message("green.digest.none")), Joiner.LINES)
    out = renderer(tmp_path)(Notification(7, None, lines, buttons))
    assert out.text == "无\n无"  # no language: the school's
    assert out.markup == {"inline_keyboard": [[{"text": "✉️ 给班主任留言", "callback_data": bt.GreenWrite().pack()}]]}


def test_a_moment_is_worded_in_the_schools_time_zone(tmp_path: Path) -> None:
    at = datetime(2026, 3, 8, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai
    out = renderer(tmp_path)(Notification(7, "en", message("green.weekly.next_call", when=Moment(at))))
    assert out.text == "Next family call: Sun 8 Mar 19:00"
