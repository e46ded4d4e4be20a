"""The fields and the bases the kinds of button share (bot/buttons/ declares the kinds by area)."""

from __future__ import annotations

from typing import Annotated, Literal

from bot.callback_data import Button, Match, digits

Id = int  # a row id: up to 12 digits
Number = Annotated[int, Match(r"\d+", "9" * 12)]  # a row id in the kinds that never bounded it
UserId = Annotated[int, digits(15)]  # a Telegram user id
Page = Annotated[int, digits(5)]
Days = Annotated[int, digits(3)]
Step = Annotated[int, Match(r"\d+", "99")]  # a step of a form (the form's own index)
Nonce = Annotated[str, Match(r"\w+", "f" * 6)]  # one run of a flow (flow.new_nonce)
Value = Annotated[str, Match(r"[\w-]+", "x" * 16)]  # a choice of a form field, or a class id
# bot.domain.stats.Scope.encode(): the county, a school, a grade of a school, a class
ScopeCode = Annotated[str, Match(r"k|s|s\d{1,9}|g\d{1,9}(?:\.\d{1,9})?|c\d{1,9}", "g999999999.999999999")]
Term = Annotated[str, Match(r"\d{4}-[12]", "2025-2")]  # a school term's key
Binary = Literal[0, 1]


class Paged(Button):  # a page (0-based) of a list that common.show_page shows
    page: Page


class OfChild(Button):  # about one child (the handler's service re-checks it)
    child: Id


class InFlow(Button):  # one run of a flow: a button of an earlier run is stale
    nonce: Nonce


class FormStep(InFlow):  # a step of a form (its own index) in one run of a flow
    step: Step


class FormPick(FormStep):  # a value picked for a step of a form
    value: Value


class OfScope(Button):  # about the children of a scope (the county, a school, a grade, a class)
    scope: ScopeCode


class OfConcern(Button):
    concern: Id


class OfTicket(Button):
    ticket: Id


class ChildPick(Button):  # a child offered by care_picker (a quick pick or a search result) in one run of a flow
    nonce: Nonce
    child: Id
