"""What the storage modules' queries share: a row read into its dataclass, and ids as `IN (...)` parameters. (A
list's scope as a condition: bot/storage/scopes.py.)"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    T = TypeVar("T", bound=DataclassInstance)


@functools.cache
def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def record(cls: type[T], row: sqlite3.Row, **values: Any) -> T:
    """The dataclass `cls` from a row: each field is the row's column of the same name, unless `values` gives it
    (a column stored as text that is read as a date, a flag, a column named otherwise)."""
    return cls(**{name: values[name] if name in values else row[name] for name in _field_names(cls)})


def among(column: str, ids: Collection[int]) -> tuple[str, list[int]]:
    """`column IN (?, ...)` and its parameters, in order; for no ids a condition that keeps nothing."""
    if not ids:
        return f"{column} IN (NULL)", []
    return f"{column} IN ({','.join('?' * len(ids))})", sorted(ids)
