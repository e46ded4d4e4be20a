"""Parsing what people type: dates and phone numbers in the forms Chinese users write them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from bot.domain.messages import Reasoned


class InvalidInput(Reasoned, ValueError):
    """Input that cannot be accepted; `reason` is a message-catalogue key explaining what is expected."""


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年\s](\d{1,2})[-/.月\s](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# Line ends as phones and pasted text bring them (CRLF, CR, NEL, VT, FF, LS, PS) all become LF.
_LINE_ENDS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0 and C1 controls other than tab and newline, and lone surrogates (they cannot be stored as UTF-8).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str, *, max_length: int) -> str:
    """A person's own words, kept as typed: full-width punctuation, emoji (with their joiners and variation
    selectors) and every script stay as they are. Line ends become LF and the ends are trimmed; control
    characters are refused (not silently dropped: the person sees what is stored). Width folding belongs to the
    parsers (dates, phones, numbers, class labels), never to free text."""
    value = _LINE_ENDS.sub("\n", text).strip()
    if not value:
        raise InvalidInput("invalid.empty")
    if _CONTROL.search(value):
        raise InvalidInput("invalid.control")
    if len(value) > max_length:
        raise InvalidInput("invalid.too_long")
    return value


def parse_date(text: str, *, today: date, earliest: date | None = None) -> date:
    """Reads 2015-03-08, 2015/3/8, 2015.3.8, 2015年3月8日 or 20150308; no future dates."""
    value = unicodedata.normalize("NFKC", text).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            try:
                parsed = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise InvalidInput("invalid.date_impossible") from None
            break
    else:
        raise InvalidInput("invalid.date_format")
    if parsed > today:
        raise InvalidInput("invalid.date_future")
    if earliest is not None and parsed < earliest:
        raise InvalidInput("invalid.date_too_early")
    return parsed


def parse_birth_date(text: str, *, today: date) -> date:
    """A school child's date of birth: in the past, and at most 20 years ago."""
    born = parse_date(text, today=today, earliest=date(today.year - 20, 1, 1))
    if (today - born).days < 365 * 2:
        raise InvalidInput("invalid.birth_too_recent")
    return born


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def parse_phone(text: str) -> str:
    """A mainland mobile (11 digits, 1[3-9]…) or a landline with area code; returns a normalised form."""
    value = unicodedata.normalize("NFKC", text).strip()
    value = re.sub(r"[\s()（）]", "", value)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    value = value.lstrip("-")
    digits_only = value.replace("-", "")
    if _MOBILE.match(digits_only):
        return digits_only
    if _LANDLINE.match(value):
        if "-" in value:
            return value
        return digits_only
    raise InvalidInput("invalid.phone")


def parse_class_label(text: str) -> tuple[str, str]:
    """Splits "三年级 2班" or "三年级2班" into (grade, class); full-width digits and spaces are folded first."""
    value = clean_text(unicodedata.normalize("NFKC", text), max_length=30)
    parts = value.split()
    if len(parts) == 2:
        return parts[0], parts[1]
    match = re.match(r"^(.+?年级)(.+班)$", value)
    if match:
        return match[1], match[2]
    raise InvalidInput("invalid.class_label")


def required_text(text: str, limit: int) -> str:
    """A service's own check of a text its handler already read: stripped, neither empty nor longer than `limit`
    (ValueError "empty" or "too_long": a handler that let it through has a bug)."""
    value = text.strip()
    if not value:
        raise ValueError("empty")
    if len(value) > limit:
        raise ValueError("too_long")
    return value
