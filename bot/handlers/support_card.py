"""The support network on the contact card and in its flows: a help plan in words."""

from __future__ import annotations

from bot.domain.models import Child
from bot.domain.roles import Actor
from bot.services import Services
from bot.services import help_plans as plans_service
from bot.texts import Raw, Texts


def plan_text(texts: Texts, plan: plans_service.HelpPlan) -> str:
    """A plan: the assessment, each action with its owner and due date, the review date, its state."""
    lines = [texts.t("plan.card.assessment", assessment=plan.assessment)]
    lines += [
        texts.t("plan.card.action", what=a.what, owner=a.owner_name, due=a.due_on.isoformat()) for a in plan.actions
    ]
    lines.append(texts.t("plan.card.review", date=plan.review_on.isoformat()))
    if plan.status == "closing":
        lines.append(texts.t("plan.card.closing", outcome=plan.outcome or ""))
    return "\n".join(lines)


async def card_lines(services: Services, actor: Actor, texts: Texts, child: Child) -> str:
    """The open help plan under the card, for the school's own readers."""
    plan = await plans_service.for_card(services, actor, child)
    if plan is None:
        return ""
    return "\n\n" + texts.t("plan.card.title", plan=Raw(plan_text(texts, plan)))
