"""The message catalogue: every user-facing string, Simplified Chinese first, English second.

Each module in `bot.texts.catalogue` defines MESSAGES = {key: (zh_CN, en)}, one area of the bot each.
Values interpolated with `t()` are HTML-escaped unless wrapped in `Raw`, so a name typed by a user can
never break a message's markup.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
from functools import cache

from bot.texts import catalogue

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


class Raw(str):
    """Already-safe HTML (for example a fragment built by another `t()` call)."""


@cache
def _messages() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for module_info in sorted(pkgutil.iter_modules(catalogue.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{catalogue.__name__}.{module_info.name}")
        for key, pair in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice (in {module_info.name})")
            merged[key] = pair
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
