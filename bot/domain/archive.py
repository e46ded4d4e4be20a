"""The child's archive (一人一档): which fields it has, in which order they are asked, and their rules."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class ArchiveField:
    name: str
    kind: FieldKind
    required: bool = False
    choices: tuple[str, ...] = ()

    @property
    def max_length(self) -> int:
        return 500 if self.kind is FieldKind.LONG_TEXT else 40


SEXES = ("male", "female")
PARENTS_AWAY = ("father", "mother", "both")
BOARDING = ("no", "requested", "yes")

# The order in which /register asks. Labels live in the catalogue as "field.<name>".
FIELDS: tuple[ArchiveField, ...] = (
    ArchiveField("name", FieldKind.TEXT, required=True),
    ArchiveField("sex", FieldKind.CHOICE, required=True, choices=SEXES),
    ArchiveField("birth_date", FieldKind.BIRTH_DATE, required=True),
    ArchiveField("class_id", FieldKind.CLASS, required=True),
    ArchiveField("parents_away", FieldKind.CHOICE, required=True, choices=PARENTS_AWAY),
    ArchiveField("away_since", FieldKind.DATE),
    ArchiveField("personality", FieldKind.LONG_TEXT),
    ArchiveField("interests", FieldKind.LONG_TEXT),
    ArchiveField("strengths", FieldKind.LONG_TEXT),
    ArchiveField("health", FieldKind.LONG_TEXT),
    ArchiveField("father_name", FieldKind.TEXT),
    ArchiveField("father_work_place", FieldKind.TEXT),
    ArchiveField("father_phone", FieldKind.PHONE),
    ArchiveField("mother_name", FieldKind.TEXT),
    ArchiveField("mother_work_place", FieldKind.TEXT),
    ArchiveField("mother_phone", FieldKind.PHONE),
    ArchiveField("guardian_name", FieldKind.TEXT),
    ArchiveField("guardian_relation", FieldKind.TEXT),
    ArchiveField("guardian_address", FieldKind.LONG_TEXT),
    ArchiveField("guardian_phone", FieldKind.PHONE),
    ArchiveField("boarding", FieldKind.CHOICE, required=True, choices=BOARDING),
    ArchiveField("notes", FieldKind.LONG_TEXT),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


def parse_field(spec: ArchiveField, text: str, *, today: date) -> str:
    """Validates typed input for one field and returns the value to store (dates as ISO strings)."""
    if spec.kind is FieldKind.BIRTH_DATE:
        return parse_birth_date(text, today=today).isoformat()
    if spec.kind is FieldKind.DATE:
        return parse_date(text, today=today, earliest=date(today.year - 20, 1, 1)).isoformat()
    if spec.kind is FieldKind.PHONE:
        return parse_phone(text)
    if spec.kind in (FieldKind.CHOICE, FieldKind.CLASS):
        raise InvalidInput("invalid.use_buttons")
    return clean_text(text, max_length=spec.max_length)


def parse_choice(spec: ArchiveField, value: str) -> str:
    if value not in spec.choices:
        raise InvalidInput("invalid.use_buttons")
    return value


@dataclass
class Draft:
    """A registration in progress, kept in user_data as plain JSON-friendly values."""

    values: dict[str, str | int | None] = field(default_factory=dict)

    def missing_required(self) -> list[str]:
        return [f.name for f in FIELDS if f.required and not self.values.get(f.name)]
