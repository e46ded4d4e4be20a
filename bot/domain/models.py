"""Plain records returned by the repositories."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from datetime import date
from typing import Any

from bot.domain.roles import ChildScope


@dataclass(frozen=True)
class User:
    id: int
    full_name: str
    language: str | None
    status: str
    weekly_paused: bool
    opted_out: bool


@dataclass(frozen=True)
class School:
    id: int
    name: str
    township: str
    county: str


@dataclass(frozen=True)
class SchoolClass:
    id: int
    grade_id: int
    grade_name: str
    name: str
    school_id: int = 0  # 0 names no school: a class read without its school reaches no school-wide grant

    @property
    def label(self) -> str:
        return f"{self.grade_name}{self.name}"


@dataclass(frozen=True)
class Child:
    id: int
    name: str
    sex: str
    birth_date: date
    class_id: int
    parents_away: str
    away_since: date | None
    personality: str | None
    interests: str | None
    strengths: str | None
    health: str | None
    father_name: str | None
    father_work_place: str | None
    father_phone: str | None
    mother_name: str | None
    mother_work_place: str | None
    mother_phone: str | None
    guardian_name: str | None
    guardian_relation: str | None
    guardian_address: str | None
    guardian_phone: str | None
    boarding: str
    notes: str | None
    class_label: str = ""
    school_id: int = 0  # 0 names no school: a child read without its school reaches no school-wide grant
    # The civil-affairs registration's fields; `id_number` is only ever the masked form (services/identity.py).
    ethnicity: str | None = None
    id_number: str | None = None
    household_registration: str | None = None
    illness_disability: str | None = None
    guardianship_type: str | None = None
    guardianship_assessment: str | None = None
    assistance: str | None = None

    @property
    def scope(self) -> ChildScope:
        """What decides who may see this child."""
        return ChildScope(child_id=self.id, class_id=self.class_id, school_id=self.school_id)

    @classmethod
    def from_row(cls, row: Any) -> Child:
        """The child of a row of `children` (with or without columns joined to it).

        Built without the frozen dataclass's __init__: that sets each of the 32 fields through
        object.__setattr__ (some 10 µs a child, and a /checkin reads up to eighteen), and a row's
        values are by name a scan of its columns each; so a shape of row has its columns' places found
        once (_places_in) and the values go into the instance's __dict__ at once."""
        places = _CHILD_PLACES.get(keys := tuple(row.keys())) or _places_in(keys)
        data = dict(_CHILD_DEFAULTS)
        for place, name in places:
            data[name] = row[place]
        data["birth_date"] = date.fromisoformat(data["birth_date"])
        data["away_since"] = date.fromisoformat(data["away_since"]) if data["away_since"] else None
        child = object.__new__(cls)
        child.__dict__.update(data)
        return child

    def value(self, field_name: str) -> Any:
        return getattr(self, field_name)


_CHILD_FIELDS = frozenset(f.name for f in fields(Child))
_CHILD_REQUIRED = frozenset(f.name for f in fields(Child) if f.default is MISSING)
_CHILD_DEFAULTS = {f.name: f.default for f in fields(Child) if f.default is not MISSING}
_CHILD_PLACES: dict[tuple[str, ...], tuple[tuple[int, str], ...]] = {}


def _places_in(keys: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """Where a row of these columns holds the child's fields (found once per shape of row)."""
    missing = _CHILD_REQUIRED.difference(keys)
    if missing:
        raise ValueError(f"a child's row without {sorted(missing)}")
    places = tuple((place, name) for place, name in enumerate(keys) if name in _CHILD_FIELDS)
    _CHILD_PLACES[keys] = places
    return places


@dataclass(frozen=True)
class Invitation:
    code: str
    kind: str
    role: str | None
    class_id: int | None
    child_id: int | None
    relationship: str | None
    created_by: int
    expires_at: str
    used_by: int | None
    school_id: int | None = None  # a school-wide staff role's school
