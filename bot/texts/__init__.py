"""The message catalogue: every user-facing string, Simplified Chinese first, English second.

Each file `bot/texts/catalogue/<area>.toml` holds one area of the bot: a table per key with its `zh_CN` and `en`
words. The catalogue is data, not code: translators edit it without touching Python.
Values interpolated with `t()` are HTML-escaped unless wrapped in `Raw`, so a name typed by a user can
never break a message's markup.
"""

from __future__ import annotations

import html
import re
import tomllib
from functools import cache
from importlib import resources

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
MAX_MESSAGE = 4096  # Telegram's limit on a message's length


class Raw(str):
    """Already-safe HTML (for example a fragment built by another `t()` call)."""


@cache
def _messages() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    folder = resources.files("bot.texts") / "catalogue"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        for key, words in tomllib.loads(entry.read_text(encoding="utf-8")).items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice (in {entry.name})")
            if not isinstance(words, dict) or set(words) != {"zh_CN", "en"}:
                raise RuntimeError(f"message key {key!r} in {entry.name} needs exactly zh_CN and en")
            merged[key] = (str(words["zh_CN"]), str(words["en"]))
    return merged


def all_keys() -> list[str]:
    return sorted(_messages())


def template(key: str, locale: str) -> str:
    zh, en = _messages()[key]
    return en if locale == "en" else zh


def _escape(value: object) -> str:
    if isinstance(value, Raw):
        return str(value)
    return html.escape(str(value), quote=False)


class Texts:
    """The catalogue bound to one locale; `t(key, **values)` renders a message."""

    def __init__(self, locale: str) -> None:
        self.locale = locale if locale in LOCALES else DEFAULT_LOCALE

    def t(self, key: str, **values: object) -> str:
        text = template(key, self.locale)
        if not values:
            return text
        return text.format(**{name: _escape(value) for name, value in values.items()})

    def raw(self, key: str, **values: object) -> Raw:
        return Raw(self.t(key, **values))

    def has(self, key: str) -> bool:
        return key in _messages()


def texts_for(locale: str | None, default: str = DEFAULT_LOCALE) -> Texts:
    return Texts(locale or default)


_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def clip_html(text: str, limit: int = MAX_MESSAGE, ellipsis: str = "…") -> str:
    """`text` (valid Telegram HTML) cut to at most `limit` characters, never inside a tag or an entity, with the
    tags still open closed again: a plain slice can leave "&am" or an unclosed <b>, which Telegram refuses."""
    if len(text) <= limit:
        return text
    cut = max(0, limit - len(ellipsis))
    while True:
        tag_start, entity_start = text.rfind("<", 0, cut), text.rfind("&", 0, cut)
        if tag_start > text.rfind(">", 0, cut):
            cut = tag_start  # inside a tag
            continue
        if entity_start > text.rfind(";", 0, cut):
            cut = entity_start  # inside an entity
            continue
        open_tags: list[str] = []
        for match in _TAG.finditer(text, 0, cut):
            if not match.group(1):
                open_tags.append(match.group(2))
            elif open_tags and open_tags[-1] == match.group(2):
                open_tags.pop()
        closing = "".join(f"</{tag}>" for tag in reversed(open_tags))
        if cut + len(ellipsis) + len(closing) <= limit or cut == 0:
            return text[:cut] + ellipsis + closing
        cut = limit - len(ellipsis) - len(closing)
