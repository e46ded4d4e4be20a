"""The civil-affairs forms for left-behind children (民发〔2016〕42号): the roster's columns (花名册) and the
summary's (汇总表), in their published order, and the rules that sort a child into the summary's columns.

The roster follows the order of the registration form (农村留守儿童基本情况登记表, 附件1) for the fields the school
keeps. The summary follows the tables' relation of 附件3 (表间勾稽关系): the total first; the age bands 0–5, 6–13
and 14–16, each a subtotal then boys then girls; then the schooling columns (幼儿园 … 不在学), in the form's order;
then the groups the school's fields give (boarding, guardianship type, physical condition, the guardianship
assessment), each adding up to the total. A child whose field is not filled in is counted in a "not filled in"
column at the end, so the group still adds up and the school sees what to complete before the form is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

AGE_BANDS: tuple[tuple[int, int], ...] = ((0, 5), (6, 13), (14, 16))
OLDEST = AGE_BANDS[-1][1]

ROSTER_COLUMNS: tuple[str, ...] = (
    "seq", "name", "sex", "ethnicity", "birth_date", "id_number", "household_registration",
    "illness_disability", "boarding", "school_class", "father_name", "father_work_place", "father_phone",
    "mother_name", "mother_work_place", "mother_phone", "parents_away", "guardian_name", "guardian_phone",
    "guardian_relation", "guardian_address", "guardianship_type", "guardianship_assessment", "assistance",
)  # fmt: skip

# Schooling (就学情况) as the form lists it; a school knows its own pupils' stage from their grade.
STAGES = ("kindergarten", "not_in_kindergarten", "primary", "junior", "senior", "vocational", "dropout", "out")
BOARDING_COLUMNS = ("yes", "no")
GUARDIANSHIP_COLUMNS = ("unattended", "parent_unable", "entrusted_weak", "fair", "good")
CONDITION_COLUMNS = ("healthy", "disabled", "ill")
ASSESSMENT_COLUMNS = ("good", "fair", "poor")

# (group, values) in column order: column 1 is "total", then each group's columns.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("age", ("0_5", "0_5_male", "0_5_female", "6_13", "6_13_male", "6_13_female", "14_16", "14_16_male",
             "14_16_female")),
    ("stage", STAGES),
    ("boarding", BOARDING_COLUMNS),
    ("guardianship_type", GUARDIANSHIP_COLUMNS),
    ("illness_disability", CONDITION_COLUMNS),
    ("guardianship_assessment", ASSESSMENT_COLUMNS),
)  # fmt: skip
# The groups that must each add up to the total (the age group through its three subtotals).
UNFILLED = ("guardianship_type", "illness_disability", "guardianship_assessment")


def summary_columns() -> list[tuple[str, str]]:
    """(group, value) of every summary column in order: ("total", ""), the published 2–32, then unfilled ones."""
    columns = [("total", "")]
    for group, values in GROUPS:
        columns += [(group, value) for value in values]
    columns += [(group, "unfilled") for group in UNFILLED]
    return columns


def age_band(age: int) -> str | None:
    """ "0_5", "6_13" or "14_16"; None outside the form (16 and over do not count as left-behind children)."""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}_{high}"
    return None


def _stage_marks(path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    lines = (line.split() for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    return tuple((words[0], tuple(words[1:])) for words in lines if words)


# The marks of a grade's name that give its stage: a list kept beside this module, as data.
STAGE_MARKS = _stage_marks(Path(__file__).with_name("grade_stages.txt"))


def stage_of_grade(grade_name: str) -> str:
    """The schooling column of a pupil of this grade."""
    for stage, marks in STAGE_MARKS:
        if any(mark in grade_name for mark in marks):
            return stage
    return "primary"


@dataclass(frozen=True)
class Counted:
    """What the summary needs to know of one child (no name, no number)."""

    age: int
    sex: str
    stage: str
    boarding: str
    guardianship_type: str | None
    illness_disability: str | None
    guardianship_assessment: str | None


@dataclass
class SummaryRow:
    label: str
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    def values(self) -> list[int]:
        return [self.cells.get(column, 0) for column in summary_columns()]


def _columns_of(child: Counted) -> list[tuple[str, str]]:
    band = age_band(child.age)
    assert band is not None
    sex = "male" if child.sex == "male" else "female"
    found = [("total", ""), ("age", band), ("age", f"{band}_{sex}"), ("stage", child.stage)]
    found.append(("boarding", "yes" if child.boarding == "yes" else "no"))
    for group in UNFILLED:
        value = getattr(child, group)
        found.append((group, value if value else "unfilled"))
    return found


def summarise(groups: Iterable[tuple[str, Sequence[Counted]]], total_label: str) -> list[SummaryRow]:
    """One row per group of children (a class, a school), then the total row."""
    rows: list[SummaryRow] = []
    total = SummaryRow(total_label)
    for label, children in groups:
        row = SummaryRow(label)
        for child in children:
            for column in _columns_of(child):
                row.cells[column] = row.cells.get(column, 0) + 1
                total.cells[column] = total.cells.get(column, 0) + 1
        rows.append(row)
    rows.append(total)
    return rows
