"""Safety rules in plain Python: concern kinds and outcomes, risk levels, and urgent-word detection."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from bot.domain.validation import InvalidInput


class ConcernKind(StrEnum):
    # The 2016 situations a school reports about a left-behind child (国发〔2016〕13号).
    ALONE = "alone"  # living alone
    MISSING = "missing"
    GUARDIAN = "guardian"  # guardian unable to care
    # Kept for concerns stored before the 2020 list was offered; no longer offered.
    INJURED = "injured"
    ABUSE = "abuse"  # suspected abuse or neglect
    # The situations of article 4 of the mandatory-reporting rules (高检发〔2020〕9号), in its order.
    INTIMATE_INJURY = "intimate_injury"  # (一) injury to the genitals or private parts
    SEXUAL_UNDER14 = "sexual_under14"  # (二) a girl under 14: sexual abuse, pregnancy, abortion
    SEXUAL_PREGNANCY = "sexual_pregnancy"  # (三) a girl of 14 or more: pregnancy or abortion from sexual abuse
    VIOLENCE = "violence"  # (四) many injuries, malnutrition, unconscious; violence, bullying, abuse, drugged
    ABNORMAL_HARM = "abnormal_harm"  # (五) disabled or dead from suicide, self-harm, poisoning, beating...
    ABANDONED = "abandoned"  # (六) abandoned, or long left without care
    TRAFFICKED = "trafficked"  # (七) of unknown origin, missing, trafficked or bought
    BEGGING = "begging"  # (八) organised begging
    DANGER = "danger"  # (九) any other serious harm, or facing the danger of it
    OTHER = "other"


# Article 4 of the 2020 rules, (一) to (九): each must be reported to the police at once.
RULES_2020: tuple[ConcernKind, ...] = (
    ConcernKind.INTIMATE_INJURY,
    ConcernKind.SEXUAL_UNDER14,
    ConcernKind.SEXUAL_PREGNANCY,
    ConcernKind.VIOLENCE,
    ConcernKind.ABNORMAL_HARM,
    ConcernKind.ABANDONED,
    ConcernKind.TRAFFICKED,
    ConcernKind.BEGGING,
    ConcernKind.DANGER,
)
# What /concern offers, in this order: the 2016 situations, the 2020 list, then anything else.
OFFERED_KINDS: tuple[ConcernKind, ...] = (
    ConcernKind.ALONE,
    ConcernKind.MISSING,
    ConcernKind.GUARDIAN,
    *RULES_2020,
    ConcernKind.OTHER,
)
# The situations the police must hear of at once (and the old kinds they cover).
POLICE_KINDS = frozenset({ConcernKind.INJURED, ConcernKind.ABUSE, *RULES_2020})
# Days after the police accepted a report with no feedback recorded before the admins are reminded (once).
POLICE_FEEDBACK_DAYS = 3
MAX_POLICE_UNIT = 60
MAX_RECEIPT = 40


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


def parse_report_time(text: str, *, now_local: datetime, earliest_days: int = 366) -> datetime:
    """When the police took the report: "14:30" (today) or "2026-03-08 14:30", local time, not in the future."""
    raw = " ".join(unicodedata.normalize("NFKC", text).split())  # NFKC reads a full-width colon as ":"
    try:
        if " " in raw:
            moment = datetime.strptime(raw, "%Y-%m-%d %H:%M")
        else:
            clock = datetime.strptime(raw, "%H:%M")
            moment = now_local.replace(tzinfo=None, hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
    except ValueError:
        raise InvalidInput("safety.police.bad_time") from None
    aware = moment.replace(tzinfo=now_local.tzinfo)
    if aware > now_local or aware < now_local - timedelta(days=earliest_days):
        raise InvalidInput("safety.police.bad_time")
    return aware
