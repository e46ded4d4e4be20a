"""Rendering the contact card (联系卡) from archive values, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.domain.archive import FIELDS, FIELDS_BY_NAME, FieldKind
from bot.domain.clock import age_on
from bot.domain.models import Child
from bot.texts import Raw, Texts

_SECTIONS = (
    (
        "card.section_child",
        (
            "name",
            "sex",
            "birth_date",
            "class_id",
            "parents_away",
            "away_since",
            "personality",
            "interests",
            "strengths",
            "health",
        ),
    ),
    (
        "card.section_parents",
        ("father_name", "father_work_place", "father_phone", "mother_name", "mother_work_place", "mother_phone"),
    ),
    ("card.section_guardian", ("guardian_name", "guardian_relation", "guardian_address", "guardian_phone")),
    ("card.section_school", ("boarding", "notes")),
)


def child_values(child: Child) -> dict[str, str | int | None]:
    """A Child as the plain field -> value mapping the card and the forms use."""
    values: dict[str, str | int | None] = {}
    for spec in FIELDS:
        value = child.value(spec.name)
        values[spec.name] = value.isoformat() if isinstance(value, date) else value
    return values


def display_value(texts: Texts, field_name: str, value: str | int | None, *, class_label: str, today: date) -> str:
    """One field's value as the reader should see it (choice labels translated, age added)."""
    if value in (None, ""):
        return texts.t("card.empty")
    spec = FIELDS_BY_NAME[field_name]
    if spec.kind is FieldKind.CHOICE:
        return texts.t(f"choice.{field_name}.{value}")
    if spec.kind is FieldKind.CLASS:
        return class_label
    if spec.kind is FieldKind.BIRTH_DATE:
        born = date.fromisoformat(str(value))
        return texts.t("card.age", birth=born.isoformat(), age=age_on(born, today))
    return str(value)


def render_card(
    texts: Texts,
    values: Mapping[str, str | int | None],
    *,
    class_label: str,
    today: date,
    guardians: list[tuple[int, str, str]] | None = None,
) -> str:
    """The whole card as HTML, section by section; every value is escaped by the catalogue."""
    lines = [texts.t("card.title", name=values.get("name") or "")]
    for section_key, names in _SECTIONS:
        lines.append("")
        lines.append(texts.t(section_key))
        for name in names:
            shown = display_value(texts, name, values.get(name), class_label=class_label, today=today)
            lines.append(texts.t("card.line", label=texts.t(f"field.{name}"), value=shown))
    if guardians:
        joined = Raw(
            texts.t("list.separator").join(
                texts.t("card.guardian_item", name=name, relation=relation) for _, name, relation in guardians
            )
        )
        lines.append("")
        lines.append(texts.t("card.bound_guardians", list=joined))
    return "\n".join(lines)


def field_label(texts: Texts, field_name: str) -> Raw:
    return texts.raw(f"field.{field_name}")
