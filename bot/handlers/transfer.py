"""/transfer (学籍转移): the transfers waiting for the reader; then pick a child, the school, the class, confirm.
The receiving side accepts or declines from its notice (or from /transfer); the old side may withdraw."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.models import Child, School
from bot.domain.roles import Actor
from bot.handlers import care_picker as picker
from bot.handlers.common import BotContext, answer, command_args, edit_or_reply, pressed, refuse, reply
from bot.handlers.flow import Draft, Flow, new_token
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound, Services
from bot.services import transfers as service
from bot.services.care import InvalidChange
from bot.texts import Texts

PICK, SCHOOL, CLASS, CONFIRM = range(60, 64)


ROUTES = Routes()


@dataclass(kw_only=True)
class Move(Draft):
    """A transfer being prepared: the child, then the destination school and class."""

    token: str = field(default_factory=new_token)
    child_id: int | None = None
    child_name: str = ""
    school_id: int | None = None
    class_id: int | None = None


FLOW = Flow("transfer", Move, "transfer_draft", gone="card.gone")


async def _show_open(update: Update, context: BotContext, texts: Texts, actor: Actor) -> bool:
    """The transfers waiting for the reader (accept / decline) and those they sent (withdraw); False if none."""
    waiting = await service.waiting_for(context.services, actor)
    outgoing = [t for t in await service.proposed_by(context.services, actor) if t not in waiting]
    lines: list[str] = []
    buttons = []
    number = 0
    for header, found in (("transfer.waiting_header", waiting), ("transfer.outgoing_header", outgoing)):
        if not found:
            continue
        lines.append(texts.t(header, total=len(found)))
        for transfer in found:
            number += 1
            lines.append(texts.t("transfer.line", number=number, **service.message_values(transfer)))
            if found is waiting:
                buttons.append(kb.button(texts.t("transfer.button.accept_n", number=number), _decide("y", transfer)))
                buttons.append(kb.button(texts.t("transfer.button.decline_n", number=number), _decide("n", transfer)))
            else:
                buttons.append(kb.button(texts.t("transfer.button.withdraw_n", number=number), _decide("w", transfer)))
    if not lines:
        return False
    extra = [kb.button(texts.t("cmd.transfer"), bt.TransferStart())] if service.may_propose(actor) else []
    await reply(update, "\n".join(lines), kb.grid(buttons, 2, extra))
    return True


def _decide(answer_code: str, transfer: service.Transfer) -> bt.TransferDecide:
    return bt.TransferDecide(answer_code, transfer.id)  # type: ignore[arg-type]


async def start(update: Update, context: BotContext) -> int:
    """/transfer: what waits for the reader first (then a button to transfer a child out); with nothing waiting,
    the child pick at once (`/transfer name` searches)."""
    texts, actor = await context.caller(update)
    if await _show_open(update, context, texts, actor):
        return ConversationHandler.END
    return await _begin(update, context, texts, actor, command_args(context))


async def start_pressed(update: Update, context: BotContext) -> int:
    """tr:new under the list of open transfers."""
    await answer(update)
    texts = await context.texts(update)
    return await _begin(update, context, texts, await context.actor(update), "")


async def _begin(update: Update, context: BotContext, texts: Texts, actor: Actor, query: str) -> int:
    draft = Move()
    denied = "access.denied" if service.may_propose(actor) else "transfer.none"
    if not await FLOW.begin(update, context, draft, allowed=service.may_propose(actor), denied=denied):
        return ConversationHandler.END
    if query:
        found, total = await service.search(context.services, actor, query, limit=picker.PICK_LIMIT)
        if total == 1:
            state = await _chosen(update, context, texts, draft, found[0])
            if FLOW.key in context.draft:
                FLOW.put(context, draft)
            return state
        if total == 0:
            await reply(update, texts.t("care.pick_none", query=query))
    picks = await service.quick_picks(context.services, actor, limit=picker.PICK_LIMIT)
    await picker.offer(update, texts, pick=bt.TransferPick, nonce=draft.nonce, picks=picks, prompt_key="transfer.pick")
    return PICK


async def _find(services: Services, actor: Actor, query: str) -> tuple[list[Child], int]:
    return await service.search(services, actor, query, limit=picker.PICK_LIMIT)


async def _child(update: Update, context: BotContext, texts: Texts, draft: Move) -> Child | None:
    """The draft's child, re-checked (may still be transferred out, nothing open); refused: say so, None."""
    assert draft.child_id is not None
    actor = await context.actor(update)
    try:
        return await service.child_to_transfer(context.services, actor, draft.child_id)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return None


async def _chosen(update: Update, context: BotContext, texts: Texts, draft: Move, child: Child) -> int:
    draft.child_id, draft.child_name = child.id, child.name
    checked = await _child(update, context, texts, draft)
    if checked is None:
        return FLOW.end(context)
    schools = await service.destinations(context.services, checked)
    if not schools:
        await reply(update, texts.t("transfer.no_schools"))
        return FLOW.end(context)
    await _ask_school(update, texts, draft, checked, schools)
    return SCHOOL


async def _ask_school(update: Update, texts: Texts, draft: Move, child: Child, schools: list[School]) -> None:
    buttons = [kb.button(_school_label(s), bt.TransferSchool(draft.nonce, s.id)) for s in schools]
    text = texts.t("transfer.choose_school", name=child.name, class_label=child.class_label)
    await reply(update, text, kb.grid(buttons, 1))


def _school_label(school: School) -> str:
    return f"{school.township} {school.name}".strip()


PICKER = picker.ChildPicker(
    FLOW, pick=bt.TransferPick, prompt_key="transfer.pick", state=PICK, chosen=_chosen, finder=_find
)


async def school_picked(update: Update, context: BotContext, draft: Move, button: bt.TransferSchool) -> int:
    texts = await context.texts(update)
    child = await _child(update, context, texts, draft)
    if child is None:
        return FLOW.end(context)
    schools = await service.destinations(context.services, child)
    chosen = next((s for s in schools if s.id == button.school), None)
    if chosen is None:
        await _ask_school(update, texts, draft, child, schools)
        return SCHOOL
    classes = await service.classes_of(context.services, chosen.id)
    if not classes:
        await reply(update, texts.t("transfer.no_classes", school=chosen.name))
        await _ask_school(update, texts, draft, child, schools)
        return SCHOOL
    draft.school_id = chosen.id
    buttons = [kb.button(c.label, bt.TransferClass(draft.nonce, c.id)) for c in classes]
    await edit_or_reply(update, texts.t("transfer.choose_class", school=chosen.name), kb.grid(buttons, 3))
    return CLASS


async def class_picked(update: Update, context: BotContext, draft: Move, button: bt.TransferClass) -> int:
    texts = await context.texts(update)
    child = await _child(update, context, texts, draft)
    if child is None:
        return FLOW.end(context)
    try:
        klass = await service.destination_class(context.services, child, button.class_id)
    except (NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return CLASS
    if klass.school_id != draft.school_id:
        await reply(update, texts.t("flow.stale_button"))
        return CLASS
    draft.class_id = klass.id
    old = await service.school(context.services, child.school_id)
    new = await service.school(context.services, klass.school_id)
    text = texts.t(
        "transfer.review",
        name=child.name,
        from_school=old.name if old else "",
        from_class=child.class_label,
        to_school=new.name if new else "",
        to_class=klass.label,
    )
    markup = InlineKeyboardMarkup([[kb.button(texts.t("transfer.button.send"), bt.TransferConfirm(draft.nonce))]])
    await edit_or_reply(update, text, markup)
    return CONFIRM


async def confirmed(update: Update, context: BotContext, draft: Move, button: bt.TransferConfirm) -> int:
    """Sends the proposal once: the draft is taken first, and the flow token makes a repeated send a no-op."""
    texts = await context.texts(update)
    taken = FLOW.take(context)
    assert taken is not None and taken.child_id is not None and taken.class_id is not None
    actor = await context.actor(update)
    try:
        proposed = await service.propose(
            context.services, actor, taken.child_id, taken.class_id, flow_token=taken.token
        )
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    if not await FLOW.saved_once(update, context, new=proposed.saved):
        return ConversationHandler.END
    await edit_or_reply(update, texts.t("transfer.proposed", **service.message_values(proposed.transfer)))
    return ConversationHandler.END


@ROUTES.button(bt.TransferDecide)
async def decide(update: Update, context: BotContext) -> None:
    """tr:y / tr:n (the receiving side) and tr:w (the old side): re-checked through the policy; a second tap is
    told what became of it."""
    texts, actor, button = await pressed(update, context, bt.TransferDecide)
    act = {"y": service.accept, "n": service.decline, "w": service.withdraw}[button.answer]
    try:
        transfer = await act(context.services, actor, button.transfer)
    except (AccessDenied, NotFound, service.Decided) as problem:
        await refuse(update, texts, problem, gone="transfer.gone")
        return
    key = {"y": "transfer.accepted", "n": "transfer.declined", "w": "transfer.withdrawn"}[button.answer]
    await edit_or_reply(update, texts.t(key, **service.message_values(transfer)))


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    # A notice's Accept / Decline pressed while this flow is open is taken too (not a stale button of the flow).
    decisions = CallbackQueryHandler(decide, pattern=bt.TransferDecide.pattern)
    hint = FLOW.hint_saying("transfer.hint_buttons")
    return FLOW.conversation(
        entry_points=[
            CommandHandler("transfer", start),
            CallbackQueryHandler(start_pressed, pattern=bt.TransferStart.pattern),
        ],
        states={
            PICK: [*PICKER.handlers(), decisions],
            SCHOOL: [FLOW.on_button(bt.TransferSchool, school_picked), decisions],
            CLASS: [FLOW.on_button(bt.TransferClass, class_picked), decisions],
            CONFIRM: [FLOW.on_button(bt.TransferConfirm, confirmed), decisions],
        },
        timeout_minutes=timeout_minutes,
        hint={
            PICK: FLOW.hint_saying("care.hint_pick"),
            SCHOOL: hint,
            CLASS: hint,
            CONFIRM: hint,
        },
    )


handlers = ROUTES.handlers
