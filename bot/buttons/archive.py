"""The archive's buttons: registration, cards, invitations, language, figures and exports."""

from __future__ import annotations

from typing import Annotated, Literal

from bot.buttons.fields import (
    FormPick,
    FormStep,
    Id,
    InFlow,
    Nonce,
    Number,
    OfScope,
    Page,
    Paged,
    ScopeCode,
    Step,
    Term,
    Value,
)
from bot.callback_data import Button, Match

# --- registration (/register) ----------------------------------------------------------------------


class RegisterPick(FormPick, layout="reg:p:{nonce}:{step}:{value}"): ...


class RegisterSkip(FormStep, layout="reg:s:{nonce}:{step}"): ...


class RegisterSkipSection(FormStep, layout="reg:ss:{nonce}:{step}"): ...


class RegisterSave(InFlow, layout="reg:ok:{nonce}"): ...


class RegisterMore(InFlow, layout="reg:mo:{nonce}"): ...


class RegisterEdit(InFlow, layout="reg:ed:{nonce}"): ...


class RegisterEditField(FormStep, layout="reg:ef:{nonce}:{step}"): ...


class RegisterDuplicate(Button, layout="reg:d{answer}:{nonce}"):
    answer: Literal["y", "n"]
    nonce: Nonce


# --- children and their cards ----------------------------------------------------------------------


class ChildView(Button, layout="ch:v:{child}"):
    child: Number


class ChildPage(Button, layout="ch:pg:{page}"):
    page: Annotated[int, Match(r"\d+", "9" * 5)]  # never bounded either


class MyChildrenPage(Paged, layout="my:pg:{page}"):
    page: Annotated[int, Match(r"\d+", "9" * 5)]  # never bounded either


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


class InviteSchool(Button, layout="inv:s:{school_id}"):  # an admin of several schools picks one
    school_id: Number


class InviteChild(Button, layout="inv:ch:{child}"):
    child: Number


class InviteRelation(Button, layout="inv:rel:{relation}"):
    relation: str


# --- language --------------------------------------------------------------------------------------


class Language(Button, layout="lang:{locale}"):
    locale: Literal["zh_CN", "en"]


# --- stats, export, import -------------------------------------------------------------------------


class ScopeFigures(OfScope):  # a scope's figures (of a term, or the current one)
    term: Term | None = None


class StatsView(ScopeFigures, layout="st:v:{scope}[:{term}]"): ...  # the key figures


class StatsFull(ScopeFigures, layout="st:f:{scope}[:{term}]"): ...  # every figure, with its explanation


class StatsList(Button, layout="st:l:{kind}:{scope}:{page}"):
    kind: Annotated[str, Match("nog|unr|nom|ncs|ovd|noa", "ovd")]
    scope: ScopeCode
    page: Page


class StatsChart(OfScope, layout="st:c:{scope}"): ...


class ExportScope(OfScope, layout="ex:s:{scope}"): ...


class ExportGo(OfScope, layout="ex:g:{scope}:{period}"):
    period: Annotated[str, Match("d30|t0|t1|c", "d30")]


class ImportConfirm(Button, layout="imp:{action}:{batch}"):
    action: Literal["ok", "no"]
    batch: Id
