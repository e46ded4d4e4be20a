"""What the safety feature adds to a child's contact card, for staff who may see it: the risk level, the consent,
and the dates of counselling sessions the counsellor shared."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may
from bot.services import Services
from bot.storage import consent as consent_store
from bot.storage import counselling as counselling_store
from bot.storage import risks as risks_store
from bot.storage.consent import Consent
from bot.storage.risks import Risk


@dataclass(frozen=True)
class SafetyFacts:
    risk: Risk
    consent: Consent | None
    shared_sessions: list[str]  # dates, newest first


async def facts(services: Services, actor: Actor, child: Child) -> SafetyFacts | None:
    """The child's safety facts, or None for a reader the policy does not show them to."""
    if not may(actor, Access.SCHOOL_VIEW, child.scope):
        return None
    return SafetyFacts(
        risk=await risks_store.get_risk(services.db, child.id),
        consent=await consent_store.get_consent(services.db, child.id),
        shared_sessions=await counselling_store.shared_session_dates(services.db, child.id),
    )
