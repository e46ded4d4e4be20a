"""Boarding (寄宿): a request from the card, /boarding lists open requests (left-behind first), admins decide."""

from __future__ import annotations

from telegram import Update

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import care as rules
from bot.domain.roles import Access, may_do
from bot.handlers.common import BotContext, edit_or_reply, pressed, refuse, reply
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import care as care_service
from bot.services.care import AlreadyDone, InvalidChange
from bot.texts import Texts

ROUTES = Routes()
PAGE_SIZE = 8


@ROUTES.button(bt.BoardingRequest)
async def request(update: Update, context: BotContext) -> None:
    """bo:rq:<child>: the head teacher (or an admin) asks for a boarding place; one open request per child."""
    texts, actor, button = await pressed(update, context, bt.BoardingRequest)
    child_id = button.child
    try:
        child = await care_service.authorised_child(context.services, actor, child_id, Access.EDIT_CARD)
        await care_service.request_boarding(context.services, actor, child_id)
    except (AccessDenied, NotFound, InvalidChange, AlreadyDone) as problem:
        await refuse(update, texts, problem)
        return
    await reply(update, texts.t("care.boarding_requested", name=child.name))


@ROUTES.pages(bt.BoardingPage, command="boarding")
async def _page(update: Update, context: BotContext, texts: Texts, page: int) -> None:
    actor = await context.actor(update)
    try:
        found, total = await care_service.boarding_list(
            context.services, actor, limit=PAGE_SIZE, offset=page * PAGE_SIZE
        )
    except AccessDenied:
        await reply(update, texts.t("access.denied"))
        return
    if total == 0:
        await edit_or_reply(update, texts.t("care.boarding_none"))
        return
    zone = context.services.config.school.timezone
    lines = [texts.t("care.boarding_header", total=total)]
    buttons = []
    for number, item in enumerate(found, start=page * PAGE_SIZE + 1):
        lines.append(
            texts.t(
                "care.boarding_line",
                number=number,
                name=item.child_name,
                class_label=item.class_label,
                away=texts.t(f"choice.parents_away.{item.parents_away}"),
                date=rules.local_date(item.requested_at, zone).isoformat(),
            )
        )
        if may_do(actor, Access.DECIDE_BOARDING):
            buttons.append(kb.button(texts.t("care.boarding_grant", number=number), bt.BoardingDecide("y", item.id)))
            buttons.append(kb.button(texts.t("care.boarding_decline", number=number), bt.BoardingDecide("n", item.id)))
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    if pages > 1:
        lines.append(texts.t("page.indicator", page=page + 1, pages=pages))
    await edit_or_reply(update, "\n".join(lines), kb.grid(buttons, 2, kb.pager(texts, bt.BoardingPage, page, pages)))


@ROUTES.button(bt.BoardingDecide)
async def decide(update: Update, context: BotContext) -> None:
    """bo:y / bo:n: an admin grants or declines (re-checked; a second tap is told it was decided)."""
    texts, actor, button = await pressed(update, context, bt.BoardingDecide)
    granted, request_id = button.answer == "y", button.request
    try:
        decided = await care_service.decide_boarding(context.services, actor, request_id, granted=granted)
    except (AccessDenied, NotFound, AlreadyDone) as problem:
        await refuse(update, texts, problem, gone="care.record_gone")
        return
    key = "care.boarding_granted" if granted else "care.boarding_declined"
    await reply(update, texts.t(key, name=decided.child_name))
    await _page(update, context, texts, 0)


handlers = ROUTES.handlers
