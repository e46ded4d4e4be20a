"""Safety rules in plain Python: concern kinds and outcomes, risk levels, and urgent-word detection."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path


class ConcernKind(StrEnum):
    ALONE = "alone"  # living alone
    MISSING = "missing"
    INJURED = "injured"
    ABUSE = "abuse"  # suspected abuse or neglect
    GUARDIAN = "guardian"  # guardian unable to care
    OTHER = "other"


class ConcernStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class Outcome(StrEnum):
    SCHOOL = "school"  # resolved at school
    GUARDIAN = "guardian"  # guardian contacted
    POLICE = "police"  # reported to the police (reference required)
    CIVIL = "civil"  # reported to civil affairs (reference required)
    REFERRED = "referred"  # Women's Federation / Youth League / 关工委 / village child director (to whom required)


# Outcomes that need a written note: the report's reference, or to whom the child was referred.
OUTCOMES_NEEDING_NOTE = frozenset({Outcome.POLICE, Outcome.CIVIL, Outcome.REFERRED})


class RiskLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


RISK_ORDER = {RiskLevel.HIGH: 0, RiskLevel.MEDIUM: 1, RiskLevel.LOW: 2}

# Limits on free text, so one message stays well under Telegram's 4,096 characters with its frame.
MAX_DESCRIPTION = 1000
MAX_MAILBOX = 2000
MAX_REASON = 200
MAX_NOTE = 300
# The mailbox's per-writer limit: messages in a rolling day (new tickets and answers together).
MAILBOX_PER_DAY = 10


def effective_risk(set_level: RiskLevel | None, open_concerns: int) -> RiskLevel:
    """The level a child is listed under: an open concern makes the child high-risk until it is closed."""
    if open_concerns > 0:
        return RiskLevel.HIGH
    return set_level or RiskLevel.LOW


def risk_sort_key(level: RiskLevel) -> int:
    return RISK_ORDER[level]


def _fold(text: str) -> str:
    """Lower-case, full-width folded, without spaces: so "不 想 活" and "ＫＩＬＬ" still match."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace())


def _word_list(path: Path) -> tuple[str, ...]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


# Words of self-harm or danger that mark a mailbox letter urgent: a list kept beside this module, as data.
URGENT_WORDS = _word_list(Path(__file__).with_name("urgent_words.txt"))


def is_urgent(text: str, keywords: Iterable[str] = URGENT_WORDS) -> bool:
    """True if the message contains any of the words of self-harm or danger (URGENT_WORDS unless given)."""
    folded = _fold(text)
    return any(_fold(word) in folded for word in keywords if word.strip())
