"""What each button carries: one declaration per kind (bot/callback_data.py says how one is declared).

A kind packs its callback data (short ASCII, at most 64 bytes), gives its handler's pattern and parses a press back
into a typed object: `MailboxTicket(ticket=12).pack() == "mb:t:12"`, `MailboxTicket.pattern`,
`MailboxTicket.of(update).ticket`. No callback data is written, and no pattern, anywhere else. Every callback
re-checks authorisation, since the ids come from the client.

The kinds are declared by area in the modules of this package; every one is named here, as `bt.<Kind>`.
"""

from __future__ import annotations

from bot.buttons import archive, care, county, safety, support
from bot.buttons.archive import CardEditClear as CardEditClear
from bot.buttons.archive import CardEditField as CardEditField
from bot.buttons.archive import CardEditMenu as CardEditMenu
from bot.buttons.archive import CardEditValue as CardEditValue
from bot.buttons.archive import ChildPage as ChildPage
from bot.buttons.archive import ChildView as ChildView
from bot.buttons.archive import ExportGo as ExportGo
from bot.buttons.archive import ExportScope as ExportScope
from bot.buttons.archive import ImportConfirm as ImportConfirm
from bot.buttons.archive import InviteChild as InviteChild
from bot.buttons.archive import InviteClass as InviteClass
from bot.buttons.archive import InviteKind as InviteKind
from bot.buttons.archive import InviteRelation as InviteRelation
from bot.buttons.archive import InviteRole as InviteRole
from bot.buttons.archive import InviteSchool as InviteSchool
from bot.buttons.archive import Language as Language
from bot.buttons.archive import MyChildrenPage as MyChildrenPage
from bot.buttons.archive import RegisterDuplicate as RegisterDuplicate
from bot.buttons.archive import RegisterEdit as RegisterEdit
from bot.buttons.archive import RegisterEditField as RegisterEditField
from bot.buttons.archive import RegisterMore as RegisterMore
from bot.buttons.archive import RegisterPick as RegisterPick
from bot.buttons.archive import RegisterSave as RegisterSave
from bot.buttons.archive import RegisterSkip as RegisterSkip
from bot.buttons.archive import RegisterSkipSection as RegisterSkipSection
from bot.buttons.archive import ScopeFigures as ScopeFigures
from bot.buttons.archive import StatsChart as StatsChart
from bot.buttons.archive import StatsFull as StatsFull
from bot.buttons.archive import StatsList as StatsList
from bot.buttons.archive import StatsView as StatsView
from bot.buttons.care import BoardingDecide as BoardingDecide
from bot.buttons.care import BoardingPage as BoardingPage
from bot.buttons.care import BoardingRequest as BoardingRequest
from bot.buttons.care import BuddyEnd as BuddyEnd
from bot.buttons.care import BuddyPick as BuddyPick
from bot.buttons.care import CallAnswer as CallAnswer
from bot.buttons.care import CallPlanChild as CallPlanChild
from bot.buttons.care import CallPlanRhythm as CallPlanRhythm
from bot.buttons.care import CheckinAction as CheckinAction
from bot.buttons.care import CheckinConcern as CheckinConcern
from bot.buttons.care import CheckinPick as CheckinPick
from bot.buttons.care import CheckinRate as CheckinRate
from bot.buttons.care import EnrolAction as EnrolAction
from bot.buttons.care import EnrolStart as EnrolStart
from bot.buttons.care import EnrolView as EnrolView
from bot.buttons.care import FollowupDone as FollowupDone
from bot.buttons.care import FollowupPage as FollowupPage
from bot.buttons.care import GreenAnswer as GreenAnswer
from bot.buttons.care import GreenSettingsMenu as GreenSettingsMenu
from bot.buttons.care import GreenSettingsSet as GreenSettingsSet
from bot.buttons.care import GreenWrite as GreenWrite
from bot.buttons.care import HeadTeacherPick as HeadTeacherPick
from bot.buttons.care import InvitePick as InvitePick
from bot.buttons.care import PairCadence as PairCadence
from bot.buttons.care import PairEnd as PairEnd
from bot.buttons.care import PairMentor as PairMentor
from bot.buttons.care import PairPick as PairPick
from bot.buttons.care import ParentNoteChild as ParentNoteChild
from bot.buttons.care import Timeline as Timeline
from bot.buttons.care import VisitDate as VisitDate
from bot.buttons.care import VisitDue as VisitDue
from bot.buttons.care import VisitFollowup as VisitFollowup
from bot.buttons.care import VisitKind as VisitKind
from bot.buttons.care import VisitPick as VisitPick
from bot.buttons.care import VisitSave as VisitSave
from bot.buttons.care import VisitSkip as VisitSkip
from bot.buttons.county import AbsentClass as AbsentClass
from bot.buttons.county import AbsentDone as AbsentDone
from bot.buttons.county import AbsentToggle as AbsentToggle
from bot.buttons.county import AttemptMethod as AttemptMethod
from bot.buttons.county import AttemptOutcome as AttemptOutcome
from bot.buttons.county import CaseAttempt as CaseAttempt
from bot.buttons.county import CaseView as CaseView
from bot.buttons.county import GuardianAction as GuardianAction
from bot.buttons.county import GuardianChild as GuardianChild
from bot.buttons.county import GuardianPick as GuardianPick
from bot.buttons.county import GuardianTick as GuardianTick
from bot.buttons.county import LookupChild as LookupChild
from bot.buttons.county import LookupReason as LookupReason
from bot.buttons.county import LookupSchool as LookupSchool
from bot.buttons.county import MailboxSchool as MailboxSchool
from bot.buttons.county import Month as Month
from bot.buttons.county import MonthlyReport as MonthlyReport
from bot.buttons.county import NoticeAction as NoticeAction
from bot.buttons.county import NoticeAnswer as NoticeAnswer
from bot.buttons.county import NoticeConfirm as NoticeConfirm
from bot.buttons.county import NoticeList as NoticeList
from bot.buttons.county import NoticeNew as NoticeNew
from bot.buttons.county import NoticePick as NoticePick
from bot.buttons.county import NoticeStatus as NoticeStatus
from bot.buttons.county import SchoolAdd as SchoolAdd
from bot.buttons.county import SchoolAddSkip as SchoolAddSkip
from bot.buttons.county import SchoolInviteAdmin as SchoolInviteAdmin
from bot.buttons.county import SchoolSettingsEdit as SchoolSettingsEdit
from bot.buttons.county import SchoolSettingsPick as SchoolSettingsPick
from bot.buttons.county import SchoolWeekday as SchoolWeekday
from bot.buttons.county import TransferClass as TransferClass
from bot.buttons.county import TransferConfirm as TransferConfirm
from bot.buttons.county import TransferDecide as TransferDecide
from bot.buttons.county import TransferPick as TransferPick
from bot.buttons.county import TransferSchool as TransferSchool
from bot.buttons.county import TransferStart as TransferStart
from bot.buttons.county import WeeklyAck as WeeklyAck
from bot.buttons.fields import Binary as Binary
from bot.buttons.fields import ChildPick as ChildPick
from bot.buttons.fields import Days as Days
from bot.buttons.fields import Id as Id
from bot.buttons.fields import InFlow as InFlow
from bot.buttons.fields import Nonce as Nonce
from bot.buttons.fields import Number as Number
from bot.buttons.fields import OfChild as OfChild
from bot.buttons.fields import OfConcern as OfConcern
from bot.buttons.fields import OfTicket as OfTicket
from bot.buttons.fields import Page as Page
from bot.buttons.fields import Paged as Paged
from bot.buttons.fields import ScopeCode as ScopeCode
from bot.buttons.fields import Step as Step
from bot.buttons.fields import Term as Term
from bot.buttons.fields import UserId as UserId
from bot.buttons.fields import Value as Value
from bot.buttons.safety import _CLOSING as _CLOSING
from bot.buttons.safety import _NEEDING_NOTE as _NEEDING_NOTE
from bot.buttons.safety import MAILBOX_PREFIX as MAILBOX_PREFIX
from bot.buttons.safety import AuditView as AuditView
from bot.buttons.safety import ConcernAck as ConcernAck
from bot.buttons.safety import ConcernAssign as ConcernAssign
from bot.buttons.safety import ConcernAssignTo as ConcernAssignTo
from bot.buttons.safety import ConcernClose as ConcernClose
from bot.buttons.safety import ConcernFeedback as ConcernFeedback
from bot.buttons.safety import ConcernFromCard as ConcernFromCard
from bot.buttons.safety import ConcernFromCheckin as ConcernFromCheckin
from bot.buttons.safety import ConcernKind as ConcernKind
from bot.buttons.safety import ConcernOutcome as ConcernOutcome
from bot.buttons.safety import ConcernOutcomeNote as ConcernOutcomeNote
from bot.buttons.safety import ConcernPick as ConcernPick
from bot.buttons.safety import ConcernPoliceNow as ConcernPoliceNow
from bot.buttons.safety import ConcernRegister as ConcernRegister
from bot.buttons.safety import ConcernWhen as ConcernWhen
from bot.buttons.safety import CounselNew as CounselNew
from bot.buttons.safety import CounselShare as CounselShare
from bot.buttons.safety import CounselSkip as CounselSkip
from bot.buttons.safety import CounselToday as CounselToday
from bot.buttons.safety import CounselView as CounselView
from bot.buttons.safety import MailboxAnswer as MailboxAnswer
from bot.buttons.safety import MailboxClose as MailboxClose
from bot.buttons.safety import MailboxNew as MailboxNew
from bot.buttons.safety import MailboxPage as MailboxPage
from bot.buttons.safety import MailboxReply as MailboxReply
from bot.buttons.safety import MailboxTicket as MailboxTicket
from bot.buttons.safety import PrivacyConsent as PrivacyConsent
from bot.buttons.safety import PrivacyCorrect as PrivacyCorrect
from bot.buttons.safety import PrivacyErase as PrivacyErase
from bot.buttons.safety import PrivacyEraseYes as PrivacyEraseYes
from bot.buttons.safety import PrivacyNo as PrivacyNo
from bot.buttons.safety import PrivacyPaper as PrivacyPaper
from bot.buttons.safety import PrivacyRequestErase as PrivacyRequestErase
from bot.buttons.safety import PrivacyRequestEraseYes as PrivacyRequestEraseYes
from bot.buttons.safety import RiskLevel as RiskLevel
from bot.buttons.safety import RiskMenu as RiskMenu
from bot.buttons.safety import concern_outcome as concern_outcome
from bot.buttons.support import PlanActionsDone as PlanActionsDone
from bot.buttons.support import PlanApprove as PlanApprove
from bot.buttons.support import PlanAskClose as PlanAskClose
from bot.buttons.support import PlanOwner as PlanOwner
from bot.buttons.support import PlanPick as PlanPick
from bot.buttons.support import ReferBody as ReferBody
from bot.buttons.support import ReferField as ReferField
from bot.buttons.support import ReferFieldsDone as ReferFieldsDone
from bot.buttons.support import ReferNoPartner as ReferNoPartner
from bot.buttons.support import ReferPick as ReferPick
from bot.buttons.support import ReferStatus as ReferStatus
from bot.callback_data import Button, declared

# Every kind of button the bot sends, from every area's module.
KINDS: tuple[type[Button], ...] = tuple(
    kind for module in (archive, care, safety, county, support) for kind in declared(Button, module.__name__)
)
