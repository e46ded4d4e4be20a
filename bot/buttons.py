"""What each button carries: one declaration per kind (bot/callback_data.py says how one is declared).

A kind packs its callback data (short ASCII, at most 64 bytes), gives its handler's pattern and parses a press back
into a typed object: `MailboxTicket(ticket=12).pack() == "mb:t:12"`, `MailboxTicket.pattern`,
`MailboxTicket.of(update).ticket`. No callback data is written, and no pattern, anywhere else. Every callback
re-checks authorisation, since the ids come from the client.
"""

from __future__ import annotations

from typing import Annotated, Literal

from bot.callback_data import Button, Match, declared, digits, one_of
from bot.domain import attendance, care, safety

Id = int  # a row id: up to 12 digits
Number = Annotated[int, Match(r"\d+", "9" * 12)]  # a row id in the kinds that never bounded it
UserId = Annotated[int, digits(15)]  # a Telegram user id
Page = Annotated[int, digits(5)]
Days = Annotated[int, digits(3)]
Step = Annotated[int, Match(r"\d+", "99")]  # a step of a form (the form's own index)
Nonce = Annotated[str, Match(r"\w+", "f" * 6)]  # one run of a flow (care_picker.new_nonce)
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


class OfConcern(Button):
    concern: Id


class OfTicket(Button):
    ticket: Id


# --- registration (/register) ----------------------------------------------------------------------


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


class RegisterSave(InFlow, layout="reg:ok:{nonce}"): ...


class RegisterMore(InFlow, layout="reg:mo:{nonce}"): ...


class RegisterEdit(InFlow, layout="reg:ed:{nonce}"): ...


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


# --- the child picker of the care flows: <area>:c:<nonce>:<child> -----------------------------------


class ChildPick(Button):  # a child offered by care_picker (a quick pick or a search result) in one run of a flow
    nonce: Nonce
    child: Id


class InvitePick(ChildPick, layout="ivc:c:{nonce}:{child}"): ...


class CheckinPick(ChildPick, layout="ci:c:{nonce}:{child}"): ...


class VisitPick(ChildPick, layout="vi:c:{nonce}:{child}"): ...


class PairPick(ChildPick, layout="pa:c:{nonce}:{child}"): ...


class BuddyPick(ChildPick, layout="bu:c:{nonce}:{child}"): ...


# --- language --------------------------------------------------------------------------------------


class Language(Button, layout="lang:{locale}"):
    locale: Literal["zh_CN", "en"]


# --- stats, export, import -------------------------------------------------------------------------


class ScopeFigures(Button):  # a scope's figures (of a term, or the current one)
    scope: ScopeCode
    term: Term | None = None


class StatsView(ScopeFigures, layout="st:v:{scope}[:{term}]"): ...  # the key figures


class StatsFull(ScopeFigures, layout="st:f:{scope}[:{term}]"): ...  # every figure, with its explanation


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


_CLOSING = one_of([o for o in safety.Outcome if o not in safety.OUTCOMES_NEEDING_NOTE])
_NEEDING_NOTE = one_of([o for o in safety.Outcome if o in safety.OUTCOMES_NEEDING_NOTE])


class ConcernPick(OfChild, layout="cc:c:{child}"): ...


class ConcernFromCheckin(Button, layout="cc:ck:{checkin}"):
    checkin: Id


class ConcernFromCard(OfChild, layout="cc:n:{child}"): ...


class ConcernKind(Button, layout="cc:k:{kind}"):
    kind: safety.ConcernKind


class ConcernWhen(Button, layout="cc:w:{days_ago}"):
    days_ago: Binary


class ConcernAck(OfConcern, layout="cc:ack:{concern}"): ...


class ConcernAssign(OfConcern, layout="cc:as:{concern}"): ...


class ConcernAssignTo(Button, layout="cc:to:{concern}:{user}"):
    concern: Id
    user: UserId


class ConcernClose(OfConcern, layout="cc:cl:{concern}"): ...


class ConcernOutcome(Button, layout="cc:oc:{concern}:{outcome}"):  # closes at once
    concern: Id
    outcome: Annotated[safety.Outcome, _CLOSING]


class ConcernOutcomeNote(Button, layout="cc:oc:{concern}:{outcome}"):  # asks for a note first
    concern: Id
    outcome: Annotated[safety.Outcome, _NEEDING_NOTE]


def concern_outcome(concern: int, outcome: safety.Outcome) -> ConcernOutcome | ConcernOutcomeNote:
    """The button of one outcome of closing a concern: it closes at once, or asks for a note first."""
    if outcome in safety.OUTCOMES_NEEDING_NOTE:
        return ConcernOutcomeNote(concern, outcome)
    return ConcernOutcome(concern, outcome)


class RiskMenu(OfChild, layout="rk:m:{child}"): ...


class RiskLevel(Button, layout="rk:l:{child}:{level}"):
    child: Id
    level: safety.RiskLevel


# --- the mailbox -----------------------------------------------------------------------------------

MAILBOX_PREFIX = "mb:"  # every mailbox button; the inbox and the guard leave these unstored


class MailboxNew(Button, layout="mb:new"): ...


class MailboxAnswer(OfTicket, layout="mb:a:{ticket}"): ...


class MailboxTicket(OfTicket, layout="mb:t:{ticket}"): ...


class MailboxReply(OfTicket, layout="mb:r:{ticket}"): ...


class MailboxClose(OfTicket, layout="mb:x:{ticket}"): ...


class MailboxPage(Paged, layout="mb:pg:{page}"): ...


# --- counselling -----------------------------------------------------------------------------------


class CounselView(OfChild, layout="cs:v:{child}"): ...


class CounselNew(OfChild, layout="cs:n:{child}"): ...


class CounselToday(Button, layout="cs:d:0"): ...


class CounselSkip(Button, layout="cs:skip"): ...


class CounselShare(Button, layout="cs:sh:{shared}"):
    shared: Binary


# --- privacy and the audit trail -------------------------------------------------------------------


class PrivacyConsent(OfChild, layout="pv:ok:{child}"): ...


class PrivacyPaper(OfChild, layout="pv:pp:{child}"): ...


class PrivacyCorrect(OfChild, layout="pv:fx:{child}"): ...


class PrivacyRequestErase(OfChild, layout="pv:rm:{child}"): ...


class PrivacyRequestEraseYes(OfChild, layout="pv:rmy:{child}"): ...


class PrivacyErase(OfChild, layout="pv:er:{child}"): ...


class PrivacyEraseYes(OfChild, layout="pv:ery:{child}"): ...


class PrivacyNo(Button, layout="pv:no"): ...


class AuditView(Button, layout="au:v:{child}:{page}"):
    child: Id
    page: Page


# --- check-ins -------------------------------------------------------------------------------------


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


class VisitSkip(InFlow, layout="vi:sk:{nonce}"): ...


class VisitFollowup(Button, layout="vi:f:{nonce}:{answer}"):
    nonce: Nonce
    answer: Literal["y", "n"]


class VisitDue(Button, layout="vi:due:{nonce}:{days}"):
    nonce: Nonce
    days: Days


class VisitSave(InFlow, layout="vi:s:{nonce}"): ...


class FollowupDone(Button, layout="fu:d:{followup}"):
    followup: Id


class FollowupPage(Paged, layout="fu:pg:{page}"): ...


# --- pairings and buddies --------------------------------------------------------------------------


class PairMentor(Button, layout="pa:m:{nonce}:{mentor}"):
    nonce: Nonce
    mentor: UserId


class PairCadence(Button, layout="pa:cd:{nonce}:{days}"):
    nonce: Nonce
    days: Days


class PairEnd(InFlow, layout="pa:end:{nonce}"): ...


class BuddyEnd(InFlow, layout="bu:end:{nonce}"): ...


# --- boarding, enrolment, the timeline -------------------------------------------------------------


class BoardingRequest(OfChild, layout="bo:rq:{child}"): ...


class BoardingDecide(Button, layout="bo:{answer}:{request}"):
    answer: Literal["y", "n"]
    request: Id


class BoardingPage(Paged, layout="bo:pg:{page}"): ...


class EnrolView(OfChild, layout="en:v:{child}"): ...


class EnrolStart(Button, layout="en:s:{child}:{status}"):
    child: Id
    status: care.Enrolment


class EnrolAction(Button, layout="en:{action}:{nonce}"):  # dt today, sk no reason, ok save
    action: Literal["dt", "sk", "ok"]
    nonce: Nonce


class Timeline(Button, layout="tl:{child}:{page}"):
    child: Id
    page: Page


# --- the green channel -----------------------------------------------------------------------------


class CallAnswer(Button, layout="gc:{child}:{slot}:{answer}"):
    child: Id
    slot: Id  # the call slot, in minutes
    answer: Literal["c", "n", "s"]


class HeadTeacherPick(OfChild): ...  # a child picked for /callplan or /parentnote


class CallPlanChild(HeadTeacherPick, layout="gp:c:{child}"): ...


class CallPlanRhythm(Button, layout="gp:r:{rhythm}"):
    rhythm: Annotated[str, Match(r"w[0-6]|i|off", "off")]


class ParentNoteChild(HeadTeacherPick, layout="gn:c:{child}"): ...


class GreenWrite(Button, layout="gw:w"): ...


class GreenAnswer(Button, layout="gw:a:{message}"):
    message: Id


class GreenSettingsMenu(Button, layout="gs:m"): ...


class GreenSettingsSet(Button, layout="gs:{setting}[:{language}]"):
    setting: Annotated[str, Match("lang|pause|resume|stop|start", "resume")]
    language: Literal["zh_CN", "en"] | None = None


# --- transfers -------------------------------------------------------------------------------------


class TransferStart(Button, layout="tr:new"): ...  # begin a transfer out, under the list of open ones


class TransferPick(ChildPick, layout="tr:c:{nonce}:{child}"): ...


class TransferSchool(Button, layout="tr:s:{nonce}:{school}"):
    nonce: Nonce
    school: Id


class TransferClass(Button, layout="tr:k:{nonce}:{class_id}"):
    nonce: Nonce
    class_id: Id


class TransferConfirm(InFlow, layout="tr:ok:{nonce}"): ...


class TransferDecide(Button, layout="tr:{answer}:{transfer}"):  # y accept, n decline (the new side), w withdraw
    answer: Literal["y", "n", "w"]
    transfer: Id


# --- attendance ------------------------------------------------------------------------------------

Month = Annotated[str, Match(r"\d{4}-\d{2}", "2026-12")]


class AbsentClass(Button, layout="at:c:{klass}"):  # the class whose absentees are marked
    klass: Id


class AbsentToggle(Button, layout="at:t:{nonce}:{child}"):  # one more tap on a child of the day's list
    nonce: Nonce
    child: Id


class AbsentDone(Button, layout="at:d:{nonce}"):
    nonce: Nonce


class CaseView(Button, layout="at:k:{case}"):  # a suspected-dropout case
    case: Id


class CaseAttempt(Button, layout="at:a:{case}"):  # record an attempt to bring the child back
    case: Id


class AttemptMethod(Button, layout="at:m:{nonce}:{method}"):
    nonce: Nonce
    method: attendance.Method


class AttemptOutcome(Button, layout="at:o:{nonce}:{outcome}"):
    nonce: Nonce
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


class SchoolSettingsEdit(Button, layout="ss:e:{nonce}:{what}"):  # /school: change the weekly update or quiet hours
    nonce: Nonce
    what: Literal["w", "q"]


class SchoolWeekday(Button, layout="ss:d:{nonce}:{day}"):
    nonce: Nonce
    day: Annotated[int, Match(r"[0-6]", "6")]


class MailboxSchool(Button, layout="mb:s:{school}"):  # a new letter's school, where the county has several
    school: Id


# --- parents ---------------------------------------------------------------------------------------


class GuardianChild(OfChild, layout="gd:c:{child}"): ...  # a parent picks the child whose carer they name


class GuardianPick(Button, layout="gd:p:{nonce}:{step}:{value}"):  # a relation, or a value from the card
    nonce: Nonce
    step: Step
    value: Value


class GuardianTick(Button, layout="gd:t:{nonce}:{condition}"):  # ticks or unticks one condition of the law
    nonce: Nonce
    condition: Step


class GuardianAction(Button, layout="gd:{action}:{nonce}"):  # ok: submit, same: confirm unchanged, new: change
    action: Literal["ok", "same", "new"]
    nonce: Nonce


class NoticeNew(Button, layout="nt:new"): ...  # write a notice


class NoticeList(Button, layout="nt:list"): ...  # the notices one sent


class NoticePick(Button, layout="nt:p:{nonce}:{step}:{value}"):  # audience, template, kind of a notice
    nonce: Nonce
    step: Step
    value: Value


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


# --- reporting ---------------------------------------------------------------------------------------


class ConcernPoliceNow(OfConcern, layout="cc:pn:{concern}"): ...  # the report to the police was made just now


class ConcernFeedback(OfConcern, layout="cc:fb:{concern}"): ...  # record the police's feedback on a report


class ConcernRegister(Button, layout="cc:reg"): ...  # the register of reports as a workbook


KINDS: tuple[type[Button], ...] = tuple(declared(Button, __name__))  # every kind of button the bot sends
