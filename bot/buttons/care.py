"""The care flows' buttons: the child picker, check-ins, visits, pairings, boarding, the green channel."""

from __future__ import annotations

from typing import Annotated, Literal

from bot.buttons.fields import Binary, ChildPick, Days, Id, InFlow, Nonce, OfChild, Page, Paged, UserId
from bot.callback_data import Button, Match, digits
from bot.domain import care

# --- the child picker of the care flows: <area>:c:<nonce>:<child> -----------------------------------


class InvitePick(ChildPick, layout="ivc:c:{nonce}:{child}"): ...


class CheckinPick(ChildPick, layout="ci:c:{nonce}:{child}"): ...


class VisitPick(ChildPick, layout="vi:c:{nonce}:{child}"): ...


class PairPick(ChildPick, layout="pa:c:{nonce}:{child}"): ...


class BuddyPick(ChildPick, layout="bu:c:{nonce}:{child}"): ...


# --- check-ins -------------------------------------------------------------------------------------


class CheckinAction(Button, layout="ci:{action}:{nonce}"):
    action: Literal["ok", "d", "sk", "w", "s"]
    nonce: Nonce


class CheckinRate(InFlow, layout="ci:r:{nonce}:{step}:{rating}"):
    step: Annotated[int, Match(r"\d", "9")]
    rating: Annotated[int, digits(3)]  # checked against the scale by the domain


class CheckinConcern(Button, layout="cq:{checkin}:{answer}"):
    checkin: Id
    answer: Literal["y", "n"]


# --- visits and follow-ups -------------------------------------------------------------------------


class VisitKind(InFlow, layout="vi:k:{nonce}:{kind}"):
    kind: care.VisitKind


class VisitDate(InFlow, layout="vi:dt:{nonce}:{days_ago}"):
    days_ago: Binary


class VisitSkip(InFlow, layout="vi:sk:{nonce}"): ...


class VisitFollowup(InFlow, layout="vi:f:{nonce}:{answer}"):
    answer: Literal["y", "n"]


class VisitDue(InFlow, layout="vi:due:{nonce}:{days}"):
    days: Days


class VisitSave(InFlow, layout="vi:s:{nonce}"): ...


class FollowupDone(Button, layout="fu:d:{followup}"):
    followup: Id


class FollowupPage(Paged, layout="fu:pg:{page}"): ...


# --- pairings and buddies --------------------------------------------------------------------------


class PairMentor(InFlow, layout="pa:m:{nonce}:{mentor}"):
    mentor: UserId


class PairCadence(InFlow, layout="pa:cd:{nonce}:{days}"):
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


class EnrolStart(OfChild, layout="en:s:{child}:{status}"):
    status: care.Enrolment


class EnrolAction(Button, layout="en:{action}:{nonce}"):  # dt today, sk no reason, ok save
    action: Literal["dt", "sk", "ok"]
    nonce: Nonce


class Timeline(OfChild, layout="tl:{child}:{page}"):
    page: Page


# --- the green channel -----------------------------------------------------------------------------


class CallAnswer(OfChild, layout="gc:{child}:{slot}:{answer}"):
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
