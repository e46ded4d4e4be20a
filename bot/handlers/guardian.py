"""/guardian: a bound parent names or confirms the entrusted carer of their child (委托照护), with buttons at every
step: the details the card already holds are offered as buttons, the relation is a button, and each condition of
the law is a tick.

Callback data (bot/buttons/; ids come from the client: the service re-checks the binding):
  gd:c:<child>                    the child (also the yearly reminder's button)
  gd:p:<nonce>:<step>:<value>     a relation, or a value from the card
  gd:t:<nonce>:<condition>        tick / untick one condition
  gd:<ok|same|new>:<nonce>        submit, confirm unchanged, fill in again
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, may_do
from bot.domain.validation import InvalidInput, clean_text, parse_phone
from bot.handlers.common import TYPED, BotContext, answer, edit_or_reply, enter_flow, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow, Step
from bot.services import AccessDenied, NotFound
from bot.services import designations as service
from bot.texts import Texts

CURRENT, NAME, RELATION, PHONE, ADDRESS, CONDITIONS = range(6)
STEPS = {NAME: "name", PHONE: "phone", ADDRESS: "address"}
LIMITS = {NAME: 30, ADDRESS: 120}


@dataclass(kw_only=True)
class Designation(Draft):
    """The carer being named: the child, what the card already holds (offered as buttons), the answers so far and
    the conditions ticked."""

    child: int
    child_name: str
    card: dict[str, str] = field(default_factory=dict)
    ticks: list[str] = field(default_factory=list)
    name: str | None = None
    relation: str | None = None
    phone: str | None = None
    address: str | None = None


FLOW = Flow("guardian", Designation, "guardian")


async def _enter(update: Update, context: BotContext) -> bool:
    actor = await context.actor(update)
    allowed = may_do(actor, Access.GUARDIAN_DESIGNATION)
    return await enter_flow(update, context, FLOW.name, allowed=allowed, denied="guardian.not_parent")


async def start(update: Update, context: BotContext) -> int:
    if not await _enter(update, context):
        return ConversationHandler.END
    texts = await context.texts(update)
    kids = await service.children_of(context.services, await context.actor(update))
    if len(kids) == 1:
        return await _begin(update, context, texts, kids[0][0])
    await reply(
        update,
        texts.t("guardian.pick_child"),
        kb.grid([kb.button(name, bt.GuardianChild(child_id)) for child_id, name, _ in kids], 2),
    )
    return CURRENT


async def child_button(update: Update, context: BotContext) -> int:
    await answer(update)
    if not await _enter(update, context):
        return ConversationHandler.END
    return await _begin(update, context, await context.texts(update), bt.GuardianChild.of(update).child)


async def _begin(update: Update, context: BotContext, texts: Texts, child_id: int) -> int:
    actor = await context.actor(update)
    try:
        name, latest, card = await service.current(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    draft = Designation(child=child_id, child_name=name, card=card)
    FLOW.put(context, draft)
    if latest is None:
        return await _ask(update, context, texts, draft, NAME)
    text = texts.t(
        "guardian.current",
        child=name,
        name=latest.carer_name,
        relation=texts.t(f"guardian.relation.{latest.relation}"),
        phone=latest.phone,
        address=latest.address,
        date=latest.confirmed_on.isoformat(),
    )
    markup = kb.grid(
        [
            kb.button(texts.t("guardian.same"), bt.GuardianAction("same", draft.nonce)),
            kb.button(texts.t("guardian.change"), bt.GuardianAction("new", draft.nonce)),
        ],
        1,
    )
    await reply(update, text, markup)
    return CURRENT


async def _ask(update: Update, context: BotContext, texts: Texts, draft: Designation, step: int) -> int:
    nonce = draft.nonce
    if step == RELATION:
        buttons = [
            kb.button(texts.t(f"guardian.relation.{code}"), bt.GuardianPick(nonce, RELATION, code))
            for code in service.RELATIONS
        ]
        await reply(update, texts.t("guardian.ask_relation"), kb.grid(buttons, 2))
        return RELATION
    if step == CONDITIONS:
        await reply(update, texts.t("guardian.ask_conditions"), _conditions(texts, draft))
        return CONDITIONS
    key = {NAME: "guardian.ask_name", PHONE: "guardian.ask_phone", ADDRESS: "guardian.ask_address"}[step]
    known = draft.card.get(STEPS[step])
    markup = (
        kb.grid([kb.button(texts.t("guardian.use_card", value=known), bt.GuardianPick(nonce, step, "card"))], 1)
        if known
        else None
    )
    await reply(update, texts.t(key, child=draft.child_name), markup)
    return step


def _conditions(texts: Texts, draft: Designation) -> InlineKeyboardMarkup:
    rows = []
    for index, code in enumerate(service.CONDITIONS):
        key = "guardian.ticked" if code in draft.ticks else "guardian.unticked"
        condition = texts.t(f"guardian.condition.{code}")
        rows.append(kb.button(texts.t(key, condition=condition), bt.GuardianTick(draft.nonce, index)))
    return kb.grid(rows, 1, [kb.button(texts.t("guardian.submit"), bt.GuardianAction("ok", draft.nonce))])


def _next(step: int) -> int:
    return {NAME: RELATION, RELATION: PHONE, PHONE: ADDRESS, ADDRESS: CONDITIONS}[step]


def _typed(step: int) -> Step[Designation]:
    """The typed answer of `step` (the name, the phone or the address)."""

    async def typed(update: Update, context: BotContext, draft: Designation) -> int:
        texts = await context.texts(update)
        assert update.message is not None and update.message.text is not None
        try:
            if step == PHONE:
                value = parse_phone(update.message.text)
            else:
                value = clean_text(update.message.text, max_length=LIMITS[step])
        except InvalidInput as problem:
            if step == PHONE:
                key = "guardian.bad_phone"
            else:
                key = problem.reason if problem.reason == "invalid.control" else "guardian.too_long"
            await reply(update, texts.t(key, limit=LIMITS.get(step, 0)))
            return step
        setattr(draft, STEPS[step], value)
        return await _ask(update, context, texts, draft, _next(step))

    return typed


def _of_step(step: int) -> Callable[[Designation, bt.GuardianPick], str | None]:
    """A pick button belongs to the step it was asked in: one of another step is stale."""
    return lambda draft, button: None if button.step == step else STALE


async def picked(update: Update, context: BotContext, draft: Designation, button: bt.GuardianPick) -> int:
    """A relation, or the card's value for the step asked."""
    texts = await context.texts(update)
    if button.step == RELATION:
        if button.value not in service.RELATIONS:
            await reply(update, texts.t("flow.stale_button"))
            return RELATION
        draft.relation = button.value
    elif button.step in STEPS and draft.card.get(STEPS[button.step]):
        setattr(draft, STEPS[button.step], draft.card[STEPS[button.step]])
    else:
        return button.step
    return await _ask(update, context, texts, draft, _next(button.step))


def _a_condition(draft: Designation, button: bt.GuardianTick) -> str | None:
    return None if button.condition < len(service.CONDITIONS) else STALE


async def ticked(update: Update, context: BotContext, draft: Designation, button: bt.GuardianTick) -> int:
    code = service.CONDITIONS[button.condition]
    ticks = set(draft.ticks) ^ {code}
    draft.ticks = [c for c in service.CONDITIONS if c in ticks]
    texts = await context.texts(update)
    await edit_or_reply(update, texts.t("guardian.ask_conditions"), _conditions(texts, draft))
    return CONDITIONS


def _actions(*actions: str) -> Callable[[Designation, bt.GuardianAction], str | None]:
    """The actions a step offers: "same" / "new" on the current carer, "ok" under the conditions."""
    return lambda draft, button: None if button.action in actions else STALE


async def action(update: Update, context: BotContext, draft: Designation, button: bt.GuardianAction) -> int:
    texts = await context.texts(update)
    if button.action == "new":
        return await _ask(update, context, texts, draft, NAME)
    details = None
    if button.action == "ok":
        if set(service.CONDITIONS) - set(draft.ticks):
            await reply(update, texts.t("guardian.not_all"))
            return CONDITIONS
        assert draft.name is not None and draft.relation is not None
        assert draft.phone is not None and draft.address is not None
        details = service.Draft(draft.name, draft.relation, draft.phone, draft.address, frozenset(draft.ticks))
    actor = await context.actor(update)
    try:
        saved = await service.confirm(context.services, actor, draft.child, details)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    date = saved.confirmed_on.isoformat()
    await reply(update, texts.t("guardian.saved", child=draft.child_name, name=saved.carer_name, date=date))
    return FLOW.end(context)


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:

    def typed_or_card(step: int) -> list[BaseHandler[Update, BotContext, Any]]:
        return [FLOW.on_text(TYPED, _typed(step)), FLOW.on_button(bt.GuardianPick, picked, check=_of_step(step))]

    return [
        FLOW.conversation(
            entry_points=[
                CommandHandler("guardian", start),
                CallbackQueryHandler(child_button, pattern=bt.GuardianChild.pattern),
            ],
            states={
                CURRENT: [
                    CallbackQueryHandler(child_button, pattern=bt.GuardianChild.pattern),
                    FLOW.on_button(bt.GuardianAction, action, check=_actions("same", "new")),
                ],
                NAME: typed_or_card(NAME),
                RELATION: [FLOW.on_button(bt.GuardianPick, picked, check=_of_step(RELATION))],
                PHONE: typed_or_card(PHONE),
                ADDRESS: typed_or_card(ADDRESS),
                CONDITIONS: [
                    FLOW.on_button(bt.GuardianTick, ticked, check=_a_condition),
                    FLOW.on_button(bt.GuardianAction, action, check=_actions("ok")),
                ],
            },
            timeout_minutes=timeout_minutes,
            hint_key="guardian.hint",
        )
    ]
