"""What each button carries: one declaration per kind, with its layout, typed fields and version.

A kind packs its callback data (short ASCII, at most 64 bytes), gives its handler's anchored pattern and parses a
press back into a typed object: `MailboxTicket(ticket=12).pack() == "mb:t:12"`, `MailboxTicket.pattern`,
`MailboxTicket.of(update).ticket`. No callback data is written, and no pattern, anywhere else.

A layout is the data with `{field}` for each field and at most one optional tail in brackets (`st:v:{scope}[:{term}]`,
present when its fields are set). A field's type gives what it admits: `int` (up to 12 digits unless annotated),
`str` (a word unless annotated), a `Literal` of the values it may take, a `StrEnum` (its values), or any of these
`Annotated[..., Match(...)]` with a narrower regex.

Version 1 is a layout as it stands; buttons already in people's chats keep working as long as it does not change.
A layout that changes meaning bumps its version, which ends the data with `~<version>`: a button sent before the
change then matches no pattern, and the catch-all gives the polite "this button is out of date" answer.
Every callback re-checks authorisation, since the ids come from the client. No Telegram here: services use it too.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Protocol, Self, dataclass_transform, get_args, get_origin

from bot.domain import care, safety

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


Id = int  # a row id: up to 12 digits
Number = Annotated[int, Match(r"\d+", "9" * 12)]  # a row id in the kinds that never bounded it
UserId = Annotated[int, digits(15)]  # a Telegram user id
Page = Annotated[int, digits(5)]
Days = Annotated[int, digits(3)]
Step = Annotated[int, Match(r"\d+", "99")]  # a step of a form (the form's own index)
Nonce = Annotated[str, Match(r"\w+", "f" * 6)]  # one run of a flow (care_picker.new_nonce)
Value = Annotated[str, Match(r"[\w-]+", "x" * 16)]  # a choice of a form field, or a class id
ScopeCode = Annotated[str, Match(r"s|[gc]\d{1,9}", "c999999999")]  # bot.domain.stats.Scope.encode()
Term = Annotated[str, Match(r"\d{4}-[12]", "2025-2")]  # a school term's key
Binary = Literal[0, 1]


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


class Paged(Button):
    """A page (0-based) of a list that common.show_page shows."""

    page: Page


# --- registration (/register) ----------------------------------------------------------------------
# reg:p picks a choice, reg:s skips, reg:ss skips the rest of a section; on the review reg:ok saves, reg:mo goes on
# with the optional part, reg:ed / reg:ef edit; reg:dy / reg:dn answer the duplicate question.


class RegisterPick(Button, layout="reg:p:{nonce}:{step}:{value}"):
    nonce: Nonce
    step: Step
    value: Value


class RegisterSkip(Button, layout="reg:s:{nonce}:{step}"):
    nonce: Nonce
    step: Step


class RegisterSkipSection(Button, layout="reg:ss:{nonce}:{step}"):
    nonce: Nonce
    step: Step


class RegisterSave(Button, layout="reg:ok:{nonce}"):
    nonce: Nonce


class RegisterMore(Button, layout="reg:mo:{nonce}"):
    nonce: Nonce


class RegisterEdit(Button, layout="reg:ed:{nonce}"):
    nonce: Nonce


class RegisterEditField(Button, layout="reg:ef:{nonce}:{step}"):
    nonce: Nonce
    step: Step


class RegisterDuplicate(Button, layout="reg:d{answer}:{nonce}"):
    answer: Literal["y", "n"]
    nonce: Nonce


# --- children and their cards ----------------------------------------------------------------------


class ChildView(Button, layout="ch:v:{child}"):
    child: Number


class ChildPage(Button, layout="ch:pg:{page}"):
    page: Annotated[int, Match(r"\d+", "9" * 5)]  # never bounded either


class MyChildrenPage(Button, layout="my:pg:{page}"):
    page: Annotated[int, Match(r"\d+", "9" * 5)]  # never bounded either


# Editing a card: ce:m shows the field menu, ce:f asks one field, ce:v sets a choice, ce:c clears an optional field.
class CardEditMenu(Button, layout="ce:m:{child}"):
    child: Number


class CardEditField(Button, layout="ce:f:{child}:{step}"):
    child: Number
    step: Step


class CardEditValue(Button, layout="ce:v:{child}:{step}:{value}"):
    child: Number
    step: Step
    value: Value


class CardEditClear(Button, layout="ce:c:{child}:{step}"):
    child: Number
    step: Step


# --- invitations -----------------------------------------------------------------------------------


class InviteKind(Button, layout="inv:k:{kind}"):
    kind: Literal["staff", "guardian"]


class InviteRole(Button, layout="inv:r:{role}"):
    role: str  # a Role's value, checked by the handler


class InviteClass(Button, layout="inv:c:{class_id}"):
    class_id: Number


class InviteChild(Button, layout="inv:ch:{child}"):
    child: Number


class InviteRelation(Button, layout="inv:rel:{relation}"):
    relation: str


# --- the child picker of the care flows: <area>:c:<nonce>:<child> -----------------------------------


class ChildPick(Button):
    """A child offered by care_picker (a quick pick or a search result) in one run of a flow."""

    nonce: Nonce
    child: Id


class InvitePick(ChildPick, layout="ivc:c:{nonce}:{child}"):
    pass


class CheckinPick(ChildPick, layout="ci:c:{nonce}:{child}"):
    pass


class VisitPick(ChildPick, layout="vi:c:{nonce}:{child}"):
    pass


class PairPick(ChildPick, layout="pa:c:{nonce}:{child}"):
    pass


class BuddyPick(ChildPick, layout="bu:c:{nonce}:{child}"):
    pass


# --- language --------------------------------------------------------------------------------------


class Language(Button, layout="lang:{locale}"):
    locale: Literal["zh_CN", "en"]


# --- stats, export, import -------------------------------------------------------------------------
# st:v shows a scope's key figures (optionally of a term), st:f every figure, st:l a list of children needing
# action, st:c the chart; ex:s picks the export's scope, ex:g builds the workbook; imp:ok / imp:no a checked file.


class ScopeFigures(Button):
    """A scope's figures (of a term, or the current one)."""

    scope: ScopeCode
    term: Term | None = None


class StatsView(ScopeFigures, layout="st:v:{scope}[:{term}]"):
    """The key figures."""


class StatsFull(ScopeFigures, layout="st:f:{scope}[:{term}]"):
    """Every figure, with its explanation."""


class StatsList(Button, layout="st:l:{kind}:{scope}:{page}"):
    kind: Annotated[str, Match("nog|unr|nom|ncs|ovd", "ovd")]
    scope: ScopeCode
    page: Page


class StatsChart(Button, layout="st:c:{scope}"):
    scope: ScopeCode


class ExportScope(Button, layout="ex:s:{scope}"):
    scope: ScopeCode


class ExportGo(Button, layout="ex:g:{scope}:{period}"):
    scope: ScopeCode
    period: Annotated[str, Match("d30|t0|t1|c", "d30")]


class ImportConfirm(Button, layout="imp:{action}:{batch}"):
    action: Literal["ok", "no"]
    batch: Id


# --- concerns and risk -----------------------------------------------------------------------------
# cc:c picks the child, cc:ck starts from a flagged check-in, cc:n from the card, then cc:k the kind and cc:w the day
# (0 today, 1 yesterday); on the alert cc:ack / cc:as / cc:cl, cc:to assigns, cc:oc closes with an outcome.


_CLOSING = one_of([o for o in safety.Outcome if o not in safety.OUTCOMES_NEEDING_NOTE])
_NEEDING_NOTE = one_of([o for o in safety.Outcome if o in safety.OUTCOMES_NEEDING_NOTE])


class ConcernPick(Button, layout="cc:c:{child}"):
    child: Id


class ConcernFromCheckin(Button, layout="cc:ck:{checkin}"):
    checkin: Id


class ConcernFromCard(Button, layout="cc:n:{child}"):
    child: Id


class ConcernKind(Button, layout="cc:k:{kind}"):
    kind: safety.ConcernKind


class ConcernWhen(Button, layout="cc:w:{days_ago}"):
    days_ago: Binary


class ConcernAck(Button, layout="cc:ack:{concern}"):
    concern: Id


class ConcernAssign(Button, layout="cc:as:{concern}"):
    concern: Id


class ConcernAssignTo(Button, layout="cc:to:{concern}:{user}"):
    concern: Id
    user: UserId


class ConcernClose(Button, layout="cc:cl:{concern}"):
    concern: Id


class ConcernOutcome(Button, layout="cc:oc:{concern}:{outcome}"):
    """An outcome that closes at once."""

    concern: Id
    outcome: Annotated[safety.Outcome, _CLOSING]


class ConcernOutcomeNote(Button, layout="cc:oc:{concern}:{outcome}"):
    """An outcome that asks for a note first."""

    concern: Id
    outcome: Annotated[safety.Outcome, _NEEDING_NOTE]


def concern_outcome(concern: int, outcome: safety.Outcome) -> ConcernOutcome | ConcernOutcomeNote:
    """The button of one outcome of closing a concern: it closes at once, or asks for a note first."""
    if outcome in safety.OUTCOMES_NEEDING_NOTE:
        return ConcernOutcomeNote(concern, outcome)
    return ConcernOutcome(concern, outcome)


class RiskMenu(Button, layout="rk:m:{child}"):
    child: Id


class RiskLevel(Button, layout="rk:l:{child}:{level}"):
    child: Id
    level: safety.RiskLevel


# --- the mailbox -----------------------------------------------------------------------------------
# mb:new writes a new letter, mb:a answers in one's own ticket; counsellors: mb:t reads, mb:r replies, mb:x closes,
# mb:pg pages the open tickets.

MAILBOX_PREFIX = "mb:"  # every mailbox button; the inbox and the guard leave these unstored


class MailboxNew(Button, layout="mb:new"):
    pass


class MailboxAnswer(Button, layout="mb:a:{ticket}"):
    ticket: Id


class MailboxTicket(Button, layout="mb:t:{ticket}"):
    ticket: Id


class MailboxReply(Button, layout="mb:r:{ticket}"):
    ticket: Id


class MailboxClose(Button, layout="mb:x:{ticket}"):
    ticket: Id


class MailboxPage(Paged, layout="mb:pg:{page}"):
    pass


# --- counselling -----------------------------------------------------------------------------------


class CounselView(Button, layout="cs:v:{child}"):
    child: Id


class CounselNew(Button, layout="cs:n:{child}"):
    child: Id


class CounselToday(Button, layout="cs:d:0"):
    pass


class CounselSkip(Button, layout="cs:skip"):
    pass


class CounselShare(Button, layout="cs:sh:{shared}"):
    shared: Binary


# --- privacy and the audit trail -------------------------------------------------------------------
# pv:ok a guardian consents, pv:pp paper consent, pv:fx asks a correction, pv:rm / pv:rmy asks erasure (with a
# confirmation), pv:er / pv:ery erases (admin), pv:no cancels a confirmation; au:v a page of a child's audit trail.


class PrivacyConsent(Button, layout="pv:ok:{child}"):
    child: Id


class PrivacyPaper(Button, layout="pv:pp:{child}"):
    child: Id


class PrivacyCorrect(Button, layout="pv:fx:{child}"):
    child: Id


class PrivacyRequestErase(Button, layout="pv:rm:{child}"):
    child: Id


class PrivacyRequestEraseYes(Button, layout="pv:rmy:{child}"):
    child: Id


class PrivacyErase(Button, layout="pv:er:{child}"):
    child: Id


class PrivacyEraseYes(Button, layout="pv:ery:{child}"):
    child: Id


class PrivacyNo(Button, layout="pv:no"):
    pass


class AuditView(Button, layout="au:v:{child}:{page}"):
    child: Id
    page: Page


# --- check-ins -------------------------------------------------------------------------------------
# ci:ok all fine, ci:d rate each aspect, ci:sk skip the note, ci:w toggle the worry mark, ci:s save; ci:r rates one
# aspect; cq answers "raise a concern?" about a saved check-in.


class CheckinAction(Button, layout="ci:{action}:{nonce}"):
    action: Literal["ok", "d", "sk", "w", "s"]
    nonce: Nonce


class CheckinRate(Button, layout="ci:r:{nonce}:{step}:{rating}"):
    nonce: Nonce
    step: Annotated[int, Match(r"\d", "9")]
    rating: Annotated[int, digits(3)]  # checked against the scale by the domain


class CheckinConcern(Button, layout="cq:{checkin}:{answer}"):
    checkin: Id
    answer: Literal["y", "n"]


# --- visits and follow-ups -------------------------------------------------------------------------


class VisitKind(Button, layout="vi:k:{nonce}:{kind}"):
    nonce: Nonce
    kind: care.VisitKind


class VisitDate(Button, layout="vi:dt:{nonce}:{days_ago}"):
    nonce: Nonce
    days_ago: Binary


class VisitSkip(Button, layout="vi:sk:{nonce}"):
    nonce: Nonce


class VisitFollowup(Button, layout="vi:f:{nonce}:{answer}"):
    nonce: Nonce
    answer: Literal["y", "n"]


class VisitDue(Button, layout="vi:due:{nonce}:{days}"):
    nonce: Nonce
    days: Days


class VisitSave(Button, layout="vi:s:{nonce}"):
    nonce: Nonce


class FollowupDone(Button, layout="fu:d:{followup}"):
    followup: Id


class FollowupPage(Paged, layout="fu:pg:{page}"):
    pass


# --- pairings and buddies --------------------------------------------------------------------------


class PairMentor(Button, layout="pa:m:{nonce}:{mentor}"):
    nonce: Nonce
    mentor: UserId


class PairCadence(Button, layout="pa:cd:{nonce}:{days}"):
    nonce: Nonce
    days: Days


class PairEnd(Button, layout="pa:end:{nonce}"):
    nonce: Nonce


class BuddyEnd(Button, layout="bu:end:{nonce}"):
    nonce: Nonce


# --- boarding, enrolment, the timeline -------------------------------------------------------------


class BoardingRequest(Button, layout="bo:rq:{child}"):
    child: Id


class BoardingDecide(Button, layout="bo:{answer}:{request}"):
    answer: Literal["y", "n"]
    request: Id


class BoardingPage(Paged, layout="bo:pg:{page}"):
    pass


class EnrolView(Button, layout="en:v:{child}"):
    child: Id


class EnrolStart(Button, layout="en:s:{child}:{status}"):
    child: Id
    status: care.Enrolment


class EnrolAction(Button, layout="en:{action}:{nonce}"):
    """en:dt today, en:sk no reason, en:ok save."""

    action: Literal["dt", "sk", "ok"]
    nonce: Nonce


class Timeline(Button, layout="tl:{child}:{page}"):
    child: Id
    page: Page


# --- the green channel -----------------------------------------------------------------------------
# gc answers a family-call reminder (called / couldn't get through / snooze); /callplan: gp:c, then gp:r;
# /parentnote: gn:c; gw:w a parent starts a message to the head teacher, gw:a a head teacher answers one;
# gs:m / gs:<setting>[:<language>] the settings.


class CallAnswer(Button, layout="gc:{child}:{slot}:{answer}"):
    child: Id
    slot: Id  # the call slot, in minutes
    answer: Literal["c", "n", "s"]


class HeadTeacherPick(Button):
    """A child picked for /callplan or /parentnote."""

    child: Id


class CallPlanChild(HeadTeacherPick, layout="gp:c:{child}"):
    pass


class CallPlanRhythm(Button, layout="gp:r:{rhythm}"):
    rhythm: Annotated[str, Match(r"w[0-6]|i|off", "off")]


class ParentNoteChild(HeadTeacherPick, layout="gn:c:{child}"):
    pass


class GreenWrite(Button, layout="gw:w"):
    pass


class GreenAnswer(Button, layout="gw:a:{message}"):
    message: Id


class GreenSettingsMenu(Button, layout="gs:m"):
    pass


class GreenSettingsSet(Button, layout="gs:{setting}[:{language}]"):
    setting: Annotated[str, Match("lang|pause|resume|stop|start", "resume")]
    language: Literal["zh_CN", "en"] | None = None


def _declared(base: type[Button]) -> list[type[Button]]:
    found = []
    for kind in base.__subclasses__():
        if kind.layout and kind.__module__ == __name__:
            found.append(kind)
        found.extend(k for k in _declared(kind) if k not in found)
    return found


KINDS: tuple[type[Button], ...] = tuple(_declared(Button))  # every kind of button the bot sends
