"""What a service says, as data: a catalogue key with its values, and who must hear of it, with which buttons.

Services return these and never word them; bot/views is the one place that does (the catalogue in the reader's
language, times in the school's time zone), for a handler's reply and for a row of the outbox alike. A value is a
plain one (a name, a number: escaped when worded) or a typed piece the view words: a nested message, a moment, a
call plan, a guardian's relation, a list with "and N more". No words and no Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Protocol, TypeAlias

from bot.callback_data import Button
from bot.domain.schedule import CallPlan


class Reasoned(Exception):
    """A refusal whose `reason` is a catalogue key: what the person is told."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Message:
    """A catalogue key and the values its template takes."""

    key: str
    values: dict[str, Value] = field(default_factory=dict)

    def __hash__(self) -> int:  # the views keep a keyboard once per kind of buttons
        return hash((self.key, tuple(self.values.items())))


def message(key: str, /, **values: Value) -> Message:
    return Message(key, values)


@dataclass(frozen=True)
class Moment:
    """A point in time, worded in the school's time zone ("3月8日 周日 19:00")."""

    at: datetime


@dataclass(frozen=True)
class Plan:
    """A family-call plan in words ("每周日 19:00")."""

    plan: CallPlan


@dataclass(frozen=True)
class Relation:
    """How a guardian is related to a child: the catalogue's word for a known code, else as it was typed."""

    code: str


class Joiner(Enum):
    SEP = "sep"  # the catalogue's separator of a list in a sentence (、 / ", ")
    NONE = ""
    LINES = "\n"
    PARAGRAPHS = "\n\n"


@dataclass(frozen=True)
class Listing:
    """Items one after the other, joined by `joiner`, followed by "… and N more" when `more` were left out."""

    items: tuple[Value, ...]
    joiner: Joiner = Joiner.SEP
    more: int = 0


Value: TypeAlias = str | int | float | Message | Moment | Plan | Relation | Listing
Text: TypeAlias = Message | Listing  # what a whole message says


@dataclass(frozen=True)
class Choice:
    """A button: its label and what it carries (a kind declared in bot/buttons/)."""

    label: Message
    button: Button


Buttons: TypeAlias = tuple[tuple[Choice, ...], ...]  # rows of buttons


@dataclass(frozen=True)
class Attachment:
    """A voice message or a photo sent with a message: its Telegram file_id (the file stays with Telegram) and, for
    a voice message, its length in seconds."""

    kind: str
    file_id: str
    seconds: int | None = None


@dataclass(frozen=True)
class Notification:
    """A message for one person, in their language (None: the school's)."""

    recipient: int
    language: str | None
    text: Text
    buttons: Buttons = ()


@dataclass(frozen=True)
class Outgoing:
    """A notification as it leaves (worded by bot/views): HTML text, and the inline keyboard as Bot API JSON."""

    text: str
    markup: dict[str, Any] | None


class Render(Protocol):
    """Words a notification (bot.views.Renderer); services that queue messages are handed one."""

    def __call__(self, notification: Notification, /) -> Outgoing: ...
