"""The child's archive (一人一档): which fields it has, in which order they are asked, and their rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain.validation import InvalidInput, clean_text, parse_birth_date, parse_date, parse_phone


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    DATE = "date"
    BIRTH_DATE = "birth_date"
    PHONE = "phone"
    CLASS = "class"
    ID_NUMBER = "id_number"  # 公民身份号码: checked, kept sealed, shown masked


class Section(StrEnum):
    """The card's sections, in card order; labels live in the catalogue as "card.section_<value>"."""

    CHILD = "child"
    PARENTS = "parents"
    GUARDIAN = "guardian"
    SCHOOL = "school"
    CIVIL = "civil"  # the civil-affairs registration's fields (民政登记)


@dataclass(frozen=True)
class ArchiveField:
    name: str
    kind: FieldKind
    section: Section
    required: bool = False
    choices: tuple[str, ...] = ()
    # Whether a bound parent or guardian sees this field on the card. Off unless declared: a field added later
    # stays with the school until someone decides the family should see it.
    family_visible: bool = False

    @property
    def max_length(self) -> int:
        return 500 if self.kind is FieldKind.LONG_TEXT else 40


SEXES = ("male", "female")
PARENTS_AWAY = ("father", "mother", "both")
BOARDING = ("no", "requested", "yes")
# The civil-affairs registration's choices (农村留守儿童基本情况登记表, 民发〔2016〕42号): 监护类型 as the form lists
# it, 监护情况评估 as its notes define it, and 身体情况 (healthy, disabled, seriously ill).
GUARDIANSHIP_TYPES = ("unattended", "parent_unable", "entrusted_weak", "fair", "good")
ASSESSMENTS = ("good", "fair", "poor")
CONDITIONS = ("healthy", "disabled", "ill")

_C, _P, _G, _S, _V = Section.CHILD, Section.PARENTS, Section.GUARDIAN, Section.SCHOOL, Section.CIVIL

# Card order. Labels live in the catalogue as "field.<name>".
FIELDS: tuple[ArchiveField, ...] = (
    ArchiveField("name", FieldKind.TEXT, _C, required=True, family_visible=True),
    ArchiveField("sex", FieldKind.CHOICE, _C, required=True, choices=SEXES, family_visible=True),
    ArchiveField("birth_date", FieldKind.BIRTH_DATE, _C, required=True, family_visible=True),
    ArchiveField("class_id", FieldKind.CLASS, _C, required=True, family_visible=True),
    ArchiveField("parents_away", FieldKind.CHOICE, _C, required=True, choices=PARENTS_AWAY, family_visible=True),
    ArchiveField("away_since", FieldKind.DATE, _C, family_visible=True),
    ArchiveField("personality", FieldKind.LONG_TEXT, _C, family_visible=True),
    ArchiveField("interests", FieldKind.LONG_TEXT, _C, family_visible=True),
    ArchiveField("strengths", FieldKind.LONG_TEXT, _C, family_visible=True),
    ArchiveField("health", FieldKind.LONG_TEXT, _C, family_visible=True),
    ArchiveField("father_name", FieldKind.TEXT, _P, family_visible=True),
    ArchiveField("father_work_place", FieldKind.TEXT, _P, family_visible=True),
    ArchiveField("father_phone", FieldKind.PHONE, _P, family_visible=True),
    ArchiveField("mother_name", FieldKind.TEXT, _P, family_visible=True),
    ArchiveField("mother_work_place", FieldKind.TEXT, _P, family_visible=True),
    ArchiveField("mother_phone", FieldKind.PHONE, _P, family_visible=True),
    ArchiveField("guardian_name", FieldKind.TEXT, _G, family_visible=True),
    ArchiveField("guardian_relation", FieldKind.TEXT, _G, family_visible=True),
    ArchiveField("guardian_address", FieldKind.LONG_TEXT, _G, family_visible=True),
    ArchiveField("guardian_phone", FieldKind.PHONE, _G, family_visible=True),
    ArchiveField("boarding", FieldKind.CHOICE, _S, required=True, choices=BOARDING, family_visible=True),
    ArchiveField("notes", FieldKind.LONG_TEXT, _S),  # the school's internal notes
    # The civil-affairs registration's fields, kept with the school, in a section of their own. Declared last so
    # the edit buttons of older cards still name the fields they named.
    ArchiveField("ethnicity", FieldKind.TEXT, _V),
    ArchiveField("id_number", FieldKind.ID_NUMBER, _V),
    ArchiveField("household_registration", FieldKind.TEXT, _V),
    ArchiveField("illness_disability", FieldKind.CHOICE, _V, choices=CONDITIONS),
    ArchiveField("guardianship_type", FieldKind.CHOICE, _V, choices=GUARDIANSHIP_TYPES),
    ArchiveField("guardianship_assessment", FieldKind.CHOICE, _V, choices=ASSESSMENTS),
    ArchiveField("assistance", FieldKind.TEXT, _V),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
FAMILY_FIELDS = frozenset(f.name for f in FIELDS if f.family_visible)
STAFF_ONLY_FIELDS = tuple(f.name for f in FIELDS if not f.family_visible)

# One way to reach a family: the plan needs at least one of these phones before an archive is complete.
CONTACT = "contact"
CONTACT_PHONES = {"father": "father_phone", "mother": "mother_phone", "guardian": "guardian_phone"}
CONTACT_CHOICES = tuple(CONTACT_PHONES)

# What /register asks first: enough for a valid archive, which may be saved at once. CONTACT is a question, not a
# field: whose phone, then that phone. Everything else comes after, section by section, when the teacher goes on.
ESSENTIALS: tuple[str, ...] = ("name", "sex", "birth_date", "class_id", "parents_away", CONTACT, "boarding")
REGISTER_ORDER: tuple[str, ...] = ESSENTIALS + tuple(f.name for f in FIELDS if f.name not in ESSENTIALS)


def has_contact(values: Mapping[str, object]) -> bool:
    return any(values.get(phone) not in (None, "") for phone in CONTACT_PHONES.values())


def missing_required(values: Mapping[str, object]) -> list[str]:
    """The essentials still empty, in asking order (CONTACT when no phone is given)."""
    return [
        name for name in ESSENTIALS if (not has_contact(values) if name == CONTACT else values.get(name) in (None, ""))
    ]


def still_missing(values: Mapping[str, object], names: Iterable[str] | None = None) -> list[str]:
    """The fields still empty (of `names`, default all), in card order: what the card lists as 待补充."""
    wanted = set(FIELDS_BY_NAME if names is None else names)
    return [f.name for f in FIELDS if f.name in wanted and values.get(f.name) in (None, "")]


def parse_field(spec: ArchiveField, text: str, *, today: date) -> str:
    """Validates typed input for one field and returns the value to store (dates as ISO strings)."""
    if spec.kind is FieldKind.BIRTH_DATE:
        return parse_birth_date(text, today=today).isoformat()
    if spec.kind is FieldKind.DATE:
        return parse_date(text, today=today, earliest=date(today.year - 20, 1, 1)).isoformat()
    if spec.kind is FieldKind.PHONE:
        return parse_phone(text)
    if spec.kind is FieldKind.ID_NUMBER:
        return parse_id_number(text)
    if spec.kind in (FieldKind.CHOICE, FieldKind.CLASS):
        raise InvalidInput("invalid.use_buttons")
    return clean_text(text, max_length=spec.max_length)


def parse_choice(spec: ArchiveField, value: str) -> str:
    if value not in spec.choices:
        raise InvalidInput("invalid.use_buttons")
    return value


# GB 11643-1999: 17 digits, then a check character from the weighted sum modulo 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(text: str) -> str:
    """An 18-character citizen ID number (spaces ignored, a final x read as X) whose check character and date of
    birth are right; anything else is refused with the reason "invalid.id_number"."""
    number = "".join(text.split()).upper()
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise InvalidInput("invalid.id_number")
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidInput("invalid.id_number") from None
    if id_check_character(number[:17]) != number[17]:
        raise InvalidInput("invalid.id_number")
    return number


# Anything shaped like an ID number (18 characters, spaces allowed between): an update carrying one is never
# written to the inbox, so the number is in clear nowhere in the database file, not even for a moment.
_ID_SHAPE = re.compile(r"(?<![0-9])(?:[0-9]\s*){17}[0-9Xx](?![0-9])")


def may_hold_id_number(text: str) -> bool:
    return bool(_ID_SHAPE.search(text))


def mask_id_number(number: str) -> str:
    """The form shown everywhere but the edit step and the roster: the area's first four, the last four."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]
