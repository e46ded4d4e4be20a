"""The support network's buttons: help plans (/plan) and referrals to partners (/refer)."""

from __future__ import annotations

from bot.buttons.fields import ChildPick, Id, InFlow, Step, UserId
from bot.callback_data import Button
from bot.domain import support

# --- help plans ----------------------------------------------------------------------------------------------


class PlanPick(ChildPick, layout="hp:c:{nonce}:{child}"): ...


class PlanOwner(InFlow, layout="hp:o:{nonce}:{user}"):
    user: UserId


class PlanActionsDone(InFlow, layout="hp:d:{nonce}"): ...


class PlanAskClose(InFlow, layout="hp:x:{nonce}"): ...


class PlanApprove(Button, layout="hp:a:{plan}"):  # sent to the school's admins; re-checked on press
    plan: Id


# --- referrals -----------------------------------------------------------------------------------------------


class ReferPick(ChildPick, layout="rf:c:{nonce}:{child}"): ...


class ReferBody(InFlow, layout="rf:b:{nonce}:{body}"):
    body: support.Partner


class ReferField(InFlow, layout="rf:f:{nonce}:{field}"):  # toggles support.SHAREABLE[field]
    field: Step


class ReferFieldsDone(InFlow, layout="rf:fd:{nonce}"): ...


class ReferNoPartner(InFlow, layout="rf:np:{nonce}"): ...


class ReferStatus(Button, layout="rf:s:{referral}:{status}"):
    referral: Id
    status: support.Status
