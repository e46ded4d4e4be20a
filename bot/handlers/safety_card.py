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
from bot.services import safety_card as safety_card_service
from bot.texts import Texts


async def card_lines(services: Services, actor: Actor, texts: Texts, child: Child) -> str:
    """Extra lines under the card for staff: risk, consent, and (if shared) counselling dates."""
    facts = await safety_card_service.facts(services, actor, child)
    if facts is None:
        return ""
    risk = facts.risk
    level = effective_risk(risk.level, risk.open_concerns)
    lines = ["", texts.t("safety.card.risk", level=texts.t(f"safety.risk.{level.value}"))]
    if risk.reason:
        lines.append(texts.t("safety.card.risk_reason", reason=risk.reason))
    if risk.open_concerns:
        lines.append(texts.t("safety.card.open_concerns", count=risk.open_concerns))
    consent = facts.consent
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
    shared = facts.shared_sessions
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
