"""/start (and invitation deep links), /help, /language, a /cancel outside any flow, unknown input."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import has_any_role, roles_held
from bot.handlers import referral
from bot.handlers.common import BotContext, answer, answer_stale, command_args, end_flow, reply
from bot.handlers.menu import menu_entries, refresh_menu
from bot.handlers.routes import Routes
from bot.services import invitations as invitation_service
from bot.services import people
from bot.texts import Raw, Texts

log = logging.getLogger(__name__)


ROUTES = Routes()


def _display_name(update: Update) -> str:
    user = update.effective_user
    return user.first_name if user else ""


@ROUTES.command("start")
async def start(update: Update, context: BotContext) -> None:
    """Without a code: greet and explain how to be invited. With one: redeem the invitation."""
    texts = await context.texts(update)
    code = command_args(context)
    if code:
        await _redeem(update, context, texts, code)
        return
    actor = await context.actor(update)
    if has_any_role(actor):
        await reply(update, texts.t("start.welcome_back", name=_display_name(update)))
        await refresh_menu(context.application, actor, context.services.config.school.language)
    else:
        await reply(
            update,
            texts.t("start.greeting", name=_display_name(update), school=context.services.config.school.name),
        )


async def _redeem(update: Update, context: BotContext, texts: Texts, code: str) -> None:
    assert update.effective_user is not None
    services = context.services
    if await referral.redeem(update, context, texts, code):  # a partner person invited by a referral
        await refresh_menu(context.application, await context.actor(update), services.config.school.language)
        return
    try:
        redeemed = await invitation_service.redeem(
            services, update.effective_user.id, update.effective_user.full_name, code
        )
    except invitation_service.RedeemError as problem:
        if problem.problem is invitation_service.RedeemProblem.ALREADY_BOUND:
            await reply(update, texts.t("invite.already_bound", child=problem.child.name if problem.child else ""))
            return
        key = {
            invitation_service.RedeemProblem.UNKNOWN: "invite.code_unknown",
            invitation_service.RedeemProblem.EXPIRED: "invite.code_expired",
            invitation_service.RedeemProblem.USED: "invite.code_used",
            invitation_service.RedeemProblem.ALREADY: "invite.already_role",
        }[problem.problem]
        await reply(update, texts.t(key))
        return
    context.forget_actor()
    actor = await context.actor(update)
    school = services.config.school.name
    if redeemed.kind == "staff":
        assert redeemed.role is not None
        role = texts.t(f"role.{redeemed.role.value}")
        class_part = texts.t("invite.class_part", label=redeemed.school_class.label) if redeemed.school_class else ""
        await reply(update, texts.t("invite.welcome_staff", school=school, role=Raw(role), class_part=Raw(class_part)))
        what = role + class_part
    else:
        assert redeemed.child is not None
        await reply(
            update,
            texts.t("invite.welcome_guardian", relationship=redeemed.relationship, child=redeemed.child.name),
        )
        what = texts.t("card.guardian_item", name=redeemed.child.name, relation=redeemed.relationship)
    await refresh_menu(context.application, actor, services.config.school.language)
    inviter = await people.load_actor(services, redeemed.inviter_id)
    inviter_texts = Texts(inviter.language or services.config.school.language)
    try:
        await context.bot.send_message(
            redeemed.inviter_id,
            inviter_texts.t("invite.notify_inviter", name=update.effective_user.full_name, what=Raw(what)),
            parse_mode="HTML",
        )
    except TelegramError as exc:
        # The invitation worked; an inviter who blocked the bot must not turn it into an error reply.
        log.warning(
            "could not tell inviter %s about a redeemed invitation: %s", redeemed.inviter_id, type(exc).__name__
        )


@ROUTES.command("help")
async def help_command(update: Update, context: BotContext) -> None:
    """Lists only what this user may do, and refreshes their menu to match."""
    texts, actor = await context.caller(update)
    held = roles_held(actor)
    lines = [texts.t("help.header")]
    lines += [
        texts.t("help.line", command=name, description=description)
        for name, description in menu_entries(actor, texts.locale)
    ]
    lines.append("")
    if held:
        roles = texts.t("list.separator").join(texts.t(f"role.{r.value}") for r in held)
        lines.append(texts.t("help.roles", roles=roles))
    else:
        lines.append(texts.t("help.no_roles"))
    await reply(update, "\n".join(lines))
    await refresh_menu(context.application, actor, context.services.config.school.language)


@ROUTES.command("language")
async def language(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    await reply(update, texts.t("language.choose"), kb.language_keyboard(texts))


@ROUTES.button(bt.Language)
async def language_chosen(update: Update, context: BotContext) -> None:
    await answer(update)
    assert update.effective_user
    locale = bt.Language.of(update).locale
    await people.set_language(context.services, update.effective_user.id, locale)
    context.forget_actor()
    actor = await context.actor(update)
    await reply(update, Texts(locale).t("language.set"))
    await refresh_menu(context.application, actor, context.services.config.school.language)


@ROUTES.command("cancel")
async def cancel_outside(update: Update, context: BotContext) -> None:
    """/cancel when no flow is running; also clears a flow marker left by a lost conversation."""
    texts = await context.texts(update)
    end_flow(context)
    await reply(update, texts.t("cancel.nothing"))


async def unknown_command(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    await reply(update, texts.t("unknown.command"))


async def unknown_message(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    await reply(update, texts.t("unknown.message"))


async def stale_button(update: Update, context: BotContext) -> None:
    """Buttons from finished flows or old messages: say so (or that the form is already saved) instead of leaving
    a spinner."""
    await answer_stale(update, context)


handlers = ROUTES.handlers


def fallbacks() -> list[BaseHandler[Update, BotContext, Any]]:
    """Registered last in group 0: anything no feature took."""
    return [
        MessageHandler(filters.COMMAND, unknown_command),
        CallbackQueryHandler(stale_button),
        MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, unknown_message),
    ]
