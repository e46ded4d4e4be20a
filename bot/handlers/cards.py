"""Rendering the contact card (联系卡) from archive values, in the reader's language."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from bot.domain.archive import FIELDS, FIELDS_BY_NAME, FieldKind, Section, has_contact, still_missing
from bot.domain.clock import age_on
from bot.domain.models import Child
from bot.texts import Raw, Texts


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


def missing_line(texts: Texts, values: Mapping[str, str | int | None]) -> str:
    """待补充: the fields still empty, with a note first when no phone reaches the family."""
    names = [texts.t(f"field.{name}") for name in still_missing(values)]
    if not has_contact(values):
        names.insert(0, texts.t("register.contact"))
    return texts.t("card.missing", fields=texts.t("list.separator").join(names)) if names else ""


def render_card(
    texts: Texts,
    values: Mapping[str, str | int | None],
    *,
    class_label: str,
    today: date,
    guardians: list[tuple[int, str, str]] | None = None,
    fields: Collection[str] | None = None,
    missing: bool = False,
    mark_staff_only: bool = False,
) -> str:
    """The whole card as HTML, section by section; every value is escaped by the catalogue.

    `fields` are the ones the reader may see (None: all); `missing` adds what is still to be filled in;
    `mark_staff_only` marks the fields a family does not see, for the school's own readers."""
    shown = [f for f in FIELDS if fields is None or f.name in fields]
    lines = [texts.t("card.title", name=values.get("name") or "")]
    marked = False
    for section in Section:
        in_section = [f for f in shown if f.section is section]
        if not in_section:
            continue
        lines.append("")
        lines.append(texts.t(f"card.section_{section.value}"))
        for spec in in_section:
            value = display_value(texts, spec.name, values.get(spec.name), class_label=class_label, today=today)
            label = texts.t(f"field.{spec.name}")
            if mark_staff_only and not spec.family_visible:
                label += texts.t("card.staff_only_mark")
                marked = True
            lines.append(texts.t("card.line", label=Raw(label), value=value))
    if guardians:
        joined = Raw(
            texts.t("list.separator").join(
                texts.t("card.guardian_item", name=name, relation=relation) for _, name, relation in guardians
            )
        )
        lines.append("")
        lines.append(texts.t("card.bound_guardians", list=joined))
    if missing and (line := missing_line(texts, values)):
        lines.append("")
        lines.append(line)
    if marked:
        lines.append(texts.t("card.staff_only_legend"))
    return "\n".join(lines)


def child_card(
    texts: Texts,
    child: Child,
    *,
    today: date,
    guardians: list[tuple[int, str, str]] | None = None,
    fields: Collection[str] | None = None,
    staff: bool = False,
) -> str:
    """The card of a stored child, as render_card draws it; `staff` (the school's own readers) adds what is
    still to be filled in and marks the fields a family does not see."""
    return render_card(
        texts, child_values(child), class_label=child.class_label, today=today, guardians=guardians,
        fields=fields, missing=staff, mark_staff_only=staff,
    )  # fmt: skip


def field_label(texts: Texts, field_name: str) -> Raw:
    return texts.raw(f"field.{field_name}")


def designation_line(texts: Texts, designated_on: date | None) -> str:
    """Whether the family told the school in writing who looks after the child (委托照护), and when."""
    if designated_on is None:
        return "\n" + texts.t("guardian.card_none")
    return "\n" + texts.t("guardian.card_line", date=designated_on.isoformat())
