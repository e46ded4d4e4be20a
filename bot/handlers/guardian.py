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

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import Access, may_do
from bot.domain.validation import InvalidInput, clean_text, parse_phone
from bot.handlers.care_picker import new_nonce, pressed
from bot.handlers.common import BotContext, answer, conversation, edit_or_reply, end_flow, enter_flow, refuse, reply
from bot.services import AccessDenied, NotFound
from bot.services import designations as service
from bot.texts import Texts

FLOW = DRAFT = "guardian"
CURRENT, NAME, RELATION, PHONE, ADDRESS, CONDITIONS = range(6)
STEPS = {NAME: "name", PHONE: "phone", ADDRESS: "address"}
LIMITS = {NAME: 30, ADDRESS: 120}


async def start(update: Update, context: BotContext) -> int:
    actor = await context.actor(update)
    if not await enter_flow(
        update, context, FLOW, allowed=may_do(actor, Access.GUARDIAN_DESIGNATION), denied="guardian.not_parent"
    ):
        return ConversationHandler.END
    texts = await context.texts(update)
    kids = await service.children_of(context.services, actor)
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
    actor = await context.actor(update)
    if not await enter_flow(
        update, context, FLOW, allowed=may_do(actor, Access.GUARDIAN_DESIGNATION), denied="guardian.not_parent"
    ):
        return ConversationHandler.END
    return await _begin(update, context, await context.texts(update), bt.GuardianChild.of(update).child)


async def _begin(update: Update, context: BotContext, texts: Texts, child_id: int) -> int:
    actor = await context.actor(update)
    try:
        name, latest, card = await service.current(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return end_flow(context, DRAFT)
    nonce = new_nonce()
    context.draft[DRAFT] = {"nonce": nonce, "child": child_id, "child_name": name, "card": card, "ticks": []}
    if latest is None:
        return await _ask(update, context, texts, NAME)
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
            kb.button(texts.t("guardian.same"), bt.GuardianAction("same", nonce)),
            kb.button(texts.t("guardian.change"), bt.GuardianAction("new", nonce)),
        ],
        1,
    )
    context.draft[DRAFT]["stage"] = "current"
    await reply(update, text, markup)
    return CURRENT


async def _ask(update: Update, context: BotContext, texts: Texts, step: int) -> int:
    draft = context.draft[DRAFT]
    nonce = draft["nonce"]
    draft["stage"] = str(step)
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
    known = draft["card"].get(STEPS[step])
    markup = (
        kb.grid([kb.button(texts.t("guardian.use_card", value=known), bt.GuardianPick(nonce, step, "card"))], 1)
        if known
        else None
    )
    await reply(update, texts.t(key, child=draft["child_name"]), markup)
    return step


def _conditions(texts: Texts, draft: dict[str, Any]) -> InlineKeyboardMarkup:
    rows = []
    for index, code in enumerate(service.CONDITIONS):
        key = "guardian.ticked" if code in draft["ticks"] else "guardian.unticked"
        condition = texts.t(f"guardian.condition.{code}")
        rows.append(kb.button(texts.t(key, condition=condition), bt.GuardianTick(draft["nonce"], index)))
    return kb.grid(rows, 1, [kb.button(texts.t("guardian.submit"), bt.GuardianAction("ok", draft["nonce"]))])


def _next(step: int) -> int:
    return {NAME: RELATION, RELATION: PHONE, PHONE: ADDRESS, ADDRESS: CONDITIONS}[step]


async def typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    draft = context.draft.get(DRAFT)
    if draft is None:
        await reply(update, texts.t("flow.cleared"))
        return end_flow(context, DRAFT)
    step = int(draft["stage"])
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
    draft[STEPS[step]] = value
    return await _ask(update, context, texts, _next(step))


async def picked(update: Update, context: BotContext) -> int:
    button = bt.GuardianPick.of(update)
    draft = await pressed(update, context, DRAFT, button.nonce, stage=str(button.step))
    if draft is None:
        return ConversationHandler.END if context.draft.get(DRAFT) is None else int(context.draft[DRAFT]["stage"])
    texts = await context.texts(update)
    if button.step == RELATION:
        if button.value not in service.RELATIONS:
            await reply(update, texts.t("flow.stale_button"))
            return RELATION
        draft["relation"] = button.value
    elif button.step in STEPS and draft["card"].get(STEPS[button.step]):
        draft[STEPS[button.step]] = draft["card"][STEPS[button.step]]
    else:
        return int(draft["stage"])
    return await _ask(update, context, texts, _next(button.step))


async def ticked(update: Update, context: BotContext) -> int:
    button = bt.GuardianTick.of(update)
    draft = await pressed(
        update, context, DRAFT, button.nonce, stage=str(CONDITIONS), valid=button.condition < len(service.CONDITIONS)
    )
    if draft is None:
        return CONDITIONS
    code = service.CONDITIONS[button.condition]
    ticks = set(draft["ticks"]) ^ {code}
    draft["ticks"] = [c for c in service.CONDITIONS if c in ticks]
    texts = await context.texts(update)
    await edit_or_reply(update, texts.t("guardian.ask_conditions"), _conditions(texts, draft))
    return CONDITIONS


async def action(update: Update, context: BotContext) -> int:
    button = bt.GuardianAction.of(update)
    stage = "current" if button.action in ("same", "new") else str(CONDITIONS)
    draft = await pressed(update, context, DRAFT, button.nonce, stage=stage)
    if draft is None:
        return ConversationHandler.END if context.draft.get(DRAFT) is None else CURRENT
    texts = await context.texts(update)
    if button.action == "new":
        return await _ask(update, context, texts, NAME)
    details = None
    if button.action == "ok":
        if set(service.CONDITIONS) - set(draft["ticks"]):
            await reply(update, texts.t("guardian.not_all"))
            return CONDITIONS
        details = service.Draft(
            draft["name"], draft["relation"], draft["phone"], draft["address"], frozenset(draft["ticks"])
        )
    actor = await context.actor(update)
    try:
        saved = await service.confirm(context.services, actor, draft["child"], details)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return end_flow(context, DRAFT)
    await reply(
        update,
        texts.t(
            "guardian.saved", child=draft["child_name"], name=saved.carer_name, date=saved.confirmed_on.isoformat()
        ),
    )
    return end_flow(context, DRAFT)


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    text = filters.TEXT & ~filters.COMMAND
    pick = CallbackQueryHandler(picked, pattern=bt.GuardianPick.pattern)
    return [
        conversation(
            name=FLOW,
            entry_points=[
                CommandHandler("guardian", start),
                CallbackQueryHandler(child_button, pattern=bt.GuardianChild.pattern),
            ],
            states={
                CURRENT: [
                    CallbackQueryHandler(child_button, pattern=bt.GuardianChild.pattern),
                    CallbackQueryHandler(action, pattern=bt.GuardianAction.pattern),
                ],
                NAME: [MessageHandler(text, typed), pick],
                RELATION: [pick],
                PHONE: [MessageHandler(text, typed), pick],
                ADDRESS: [MessageHandler(text, typed), pick],
                CONDITIONS: [
                    CallbackQueryHandler(ticked, pattern=bt.GuardianTick.pattern),
                    CallbackQueryHandler(action, pattern=bt.GuardianAction.pattern),
                ],
            },
            draft_keys=(DRAFT,),
            timeout_minutes=timeout_minutes,
            hint_key="guardian.hint",
        )
    ]
