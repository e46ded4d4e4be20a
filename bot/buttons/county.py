"""The county's buttons: transfers, attendance, the county's figures, schools, the parents' half."""

from __future__ import annotations

from typing import Annotated, Literal

from bot.buttons.fields import ChildPick, FormPick, Id, InFlow, Nonce, OfChild, Step
from bot.callback_data import Button, Match
from bot.domain import attendance

# --- transfers -------------------------------------------------------------------------------------


class TransferStart(Button, layout="tr:new"): ...  # begin a transfer out, under the list of open ones


class TransferPick(ChildPick, layout="tr:c:{nonce}:{child}"): ...


class TransferSchool(InFlow, layout="tr:s:{nonce}:{school}"):
    school: Id


class TransferClass(InFlow, layout="tr:k:{nonce}:{class_id}"):
    class_id: Id


class TransferConfirm(InFlow, layout="tr:ok:{nonce}"): ...


class TransferDecide(Button, layout="tr:{answer}:{transfer}"):  # y accept, n decline (the new side), w withdraw
    answer: Literal["y", "n", "w"]
    transfer: Id


# --- attendance ------------------------------------------------------------------------------------

Month = Annotated[str, Match(r"\d{4}-\d{2}", "2026-12")]


class AbsentClass(Button, layout="at:c:{klass}"):  # the class whose absentees are marked
    klass: Id


class AbsentToggle(InFlow, layout="at:t:{nonce}:{child}"):  # one more tap on a child of the day's list
    child: Id


class AbsentDone(InFlow, layout="at:d:{nonce}"): ...


class CaseView(Button, layout="at:k:{case}"):  # a suspected-dropout case
    case: Id


class CaseAttempt(Button, layout="at:a:{case}"):  # record an attempt to bring the child back
    case: Id


class AttemptMethod(InFlow, layout="at:m:{nonce}:{method}"):
    method: attendance.Method


class AttemptOutcome(InFlow, layout="at:o:{nonce}:{outcome}"):
    outcome: attendance.Outcome


class MonthlyReport(Button, layout="at:r:{month}"):
    month: Month


# --- county figures and look-ups ---


class LookupSchool(InFlow, layout="lk:s:{nonce}:{school}"):  # the school to search in
    school: Id


class LookupChild(InFlow, layout="lk:c:{nonce}:{child}"):  # one of the matches shown
    child: Id


class LookupReason(InFlow, layout="lk:r:{nonce}:{reason}"):  # why the card is opened
    reason: Literal["verify", "case", "safety", "other"]


# --- schools ---------------------------------------------------------------------------------------


class SchoolAdd(Button, layout="sc:add"): ...  # /schools: add a school of the county


class SchoolAddSkip(InFlow, layout="sc:sk:{nonce}"): ...  # no township


class SchoolInviteAdmin(Button, layout="sc:ia:{school}"):  # /schools: a link inviting the school's first admin
    school: Id


class SchoolSettingsPick(Button, layout="ss:p:{school}"):  # /school: which school (an admin of several)
    school: Id


class SchoolSettingsEdit(InFlow, layout="ss:e:{nonce}:{what}"):  # /school: change the weekly update or quiet hours
    what: Literal["w", "q", "t"]  # the weekly update, the quiet hours, the terms' first days


class SchoolWeekday(InFlow, layout="ss:d:{nonce}:{day}"):
    day: Annotated[int, Match(r"[0-6]", "6")]


class MailboxSchool(Button, layout="mb:s:{school}"):  # a new letter's school, where the county has several
    school: Id


# --- parents ---------------------------------------------------------------------------------------


class GuardianChild(OfChild, layout="gd:c:{child}"): ...  # a parent picks the child whose carer they name


class GuardianPick(FormPick, layout="gd:p:{nonce}:{step}:{value}"): ...  # a relation, or a value from the card


class GuardianTick(InFlow, layout="gd:t:{nonce}:{condition}"):  # ticks or unticks one condition of the law
    condition: Step


class GuardianAction(Button, layout="gd:{action}:{nonce}"):  # ok: submit, same: confirm unchanged, new: change
    action: Literal["ok", "same", "new"]
    nonce: Nonce


class NoticeNew(Button, layout="nt:new"): ...  # write a notice


class NoticeList(Button, layout="nt:list"): ...  # the notices one sent


class NoticePick(FormPick, layout="nt:p:{nonce}:{step}:{value}"): ...  # audience, template, kind of a notice


class NoticeAction(Button, layout="nt:{action}:{nonce}"):  # go: send, next: text done
    action: Literal["go", "next"]
    nonce: Nonce


class NoticeStatus(Button, layout="ns:{notice}"):  # who has not confirmed, by class
    notice: Id


class NoticeConfirm(Button, layout="nc:{notice}"):  # a family's ✅ 收到
    notice: Id


class NoticeAnswer(Button, layout="na:{notice}:{choice}"):  # a family's answer: one of the given choices
    notice: Id
    choice: Step


class WeeklyAck(Button, layout="wk:ok"): ...  # a family read the weekly update (the message says which week)
