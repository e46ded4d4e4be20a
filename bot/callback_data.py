"""How a kind of button is declared: its layout and typed fields pack the callback data, give the handler's
anchored pattern and parse a press back into a typed object. The bot's kinds are declared in bot/buttons/.

A layout is the data with `{field}` for each field and at most one optional tail in brackets (`st:v:{scope}[:{term}]`,
present when its fields are set). A field's type gives what it admits: `int` (up to 12 digits unless annotated),
`str` (a word unless annotated), a `Literal` of the values it may take, a `StrEnum` (its values), or any of these
`Annotated[..., Match(...)]` with a narrower regex.

Version 1 is a layout as it stands; buttons already in people's chats keep working as long as it does not change.
A layout that changes meaning bumps its version, which ends the data with `~<version>`: a button sent before the
change then matches no pattern, and the catch-all gives the polite "this button is out of date" answer.
No Telegram here: services and jobs declare their buttons too.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Protocol, Self, dataclass_transform, get_args, get_origin

MAX_BYTES = 64


@dataclass(frozen=True)
class Match:
    """What a field admits (`regex`, unanchored) and the longest value it takes in practice (the size test packs
    it; a forged longer one is refused by the pattern, or by the service)."""

    regex: str
    longest: str


def digits(n: int) -> Match:
    return Match(rf"\d{{1,{n}}}", "9" * n)


def one_of(values: list[str]) -> Match:
    return Match("|".join(re.escape(v) for v in values), max(values, key=len))


class _Query(Protocol):
    @property
    def data(self) -> object: ...


class Pressed(Protocol):
    """An update with a pressed button (telegram.Update, without importing it here)."""

    @property
    def callback_query(self) -> _Query | None: ...


@dataclass(frozen=True)
class _Field:
    name: str
    kind: type  # int, str or a StrEnum: how the matched text becomes the field's value
    regex: str
    longest: object
    optional: bool


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _field(name: str, hint: Any) -> _Field:
    optional = False
    if get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        optional, hint = True, args[0]
    match: Match | None = None
    if get_origin(hint) is Annotated:
        hint, *extras = get_args(hint)
        match = next(e for e in extras if isinstance(e, Match))
    if get_origin(hint) is Literal:
        values = get_args(hint)
        kind = type(values[0])
        regex = "|".join(re.escape(str(v)) for v in values)
        return _Field(name, kind, regex, max(values, key=lambda v: len(str(v))), optional)
    if isinstance(hint, type) and issubclass(hint, enum.StrEnum):
        match = match or one_of([m.value for m in hint])
        return _Field(name, hint, match.regex, hint(match.longest), optional)
    if hint is int:
        match = match or digits(12)
        return _Field(name, int, match.regex, int(match.longest), optional)
    if hint is str:
        match = match or Match(r"\w+", "w" * 16)
        return _Field(name, str, match.regex, match.longest, optional)
    raise TypeError(f"button field {name}: int, str, a Literal or a StrEnum, not {hint!r}")


@dataclass_transform(frozen_default=True)
class Button:
    """The base of every kind: `class Kind(Button, layout="ab:c:{field}")` with the fields as annotations."""

    layout: ClassVar[str] = ""
    version: ClassVar[int] = 1
    prefix: ClassVar[str] = ""  # the layout's text before its first field
    pattern: ClassVar[str] = ""  # the anchored regex of CallbackQueryHandler(pattern=...)
    fields: ClassVar[tuple[_Field, ...]] = ()
    _regex: ClassVar[re.Pattern[str]]

    def __init_subclass__(cls, layout: str | None = None, version: int = 1, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(frozen=True)(cls)
        if layout is None:
            return  # a base sharing fields between kinds
        hints = typing.get_type_hints(cls, include_extras=True)
        by_name = {f.name: _field(f.name, hints[f.name]) for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        cls.layout, cls.version = layout, version
        cls.prefix = layout.split("{", 1)[0].split("[", 1)[0]
        head, _, tail = layout.partition("[")
        tail = tail.removesuffix("]")
        named = _PLACEHOLDER.findall(layout)
        if sorted(named) != sorted(by_name) or any(by_name[n].optional != (n in tail) for n in named):
            raise TypeError(f"{cls.__name__}: the layout names each field once, the optional ones in its [tail]")
        cls.fields = tuple(by_name[n] for n in named)
        regex = _regex_of(head, by_name) + (f"(?:{_regex_of(tail, by_name)})?" if tail else "")
        cls.pattern = f"^{regex}{_marker(version, escape=True)}$"
        cls._regex = re.compile(cls.pattern)

    def pack(self) -> str:
        """The callback data; refuses anything Telegram would reject."""
        values = {f.name: getattr(self, f.name) for f in self.fields}
        head, _, tail = self.layout.partition("[")
        data = head.format(**values)
        if tail and all(values[n] is not None for n in _PLACEHOLDER.findall(tail)):
            data += tail.removesuffix("]").format(**values)
        data += _marker(self.version, escape=False)
        if len(data.encode()) > MAX_BYTES or not self._regex.match(data):
            raise ValueError(f"{type(self).__name__}: not a callback its pattern takes")
        return data

    @classmethod
    def parse(cls, data: str) -> Self:
        """The typed button of `data`; ValueError if it is not this kind's (the handler's pattern matched it)."""
        found = cls._regex.match(data)
        if found is None:
            raise ValueError(f"not a {cls.__name__} button")
        values = {f.name: None if found[f.name] is None else f.kind(found[f.name]) for f in cls.fields}
        made: Self = typing.cast(Any, cls)(**values)
        return made

    @classmethod
    def of(cls, update: Pressed) -> Self:
        """The typed button that was pressed."""
        query = update.callback_query
        data = query.data if query is not None else None
        if not isinstance(data, str):
            raise ValueError("no button was pressed")
        return cls.parse(data)


def _regex_of(layout: str, fields: dict[str, _Field]) -> str:
    parts = _PLACEHOLDER.split(layout)  # literal, name, literal, name, ...
    return "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>{fields[p].regex})" for i, p in enumerate(parts))


def _marker(version: int, *, escape: bool) -> str:
    if version == 1:
        return ""
    return re.escape(f"~{version}") if escape else f"~{version}"


def declared(base: type[Button], module: str) -> list[type[Button]]:
    """The kinds (with a layout) derived from `base` and declared in `module`, each once."""
    found = []
    for kind in base.__subclasses__():
        if kind.layout and kind.__module__ == module:
            found.append(kind)
        found.extend(k for k in declared(kind, module) if k not in found)
    return found
