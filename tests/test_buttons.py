"""What a button carries (bot/buttons/, declared as bot/callback_data.py says): every kind round-trips and fits
in Telegram's 64 bytes, every kind has a handler in the built Application, buttons already in people's chats keep
working, a button of another version gets the polite "out of date" answer, and no callback data or pattern is
written anywhere else."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot import buttons as bt
from bot.callback_data import MAX_BYTES, Button
from bot.domain import care, safety
from tests.conftest import ADMIN_ID
from tests.harness import Harness

BOT = Path(__file__).resolve().parent.parent / "bot"
STALE = "这个按钮已经失效了，请使用最新消息中的按钮。"


def _longest(kind: type[Button], *, optional: bool) -> Button:
    """The kind with each field at its longest value (the optional ones set, or not)."""
    values = {f.name: f.longest if optional or not f.optional else None for f in kind.fields}
    made: Button = kind(**values)
    return made


@pytest.mark.parametrize("kind", bt.KINDS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("optional", [True, False], ids=["optional set", "optional unset"])
def test_every_kind_round_trips_within_64_bytes(kind: type[Button], optional: bool) -> None:
    button = _longest(kind, optional=optional)
    data = button.pack()
    assert len(data.encode()) <= MAX_BYTES, data
    assert data.isascii() and data.startswith(kind.prefix)
    assert re.match(kind.pattern, data)
    assert kind.parse(data) == button
    assert type(kind.parse(data)) is kind


def test_each_button_is_taken_by_its_own_kind_only() -> None:
    """No two kinds share a press: the data of each is matched by its own pattern and no other."""
    for kind in bt.KINDS:
        data = _longest(kind, optional=True).pack()
        takers = [other.__name__ for other in bt.KINDS if re.match(other.pattern, data)]
        assert takers == [kind.__name__], data


def test_kinds_are_declared_once_with_distinct_names() -> None:
    names = [k.__name__ for k in bt.KINDS]
    assert len(names) == len(set(names)) > 90  # distinct (and the declarations are found)
    assert all(dataclasses.is_dataclass(k) and k.layout for k in bt.KINDS)
    # The mailbox's presses are left unstored by their prefix: every mailbox button has it, and no other.
    mailbox = {k.__name__ for k in bt.KINDS if k.prefix.startswith(bt.MAILBOX_PREFIX)}
    assert mailbox == {k.__name__ for k in bt.KINDS if k.__name__.startswith("Mailbox")}


def _callback_patterns(handlers: list[Any]) -> set[str]:
    found: set[str] = set()
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            found |= _callback_patterns(handler.entry_points)
            for state in handler.states.values():
                found |= _callback_patterns(state)
            found |= _callback_patterns(handler.fallbacks)
        elif isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern):
            found.add(handler.pattern.pattern)
    return found


async def test_every_kind_has_a_handler(harness: Harness) -> None:
    registered: set[str] = set()
    for group in harness.app.handlers.values():
        registered |= _callback_patterns(group)
    missing = [k.__name__ for k in bt.KINDS if k.pattern not in registered]
    assert missing == []
    declared = {k.pattern for k in bt.KINDS}
    assert registered <= declared, registered - declared  # no handler waits for a button nobody declared


# The data of buttons as the bot sent them before the declarations (f-strings and positional parts): they sit in
# people's chats, and keep meaning what they meant.
SENT_BEFORE = [
    ("mb:t:12", bt.MailboxTicket(ticket=12)),
    ("mb:new", bt.MailboxNew()),
    ("mb:pg:3", bt.MailboxPage(page=3)),
    ("gc:41:29456789:s", bt.CallAnswer(child=41, slot=29456789, answer="s")),
    ("gw:a:7", bt.GreenAnswer(message=7)),
    ("gw:w", bt.GreenWrite()),
    ("gs:m", bt.GreenSettingsMenu()),
    ("gs:lang:en", bt.GreenSettingsSet(setting="lang", language="en")),
    ("gs:pause", bt.GreenSettingsSet(setting="pause")),
    ("cc:ack:5", bt.ConcernAck(concern=5)),
    ("cc:as:5", bt.ConcernAssign(concern=5)),
    ("cc:cl:5", bt.ConcernClose(concern=5)),
    ("cc:oc:5:police", bt.ConcernOutcomeNote(concern=5, outcome=safety.Outcome.POLICE)),
    ("cc:oc:5:school", bt.ConcernOutcome(concern=5, outcome=safety.Outcome.SCHOOL)),
    ("st:v:g2:2025-2", bt.StatsView(scope="g2", term="2025-2")),
    ("st:f:s", bt.StatsFull(scope="s")),
    ("st:l:nog:c3:0", bt.StatsList(kind="nog", scope="c3", page=0)),
    ("reg:dy:a1b2c3", bt.RegisterDuplicate(answer="y", nonce="a1b2c3")),
    ("reg:p:a1b2c3:4:left_behind", bt.RegisterPick(nonce="a1b2c3", step=4, value="left_behind")),
    ("ci:r:a1b2c3:2:3", bt.CheckinRate(nonce="a1b2c3", step=2, rating=3)),
    ("ci:sk:a1b2c3", bt.CheckinAction(action="sk", nonce="a1b2c3")),
    ("vi:k:a1b2c3:home_visit", bt.VisitKind(nonce="a1b2c3", kind=care.VisitKind.HOME_VISIT)),
    ("en:s:9:graduated", bt.EnrolStart(child=9, status=care.Enrolment.GRADUATED)),
    ("tl:9:2", bt.Timeline(child=9, page=2)),
    ("cs:sh:1", bt.CounselShare(shared=1)),
    ("lang:zh_CN", bt.Language(locale="zh_CN")),
]


@pytest.mark.parametrize(("data", "button"), SENT_BEFORE, ids=[d for d, _ in SENT_BEFORE])
def test_buttons_sent_before_keep_their_meaning(data: str, button: Button) -> None:
    assert type(button).parse(data) == button
    assert button.pack() == data


class _TicketV1(Button, layout="zz:t:{ticket}"):
    ticket: bt.Id


class _TicketV2(Button, layout="zz:t:{ticket}", version=2):
    ticket: bt.Id


def test_a_new_version_refuses_the_old_layout_and_back() -> None:
    old, new = _TicketV1(ticket=12).pack(), _TicketV2(ticket=12).pack()
    assert (old, new) == ("zz:t:12", "zz:t:12~2")
    assert not re.match(_TicketV2.pattern, old) and not re.match(_TicketV1.pattern, new)
    with pytest.raises(ValueError):
        _TicketV2.parse(old)
    assert _TicketV2.parse(new) == _TicketV2(ticket=12)
    assert _TicketV1 not in bt.KINDS and _TicketV2 not in bt.KINDS  # only the bot's own kinds are registered


async def test_a_button_of_another_version_gets_the_polite_stale_answer(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "校长")
    await admin.send("/language")
    keyboard = admin.last
    # A ticket button of a later (or retired) layout: no handler takes it; the catch-all says it is out of date.
    await admin.press_data(_TicketV2(ticket=1).pack(), message=keyboard)
    await admin.press_data("mb:t:1~2", message=keyboard)
    assert admin.alerts()[-2:] == [STALE, STALE]
    assert admin.new_messages() == []


def test_a_button_too_long_or_outside_its_pattern_is_refused() -> None:
    with pytest.raises(ValueError):
        bt.MailboxTicket(ticket=10**12).pack()  # 13 digits: its pattern takes 12
    with pytest.raises(ValueError):
        bt.RegisterPick(nonce="n" * 30, step=1, value="v" * 30).pack()  # over 64 bytes
    with pytest.raises(ValueError):
        bt.MailboxTicket.parse("mb:t:x")


def _python_files() -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if p.parent != BOT or p.name not in ("buttons.py", "callback_data.py"))


def test_no_callback_pattern_or_data_outside_the_declarations() -> None:
    """Patterns, callback data and their parsing live in bot/buttons/ only: nowhere else a pattern string, a
    callback f-string or a match read by group number."""
    rules = {
        "a pattern string": re.compile(r"\bpattern=[rbf]*[\"']"),
        # `kind.pattern`: bot/handlers/flow.py registers a flow's step for a declared kind it is given.
        "a pattern not from a declaration": re.compile(
            r"CallbackQueryHandler\([^)]*pattern=(?!bt\.\w+\.pattern|kind\.pattern\))"
        ),
        "callback data written by hand": re.compile(r"callback_data[\"']?\s*[:=]\s*[rbf]*[\"']"),
        "callback data joined from parts": re.compile(r"kb\.data\(|kb\.button\((?:[^()\n]|\([^()\n]*\))*, [\"']"),
        "a match read by group number": re.compile(r"context\.matches|match_int\("),
    }
    found = []
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        for what, rule in rules.items():
            for hit in rule.finditer(text):
                line = text.count("\n", 0, hit.start()) + 1
                found.append(f"{path.relative_to(BOT.parent)}:{line}: {what}")
    assert found == []
