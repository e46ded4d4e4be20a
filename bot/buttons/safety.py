"""The safety buttons: concerns and risk, the mailbox, counselling, privacy, mandatory reporting."""

from __future__ import annotations

from typing import Annotated

from bot.buttons.fields import Binary, Id, OfChild, OfConcern, OfTicket, Page, Paged, UserId
from bot.callback_data import Button, one_of
from bot.domain import safety

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


class ConcernAssignTo(OfConcern, layout="cc:to:{concern}:{user}"):
    user: UserId


class ConcernClose(OfConcern, layout="cc:cl:{concern}"): ...


class ConcernOutcome(OfConcern, layout="cc:oc:{concern}:{outcome}"):  # closes at once
    outcome: Annotated[safety.Outcome, _CLOSING]


class ConcernOutcomeNote(OfConcern, layout="cc:oc:{concern}:{outcome}"):  # asks for a note first
    outcome: Annotated[safety.Outcome, _NEEDING_NOTE]


def concern_outcome(concern: int, outcome: safety.Outcome) -> ConcernOutcome | ConcernOutcomeNote:
    """The button of one outcome of closing a concern: it closes at once, or asks for a note first."""
    if outcome in safety.OUTCOMES_NEEDING_NOTE:
        return ConcernOutcomeNote(concern, outcome)
    return ConcernOutcome(concern, outcome)


class RiskMenu(OfChild, layout="rk:m:{child}"): ...


class RiskLevel(OfChild, layout="rk:l:{child}:{level}"):
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


class AuditView(OfChild, layout="au:v:{child}:{page}"):
    page: Page


# --- reporting ---------------------------------------------------------------------------------------


class ConcernPoliceNow(OfConcern, layout="cc:pn:{concern}"): ...  # the report to the police was made just now


class ConcernFeedback(OfConcern, layout="cc:fb:{concern}"): ...  # record the police's feedback on a report


class ConcernRegister(Button, layout="cc:reg"): ...  # the register of reports as a workbook
