"""What the storage modules' queries share: a row read into its dataclass, a kind of row with the SELECT that reads
it, and ids as `IN (...)` parameters. (A list's scope as a condition: bot/storage/scopes.py.)"""

from __future__ import annotations

import dataclasses
import functools
import sqlite3
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from bot.storage.db import Database, Params

    T = TypeVar("T", bound=DataclassInstance)

R = TypeVar("R")
V = TypeVar("V")


@functools.cache
def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def record(cls: type[T], row: sqlite3.Row, **values: Any) -> T:
    """The dataclass `cls` from a row: each field is the row's column of the same name, unless `values` gives it
    (a column stored as text that is read as a date, a flag, a column named otherwise)."""
    return cls(**{name: values[name] if name in values else row[name] for name in _field_names(cls)})


def reader(cls: type[T], prefix: str = "", **columns: Callable[[Any], Any]) -> Callable[[sqlite3.Row], T]:
    """What reads a row into `cls`: each field is the value of its column (named `prefix` + the field's name, for a
    joined table's columns), passed through the function `columns` gives for it, if any (text to a date or a time,
    0 or 1 to a flag)."""

    def read(row: sqlite3.Row) -> T:
        return cls(**{
            name: columns[name](row[prefix + name]) if name in columns else row[prefix + name]
            for name in _field_names(cls)
        })  # fmt: skip

    return read


def optional(convert: Callable[[Any], V]) -> Callable[[Any], V | None]:
    """`convert` for a column that may be NULL: NULL stays None."""
    return lambda value: None if value is None else convert(value)


class Rows(Generic[R]):
    """One kind of row: the SELECT that reads it (its joins included) and what makes a row of it its dataclass.
    `one` and `all` finish the query with the rest (a WHERE, an ORDER BY, a LIMIT)."""

    def __init__(self, select: str, read: Callable[[sqlite3.Row], R]) -> None:
        self.select = select
        self.read = read

    async def one(self, db: Database, rest: str, params: Params = ()) -> R | None:
        row = await db.fetchone(f"{self.select} {rest}", params)
        return None if row is None else self.read(row)

    async def all(self, db: Database, rest: str, params: Params = ()) -> list[R]:
        return [self.read(row) for row in await db.fetchall(f"{self.select} {rest}", params)]


def answered_by_class(
    rows: Iterable[sqlite3.Row], name: Callable[[sqlite3.Row], str | None]
) -> list[tuple[int, str, int, int, tuple[str, ...]]]:
    """Requests to answer (a notice's, a survey's) per class, from rows with `class_id`, `label` and `answered_at`, in
    the rows' order: (class id, label, asked, answered, `name` of each row not answered yet)."""
    found: dict[int, tuple[str, int, int, list[str]]] = {}
    for row in rows:
        label, asked, answered, waiting = found.get(row["class_id"], (row["label"], 0, 0, []))
        if row["answered_at"] is None:
            waiting.append(name(row) or "")
        found[row["class_id"]] = (label, asked + 1, answered + (row["answered_at"] is not None), waiting)
    return [(cid, label, asked, answered, tuple(w)) for cid, (label, asked, answered, w) in found.items()]


def among(column: str, ids: Collection[int]) -> tuple[str, list[int]]:
    """`column IN (?, ...)` and its parameters, in order; for no ids a condition that keeps nothing."""
    if not ids:
        return f"{column} IN (NULL)", []
    return f"{column} IN ({','.join('?' * len(ids))})", sorted(ids)
