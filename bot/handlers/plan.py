"""/plan: a help plan for a child at high risk (评估帮扶), and the leadership's approval of its closing.

The flow: the child (high-risk ones on buttons, or a name); an open plan is shown, with a button to ask for its
closing (then the outcome); otherwise the assessment, then actions one by one (what, its owner among the school's
staff on buttons, its due date), then the review date, and the plan is saved. An admin approves a closing with the
button the outbox brings them (re-checked on press)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.models import Child
from bot.domain.roles import Access
from bot.domain.support import MAX_ACTIONS, PLAN_TEXT_LIMIT, parse_due
from bot.domain.validation import clean_text
from bot.handlers.care_picker import ChildPicker, finder_for
from bot.handlers.common import TYPED, BotContext, answer, conversation, read_typed, refuse, reply
from bot.handlers.flow import Draft, Flow, new_token
from bot.handlers.routes import Routes
from bot.handlers.support_card import plan_text
from bot.services import AccessDenied, NotFound
from bot.services import help_plans as plans_service
from bot.services.care import InvalidChange
from bot.texts import Raw, Texts

PICK, SHOWN, ASSESS, ACTION, OWNER, DUE, REVIEW, OUTCOME = range(8)
ROUTES = Routes()
OWNER_LIMIT = 24


@dataclass(kw_only=True)
class PlanDraft(Draft):
    """A plan under way: the child, the assessment, the actions so far (what, owner, owner's name, due date),
    the action being written."""

    child_id: int | None = None
    name: str = ""
    assessment: str = ""
    actions: list[dict[str, Any]] = field(default_factory=list)
    what: str = ""
    owner: int | None = None
    owner_name: str = ""
    token: str = field(default_factory=new_token)


PLAN = Flow("plan", PlanDraft, "plan_draft", gone="card.gone")


def _text(limit: int) -> Any:
    return lambda typed: clean_text(typed, max_length=limit)


async def _chosen(update: Update, context: BotContext, texts: Texts, draft: PlanDraft, child: Child) -> int:
    """The child picked: their open plan, or (at high risk only) the first question of a new one."""
    actor = await context.actor(update)
    draft.child_id, draft.name = child.id, child.name
    plan = await plans_service.open_plan(context.services, actor, child.id)
    if plan is not None:
        text = texts.t("plan.current", child=child.name, plan=Raw(plan_text(texts, plan)))
        if plan.status != "open":
            await reply(update, text)
            return PLAN.end(context)
        markup = kb.grid([kb.button(texts.t("plan.button.ask_close"), bt.PlanAskClose(draft.nonce))], 1)
        await reply(update, text, markup)
        return SHOWN
    if not await plans_service.is_high_risk(context.services, child.id):
        await reply(update, texts.t("plan.not_high_risk", child=child.name))
        return PLAN.end(context)
    await reply(update, texts.t("plan.ask_assessment", child=child.name))
    return ASSESS


PICKER = ChildPicker(
    PLAN, pick=bt.PlanPick, prompt_key="plan.pick", state=PICK, chosen=_chosen, access=Access.HELP_PLAN,
    finder=finder_for(Access.HELP_PLAN), quick=plans_service.quick_picks, recheck=plans_service.child_for_plan,
)  # fmt: skip


async def assessed(update: Update, context: BotContext, draft: PlanDraft) -> int:
    texts = await context.texts(update)
    typed = await read_typed(update, texts, _text(PLAN_TEXT_LIMIT))
    if typed is None:
        return ASSESS
    draft.assessment = typed
    return await _ask_action(update, texts, draft)


async def _ask_action(update: Update, texts: Texts, draft: PlanDraft) -> int:
    markup = None
    if draft.actions:
        markup = kb.grid([kb.button(texts.t("plan.button.actions_done"), bt.PlanActionsDone(draft.nonce))], 1)
    await reply(update, texts.t("plan.ask_action", number=len(draft.actions) + 1), markup)
    return ACTION


async def action_typed(update: Update, context: BotContext, draft: PlanDraft) -> int:
    texts = await context.texts(update)
    typed = await read_typed(update, texts, _text(PLAN_TEXT_LIMIT))
    if typed is None or draft.child_id is None:
        return ACTION
    actor = await context.actor(update)
    try:
        staff = await plans_service.owners(context.services, actor, draft.child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return PLAN.end(context)
    draft.what = typed
    buttons = [kb.button(name or str(user_id), bt.PlanOwner(draft.nonce, user_id)) for user_id, name in staff]
    await reply(update, texts.t("plan.ask_owner", what=typed), kb.grid(buttons[:OWNER_LIMIT], 2))
    return OWNER


async def owner_chosen(update: Update, context: BotContext, draft: PlanDraft, button: bt.PlanOwner) -> int:
    texts, actor = await context.caller(update)
    assert draft.child_id is not None
    staff = dict(await plans_service.owners(context.services, actor, draft.child_id))
    if button.user not in staff:
        await reply(update, texts.t("flow.stale_button"))
        return OWNER
    draft.owner, draft.owner_name = button.user, staff[button.user]
    await reply(update, texts.t("plan.ask_due", what=draft.what, owner=draft.owner_name))
    return DUE


async def _typed_date(update: Update, context: BotContext, texts: Texts) -> date | None:
    """A due or review date typed: today to a year ahead; a bad one is told why (None)."""
    day = plans_service.today(context.services)
    return await read_typed(update, texts, lambda typed: parse_due(typed, today=day))


async def due_typed(update: Update, context: BotContext, draft: PlanDraft) -> int:
    texts = await context.texts(update)
    due = await _typed_date(update, context, texts)
    if due is None:
        return DUE
    draft.actions.append({"what": draft.what, "owner": draft.owner, "owner_name": draft.owner_name,
                          "due": due.isoformat()})  # fmt: skip
    draft.what, draft.owner, draft.owner_name = "", None, ""
    if len(draft.actions) >= MAX_ACTIONS:
        await reply(update, texts.t("plan.ask_review"))
        return REVIEW
    return await _ask_action(update, texts, draft)


async def actions_done(update: Update, context: BotContext, draft: PlanDraft, button: bt.PlanActionsDone) -> int:
    texts = await context.texts(update)
    if not draft.actions:
        return await _ask_action(update, texts, draft)
    await reply(update, texts.t("plan.ask_review"))
    return REVIEW


async def review_typed(update: Update, context: BotContext, draft: PlanDraft) -> int:
    texts = await context.texts(update)
    review_on = await _typed_date(update, context, texts)
    if review_on is None:
        return REVIEW
    assert draft.child_id is not None
    actor = await context.actor(update)
    actions = [plans_service.NewAction(a["what"], int(a["owner"]), date.fromisoformat(a["due"])) for a in draft.actions]
    try:
        await plans_service.save_plan(
            context.services, actor, draft.child_id, assessment=draft.assessment, actions=actions,
            review_on=review_on, flow_token=draft.token,
        )  # fmt: skip
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return PLAN.end(context)
    await reply(update, texts.t("plan.saved", child=draft.name, count=len(actions), review=review_on.isoformat()))
    return PLAN.saved(update, context)


async def ask_close(update: Update, context: BotContext, draft: PlanDraft, button: bt.PlanAskClose) -> int:
    texts = await context.texts(update)
    await reply(update, texts.t("plan.ask_outcome", child=draft.name))
    return OUTCOME


async def outcome_typed(update: Update, context: BotContext, draft: PlanDraft) -> int:
    texts = await context.texts(update)
    outcome = await read_typed(update, texts, _text(PLAN_TEXT_LIMIT))
    if outcome is None:
        return OUTCOME
    assert draft.child_id is not None
    actor = await context.actor(update)
    try:
        await plans_service.ask_close(context.services, actor, draft.child_id, outcome)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return PLAN.end(context)
    await reply(update, texts.t("plan.close_asked", child=draft.name))
    return PLAN.saved(update, context)


@ROUTES.button(bt.PlanApprove)
async def approve(update: Update, context: BotContext) -> None:
    """An admin's approval button (from the outbox): re-checked through the policy, since the id comes from the
    client."""
    await answer(update)
    texts, actor = await context.caller(update)
    try:
        child, _ = await plans_service.approve_close(context.services, actor, bt.PlanApprove.of(update).plan)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return
    await reply(update, texts.t("plan.approved", child=child.name))


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    flow = conversation(
        name=PLAN.name,
        entry_points=[PICKER.command("plan", PlanDraft)],
        states={
            PICK: PICKER.handlers(),
            SHOWN: [PLAN.on_button(bt.PlanAskClose, ask_close)],
            ASSESS: [PLAN.on_text(TYPED, assessed)],
            ACTION: [PLAN.on_text(TYPED, action_typed), PLAN.on_button(bt.PlanActionsDone, actions_done)],
            OWNER: [PLAN.on_button(bt.PlanOwner, owner_chosen)],
            DUE: [PLAN.on_text(TYPED, due_typed)],
            REVIEW: [PLAN.on_text(TYPED, review_typed)],
            OUTCOME: [PLAN.on_text(TYPED, outcome_typed)],
        },
        draft_keys=(PLAN.key,),
        timeout_minutes=timeout_minutes,
        hint_key="plan.hint",
    )
    return [flow]


handlers = ROUTES.handlers
