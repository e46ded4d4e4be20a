"""Consent, /mydata (a guardian sees what is stored and asks to correct or erase), erasure, /audit, /backup,
and the risk level set from the card."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.messages import Notification, message
from bot.domain.roles import Access, may_do, scope_for
from bot.domain.safety import MAX_REASON, RiskLevel, effective_risk
from bot.domain.validation import clean_text
from bot.handlers.cards import child_values, render_card
from bot.handlers.common import (
    BotContext,
    answer,
    begin_flow,
    clip_html,
    command_args,
    conversation,
    edit_or_reply,
    end_flow,
    read_typed,
    refuse,
    reply,
)
from bot.services import AccessDenied, NotFound, people
from bot.services import alerts as alerts_service
from bot.services import children as children_service
from bot.services import concerns as concern_service
from bot.services import privacy as privacy_service
from bot.services import registry as registry_service
from bot.services.concerns import Alert
from bot.texts import Texts

log = logging.getLogger(__name__)

TEXT_FLOW = "privacy"
DRAFT = "privacy_draft"
TYPED = 0
AUDIT_PAGE = 15


async def _denied(update: Update, texts: Texts, key: str = "access.denied") -> None:
    if update.callback_query is not None:
        await answer(update, texts.t(key), alert=True)
    else:
        await reply(update, texts.t(key))


async def _refused(
    update: Update,
    texts: Texts,
    problem: AccessDenied | NotFound,
    *,
    denied: str = "access.denied",
    gone: str = "card.gone",
) -> None:
    """A service said no: not allowed (`denied`) or not there any more (`gone`); said as _denied says it."""
    await _denied(update, texts, denied if isinstance(problem, AccessDenied) else gone)


# --- /mydata -------------------------------------------------------------------------------------------------


async def my_data(update: Update, context: BotContext) -> None:
    """/mydata: for each of the guardian's children, everything stored, consent, and what they can ask for."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not may_do(actor, Access.CONSENT_GIVE):
        await reply(update, texts.t("safety.mydata.not_guardian"))
        return
    for child_id in sorted(scope_for(actor, Access.CONSENT_GIVE).child_ids):
        try:
            data = await privacy_service.my_data(context.services, actor, child_id)
        except (AccessDenied, NotFound):
            continue
        today = registry_service.local_today(context.services)
        card = render_card(
            texts, child_values(data.child), class_label=data.child.class_label, today=today, guardians=data.guardians
        )
        lines = [card, ""]
        tz = context.services.config.school.timezone
        if data.consent is None:
            lines.append(texts.t("safety.mydata.consent_missing"))
        else:
            lines.append(
                texts.t("safety.mydata.consent_given", date=data.consent.given_at.astimezone(tz).date().isoformat())
            )
        lines.append(texts.t("safety.mydata.other_records", concerns=data.concerns, sessions=len(data.shared_sessions)))
        lines.append(texts.t("safety.mydata.rights"))
        buttons = []
        if data.consent is None:
            buttons.append(kb.button(texts.t("safety.mydata.consent_button"), bt.PrivacyConsent(child_id)))
        buttons.append(kb.button(texts.t("safety.mydata.correct_button"), bt.PrivacyCorrect(child_id)))
        buttons.append(kb.button(texts.t("safety.mydata.erase_button"), bt.PrivacyRequestErase(child_id)))
        await reply(update, "\n".join(lines), kb.grid(buttons, 1))


async def consent(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        child = await privacy_service.give_consent(context.services, actor, bt.PrivacyConsent.of(update).child)
    except (AccessDenied, NotFound) as problem:
        await _refused(update, texts, problem, denied="access.child_denied")
        return
    await answer(update)
    await edit_or_reply(update, texts.t("safety.consent.thanks", name=child.name))


async def request_erasure(update: Update, context: BotContext) -> None:
    """First tap: explain what erasure means and ask to confirm."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    child_id = bt.PrivacyRequestErase.of(update).child
    if child_id not in scope_for(actor, Access.CONSENT_GIVE).child_ids:
        await _forged(update, context, texts, child_id, "request.erasure")
        return
    await answer(update)
    buttons = [
        kb.button(texts.t("safety.mydata.erase_confirm"), bt.PrivacyRequestEraseYes(child_id)),
        kb.button(texts.t("safety.button.no"), bt.PrivacyNo()),
    ]
    await reply(update, texts.t("safety.mydata.erase_explain"), kb.grid(buttons, 2))


async def _forged(update: Update, context: BotContext, texts: Texts, child_id: int, what: str) -> None:
    """A guardian's button for a child they are not bound to (old buttons, guessed ids): refused and audited."""
    actor = await context.actor(update)
    try:
        await privacy_service.child_for_guardian(context.services, actor, child_id, what)
    except (AccessDenied, NotFound):
        pass
    await _denied(update, texts, "access.child_denied")


async def request_erasure_yes(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        request_id, child = await privacy_service.request(
            context.services, actor, bt.PrivacyRequestEraseYes.of(update).child, "erasure"
        )
    except (AccessDenied, NotFound) as problem:
        await _refused(update, texts, problem, denied="access.child_denied")
        return
    await answer(update)
    await _tell_handlers(context, child, "safety.request.erasure_notice", request_id)
    await edit_or_reply(update, texts.t("safety.mydata.erase_requested"))


async def _tell_handlers(context: BotContext, child: Any, key: str, request_id: int, detail: str = "") -> None:
    alerts = []
    for user_id in await privacy_service.people_to_tell(context.services, child):
        actor = await people.load_actor(context.services, user_id)
        text = message(key, name=child.name, id=child.id, detail=detail)
        alerts.append(Alert(Notification(user_id, actor.language, text), f"request:{request_id}:{user_id}"))
    await alerts_service.queue(context.services, alerts, kind="privacy")


async def no(update: Update, context: BotContext) -> None:
    await answer(update)
    texts = await context.texts(update)
    await edit_or_reply(update, texts.t("safety.cancelled"))


# --- typed inputs: a correction, paper consent, a risk reason -------------------------------------------------


async def correction_start(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    child_id = bt.PrivacyCorrect.of(update).child
    if child_id not in scope_for(actor, Access.CONSENT_GIVE).child_ids:
        await _forged(update, context, texts, child_id, "request.correction")
        return ConversationHandler.END
    return await _ask(
        update, context, texts, {"what": "correction", "child_id": child_id}, "safety.mydata.ask_correction"
    )


async def paper_start(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        await privacy_service.child_for_paper_consent(context.services, actor, bt.PrivacyPaper.of(update).child)
    except (AccessDenied, NotFound) as problem:
        await _refused(update, texts, problem)
        return ConversationHandler.END
    return await _ask(
        update,
        context,
        texts,
        {"what": "paper", "child_id": bt.PrivacyPaper.of(update).child},
        "safety.consent.ask_paper",
    )


async def risk_menu(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        child, risk = await concern_service.risk_for_edit(context.services, actor, bt.RiskMenu.of(update).child)
    except (AccessDenied, NotFound) as problem:
        await _refused(update, texts, problem)
        return
    await answer(update)
    level = effective_risk(risk.level, risk.open_concerns)
    buttons = [kb.button(texts.t(f"safety.risk.{lv.value}"), bt.RiskLevel(child.id, lv)) for lv in RiskLevel]
    await reply(
        update,
        texts.t("safety.risk.ask", name=child.name, level=texts.t(f"safety.risk.{level.value}")),
        kb.grid(buttons, 3),
    )


async def risk_start(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    button = bt.RiskLevel.of(update)
    child_id, level = button.child, button.level.value
    try:
        await concern_service.risk_for_edit(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await _refused(update, texts, problem)
        return ConversationHandler.END
    draft = {"what": "risk", "child_id": child_id, "level": level}
    return await _ask(update, context, texts, draft, "safety.risk.ask_reason")


async def _ask(update: Update, context: BotContext, texts: Texts, draft: dict[str, Any], key: str) -> int:
    await answer(update)
    if not await begin_flow(update, context, TEXT_FLOW):
        return ConversationHandler.END
    context.draft[DRAFT] = draft
    await reply(update, texts.t(key))
    return TYPED


async def typed(update: Update, context: BotContext) -> int:
    texts = await context.texts(update)
    actor = await context.actor(update)
    draft = context.draft.get(DRAFT)
    if not draft:  # the child's record was erased mid-flow (its draft scrubbed)
        await reply(update, texts.t("card.gone"))
        return end_flow(context, DRAFT)
    limit = {"correction": privacy_service.MAX_CORRECTION, "paper": 50, "risk": MAX_REASON}[draft["what"]]
    value = await read_typed(update, texts, lambda text: clean_text(text, max_length=limit))
    if value is None:
        return TYPED
    child_id = int(draft["child_id"])
    try:
        if draft["what"] == "correction":
            request_id, child = await privacy_service.request(context.services, actor, child_id, "correction", value)
            await _tell_handlers(context, child, "safety.request.correction_notice", request_id, value)
            await reply(update, texts.t("safety.mydata.correction_sent"))
        elif draft["what"] == "paper":
            child = await privacy_service.record_paper_consent(context.services, actor, child_id, value)
            await reply(update, texts.t("safety.consent.paper_saved", name=child.name, who=value))
        else:
            child = await concern_service.set_risk(context.services, actor, child_id, RiskLevel(draft["level"]), value)
            await reply(
                update, texts.t("safety.risk.saved", name=child.name, level=texts.t(f"safety.risk.{draft['level']}"))
            )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
    return end_flow(context, DRAFT)


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return conversation(
        name=TEXT_FLOW,
        entry_points=[
            CallbackQueryHandler(correction_start, pattern=bt.PrivacyCorrect.pattern),
            CallbackQueryHandler(paper_start, pattern=bt.PrivacyPaper.pattern),
            CallbackQueryHandler(risk_start, pattern=bt.RiskLevel.pattern),
        ],
        states={TYPED: [MessageHandler(filters.TEXT & ~filters.COMMAND, typed)]},
        draft_keys=(DRAFT,),
        timeout_minutes=timeout_minutes,
    )


# --- erasure (admins) ----------------------------------------------------------------------------------------


async def erase_list(update: Update, context: BotContext) -> None:
    """/erase: open erasure requests and children past the retention period, each with an erase button."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        requests, expired = await privacy_service.erasure_candidates(context.services, actor)
    except AccessDenied:
        await reply(update, texts.t("access.denied"))
        return
    if not requests and not expired:
        await reply(update, texts.t("safety.erase.nothing"))
        return
    lines = [texts.t("safety.erase.header")]
    buttons = []
    seen: set[int] = set()
    for request in requests:
        lines.append(texts.t("safety.erase.request_line", name=request.child_name, id=request.child_id))
        if request.child_id not in seen:
            seen.add(request.child_id)
            buttons.append(
                kb.button(texts.t("safety.erase.button", name=request.child_name), bt.PrivacyErase(request.child_id))
            )
    for child_id, name in expired:
        lines.append(texts.t("safety.erase.expired_line", name=name, id=child_id))
        if child_id not in seen:
            seen.add(child_id)
            buttons.append(kb.button(texts.t("safety.erase.button", name=name), bt.PrivacyErase(child_id)))
    await reply(update, clip_html("\n".join(lines), 4000), kb.grid(buttons[:30], 1))


async def erase_ask(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    try:
        child = await privacy_service.child_for_erasure(context.services, actor, bt.PrivacyErase.of(update).child)
    except (AccessDenied, NotFound) as problem:
        await _refused(update, texts, problem, gone="safety.erase.gone")
        return
    await answer(update)
    buttons = [
        kb.button(texts.t("safety.erase.confirm_button"), bt.PrivacyEraseYes(child.id)),
        kb.button(texts.t("safety.button.no"), bt.PrivacyNo()),
    ]
    await reply(update, texts.t("safety.erase.confirm", name=child.name, id=child.id), kb.grid(buttons, 2))


async def erase_yes(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    child_id = bt.PrivacyEraseYes.of(update).child
    try:
        name, deleted = await privacy_service.erase(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await _refused(update, texts, problem, gone="safety.erase.gone")
        return
    application = context.application
    await privacy_service.scrub_drafts_in_memory(
        context.services, child_id, name, [*application.user_data.values(), *application.chat_data.values()]
    )
    await answer(update)
    await edit_or_reply(update, texts.t("safety.erase.done", id=child_id, rows=sum(deleted.values())))


# --- /audit (admins) -----------------------------------------------------------------------------------------


async def audit_command(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not may_do(actor, Access.VIEW_AUDIT):
        await privacy_service.deny(context.services, actor, "view_audit")
        await reply(update, texts.t("access.denied"))
        return
    query = command_args(context)
    if not query:
        await reply(update, texts.t("safety.audit.ask"))
        return
    found, total = await children_service.search_all(context.services, actor, Access.VIEW_AUDIT, query, limit=10)
    if total == 0:
        await reply(update, texts.t("safety.concern.none_found", query=query))
        return
    if total == 1:
        await _audit_page(update, context, texts, found[0][0], 0)
        return
    buttons = [kb.button(texts.t("child.button", name=n, class_label=c), bt.AuditView(i, 0)) for i, n, c in found]
    await reply(update, texts.t("safety.concern.pick"), kb.grid(buttons, 1))


async def audit_button(update: Update, context: BotContext) -> None:
    texts = await context.texts(update)
    button = bt.AuditView.of(update)
    await answer(update)
    await _audit_page(update, context, texts, button.child, button.page)


def _audit_name(texts: Texts, kind: str, code: str) -> str:
    """An audit code in words (`audit.action.<code>`, or for what a refusal names `audit.access.<code>` or the
    action tried); a code from an older version with no name is shown as it is."""
    for key in (f"audit.{kind}.{code}", f"audit.action.{code}"):
        if texts.has(key):
            return texts.t(key)
    return code


async def _audit_page(update: Update, context: BotContext, texts: Texts, child_id: int, page: int) -> None:
    actor = await context.actor(update)
    try:
        child, lines, total = await privacy_service.audit_of(
            context.services, actor, child_id, limit=AUDIT_PAGE, offset=page * AUDIT_PAGE
        )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return
    tz = context.services.config.school.timezone
    body = [texts.t("safety.audit.header", name=child.name, total=total)]
    for line in lines:
        body.append(
            texts.t(
                "safety.audit.line", at=line.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                who=line.actor_name or (line.actor_id if line.actor_id is not None else "—"),
                action=_audit_name(texts, "action", line.action),
                detail=_audit_name(texts, "access", line.detail) if line.action == "denied" else line.detail,
            )
        )  # fmt: skip
    pages = max(1, (total + AUDIT_PAGE - 1) // AUDIT_PAGE)
    row = []
    if page > 0:
        row.append(kb.button(texts.t("button.prev"), bt.AuditView(child_id, page - 1)))
    if page + 1 < pages:
        row.append(kb.button(texts.t("button.next"), bt.AuditView(child_id, page + 1)))
    markup = InlineKeyboardMarkup([row]) if row else None
    await edit_or_reply(update, clip_html("\n".join(body), 4000), markup)


# --- /backup (admins) ----------------------------------------------------------------------------------------


async def backup_command(update: Update, context: BotContext) -> None:
    """The latest nightly backup (a fresh one if none), encrypted with the configured passphrase."""
    texts = await context.texts(update)
    actor = await context.actor(update)
    if not may_do(actor, Access.BACKUP):
        await privacy_service.deny(context.services, actor, "backup")
        await reply(update, texts.t("access.denied"))
        return
    if not context.services.config.backup.passphrase:
        await reply(update, texts.t("safety.backup.no_passphrase"))
        return
    name, blob = await privacy_service.encrypted_latest_backup(context.services, actor)
    assert update.effective_chat is not None
    await update.effective_chat.send_document(
        blob, filename=name + ".enc", caption=texts.t("safety.backup.caption", name=name)
    )


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    """The conversations (wired before every plain handler)."""
    return [build(timeout_minutes)]


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("mydata", my_data),
        CommandHandler("erase", erase_list),
        CommandHandler("audit", audit_command),
        CommandHandler("backup", backup_command),
        CallbackQueryHandler(consent, pattern=bt.PrivacyConsent.pattern),
        CallbackQueryHandler(request_erasure, pattern=bt.PrivacyRequestErase.pattern),
        CallbackQueryHandler(request_erasure_yes, pattern=bt.PrivacyRequestEraseYes.pattern),
        CallbackQueryHandler(erase_ask, pattern=bt.PrivacyErase.pattern),
        CallbackQueryHandler(erase_yes, pattern=bt.PrivacyEraseYes.pattern),
        CallbackQueryHandler(no, pattern=bt.PrivacyNo.pattern),
        CallbackQueryHandler(risk_menu, pattern=bt.RiskMenu.pattern),
        CallbackQueryHandler(audit_button, pattern=bt.AuditView.pattern),
    ]
