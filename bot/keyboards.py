"""Keyboard builders. What each button carries (its callback data and its handler's pattern) is declared once, in
bot/buttons/.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.buttons import Language
from bot.callback_data import Button
from bot.texts import Texts


def button(text: str, data: Button) -> InlineKeyboardButton:
    # Button labels are plain text (no parse mode), but they come from t(), which escapes names for HTML:
    # undo that, or a child called "A&B" shows up as "A&amp;B" on the button.
    return InlineKeyboardButton(html.unescape(text), callback_data=data.pack())


def rows(buttons: Sequence[InlineKeyboardButton], columns: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + columns]) for i in range(0, len(buttons), columns)]


def grid(
    buttons: Sequence[InlineKeyboardButton], columns: int = 2, *extra_rows: list[InlineKeyboardButton]
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([*rows(buttons, columns), *[r for r in extra_rows if r]])


def pager(texts: Texts, kind: Callable[[int], Button], page: int, pages: int) -> list[InlineKeyboardButton]:
    """A row of previous / next buttons (of `kind`, made from a page number) for page `page` (0-based) of `pages`;
    empty when one page."""
    row = []
    if page > 0:
        row.append(button(texts.t("button.prev"), kind(page - 1)))
    if page + 1 < pages:
        row.append(button(texts.t("button.next"), kind(page + 1)))
    return row


def language_keyboard(texts: Texts) -> InlineKeyboardMarkup:
    return grid([button(texts.t("language.zh_CN"), Language("zh_CN")), button(texts.t("language.en"), Language("en"))])
