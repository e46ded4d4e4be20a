"""What the safety feature adds to a contact card: risk level, consent, shared counselling dates, and buttons
(report a concern, set the risk level, note paper consent, erase). Called by bot.handlers.children."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may
from bot.domain.safety import effective_risk
from bot.services import Services
from bot.services import concerns as concern_service
from bot.storage import consent as consent_store
from bot.storage import counselling as counselling_store
from bot.storage import risks as risks_store
from bot.texts import Texts


async def card_lines(services: Services, actor: Actor, texts: Texts, child: Child) -> str:
    """Extra lines under the card for staff: risk, consent, and (if shared) counselling dates."""
    if not may(actor, Access.SCHOOL_VIEW, child.scope):
        return ""
    risk = await risks_store.get_risk(services.db, child.id)
    level = effective_risk(risk.level, risk.open_concerns)
    lines = ["", texts.t("safety.card.risk", level=texts.t(f"safety.risk.{level.value}"))]
    if risk.reason:
        lines.append(texts.t("safety.card.risk_reason", reason=risk.reason))
    if risk.open_concerns:
        lines.append(texts.t("safety.card.open_concerns", count=risk.open_concerns))
    consent = await consent_store.get_consent(services.db, child.id)
    if consent is None:
        lines.append(texts.t("safety.card.consent_missing"))
    else:
        tz = services.config.school.timezone
        lines.append(
            texts.t(
                f"safety.card.consent_{consent.method}",
                who=consent.given_by,
                date=consent.given_at.astimezone(tz).date().isoformat(),
            )
        )
    shared = await counselling_store.shared_session_dates(services.db, child.id)
    if shared:
        lines.append(texts.t("safety.card.counselling", dates=", ".join(shared[:5])))
    return "\n".join(lines)


def card_buttons(texts: Texts, actor: Actor, child: Child) -> list[InlineKeyboardButton]:
    scope = child.scope
    buttons = []
    if may(actor, Access.REPORT_CONCERN, scope):
        buttons.append(kb.button(texts.t("safety.card.concern_button"), bt.ConcernFromCard(child.id)))
    if may(actor, Access.SET_RISK, scope):
        buttons.append(kb.button(texts.t("safety.card.risk_button"), bt.RiskMenu(child.id)))
    if may(actor, Access.CONSENT_PAPER, scope):
        buttons.append(kb.button(texts.t("safety.card.paper_button"), bt.PrivacyPaper(child.id)))
    if may(actor, Access.ERASE, scope):
        buttons.append(kb.button(texts.t("safety.card.erase_button"), bt.PrivacyErase(child.id)))
    return buttons


def extend(markup: InlineKeyboardMarkup | None, buttons: list[InlineKeyboardButton]) -> InlineKeyboardMarkup | None:
    """The card's keyboard with the safety buttons as extra rows of two."""
    if not buttons:
        return markup
    rows = [list(r) for r in markup.inline_keyboard] if markup else []
    rows += kb.rows(buttons, 2)
    return InlineKeyboardMarkup(rows)


async def high_risk_first(services: Services, found: list[Child]) -> list[Child]:
    """The same children, high-risk first (then medium, then low), otherwise in their order."""
    order = await concern_service.ranked(services, [c.id for c in found])
    position = {child_id: i for i, child_id in enumerate(order)}
    return sorted(found, key=lambda c: position[c.id])
