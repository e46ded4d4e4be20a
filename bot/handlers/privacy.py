"""Consent, /mydata (a guardian sees what is stored and asks to correct or erase), erasure, /backup, and the risk
level set from the card (/audit: handlers/audit_trail.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.messages import Notification, message
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, scope_for
from bot.domain.safety import MAX_REASON, RiskLevel, effective_risk
from bot.domain.validation import clean_text
from bot.handlers import audit_trail
from bot.handlers.audit_trail import admin_only
from bot.handlers.cards import child_card
from bot.handlers.common import TYPED, BotContext, answer, clip_html, edit_or_reply, read_typed, refuse, reply
from bot.handlers.flow import Draft, Flow, Step
from bot.handlers.routes import Routes, requires
from bot.services import AccessDenied, NotFound, Services, people
from bot.services import activities as activities_service
from bot.services import alerts as alerts_service
from bot.services import concerns as concern_service
from bot.services import privacy as privacy_service
from bot.services import registry as registry_service
from bot.services.concerns import Alert
from bot.texts import Texts

CORRECTION, PAPER, RISK_REASON = range(1, 4)
ROUTES = Routes()
FROM_BEFORE = 0  # the one state of this flow before it had one per answer (the answer awaited was in the draft)
T = TypeVar("T")


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


async def _pressed(
    update: Update,
    context: BotContext,
    fetch: Callable[[Services, Actor, int], Awaitable[T]],
    child_id: int,
    *,
    denied: str = "access.denied",
    gone: str = "card.gone",
) -> T | None:
    """What `fetch` gives for a pressed button's child, the press answered; None once a refusal is said (as
    _refused says it)."""
    texts, actor = await context.caller(update)
    try:
        found = await fetch(context.services, actor, child_id)
    except (AccessDenied, NotFound) as problem:
        await _refused(update, texts, problem, denied=denied, gone=gone)
        return None
    await answer(update)
    return found


async def _bound(update: Update, context: BotContext, child_id: int, what: str) -> bool:
    """Whether the guardian is bound to a button's child; a button for another child (old buttons, guessed ids)
    is refused and audited."""
    actor = await context.actor(update)
    if child_id in scope_for(actor, Access.CONSENT_GIVE).child_ids:
        return True
    try:
        await privacy_service.child_for_guardian(context.services, actor, child_id, what)
    except (AccessDenied, NotFound):
        pass
    await _denied(update, await context.texts(update), "access.child_denied")
    return False


# --- /mydata -------------------------------------------------------------------------------------------------


@ROUTES.command("mydata")
@requires(Access.CONSENT_GIVE, denied="safety.mydata.not_guardian")
async def my_data(update: Update, context: BotContext) -> None:
    """/mydata: for each of the guardian's children, everything stored, consent, and what they can ask for."""
    texts, actor = await context.caller(update)
    for child_id in sorted(scope_for(actor, Access.CONSENT_GIVE).child_ids):
        try:
            data = await privacy_service.my_data(context.services, actor, child_id)
        except (AccessDenied, NotFound):
            continue
        today = registry_service.local_today(context.services)
        card = child_card(texts, data.child, today=today, guardians=data.guardians)
        lines = [card, ""]
        tz = context.services.config.school.timezone
        if data.consent is None:
            lines.append(texts.t("safety.mydata.consent_missing"))
        else:
            lines.append(
                texts.t("safety.mydata.consent_given", date=data.consent.given_at.astimezone(tz).date().isoformat())
            )
        photos = await activities_service.photo_consent(context.services, child_id)
        lines.append(texts.t("activity.mydata_photos_yes" if photos else "activity.mydata_photos_no"))
        lines.append(texts.t("safety.mydata.other_records", concerns=data.concerns, sessions=len(data.shared_sessions)))
        lines.append(texts.t("safety.mydata.rights"))
        buttons = []
        if data.consent is None:
            buttons.append(kb.button(texts.t("safety.mydata.consent_button"), bt.PrivacyConsent(child_id)))
        photo_key = "activity.photo_withdraw_button" if photos else "activity.photo_consent_button"
        buttons.append(kb.button(texts.t(photo_key), bt.PhotoConsent(child_id, 0 if photos else 1)))
        buttons.append(kb.button(texts.t("safety.mydata.correct_button"), bt.PrivacyCorrect(child_id)))
        buttons.append(kb.button(texts.t("safety.mydata.erase_button"), bt.PrivacyRequestErase(child_id)))
        await reply(update, "\n".join(lines), kb.grid(buttons, 1))


@ROUTES.button(bt.PrivacyConsent)
async def consent(update: Update, context: BotContext) -> None:
    child = await _pressed(
        update, context, privacy_service.give_consent, bt.PrivacyConsent.of(update).child, denied="access.child_denied"
    )
    if child is None:
        return
    texts = await context.texts(update)
    await edit_or_reply(update, texts.t("safety.consent.thanks", name=child.name))


@ROUTES.button(bt.PrivacyRequestErase)
async def request_erasure(update: Update, context: BotContext) -> None:
    """First tap: explain what erasure means and ask to confirm."""
    child_id = bt.PrivacyRequestErase.of(update).child
    if not await _bound(update, context, child_id, "request.erasure"):
        return
    await answer(update)
    texts = await context.texts(update)
    buttons = [
        kb.button(texts.t("safety.mydata.erase_confirm"), bt.PrivacyRequestEraseYes(child_id)),
        kb.button(texts.t("safety.button.no"), bt.PrivacyNo()),
    ]
    await reply(update, texts.t("safety.mydata.erase_explain"), kb.grid(buttons, 2))


async def _request_erasure(services: Services, actor: Actor, child_id: int) -> tuple[int, Child]:
    return await privacy_service.request(services, actor, child_id, "erasure")


@ROUTES.button(bt.PrivacyRequestEraseYes)
async def request_erasure_yes(update: Update, context: BotContext) -> None:
    child_id = bt.PrivacyRequestEraseYes.of(update).child
    found = await _pressed(update, context, _request_erasure, child_id, denied="access.child_denied")
    if found is None:
        return
    request_id, child = found
    texts = await context.texts(update)
    await _tell_handlers(context, child, "safety.request.erasure_notice", request_id)
    await edit_or_reply(update, texts.t("safety.mydata.erase_requested"))


async def _tell_handlers(context: BotContext, child: Child, key: str, request_id: int, detail: str = "") -> None:
    alerts = []
    for user_id in await privacy_service.people_to_tell(context.services, child):
        actor = await people.load_actor(context.services, user_id)
        text = message(key, name=child.name, id=child.id, detail=detail)
        alerts.append(Alert(Notification(user_id, actor.language, text), f"request:{request_id}:{user_id}"))
    await alerts_service.queue(context.services, alerts, kind="privacy")


@ROUTES.button(bt.PrivacyNo)
async def no(update: Update, context: BotContext) -> None:
    await answer(update)
    texts = await context.texts(update)
    await edit_or_reply(update, texts.t("safety.cancelled"))


# --- typed inputs: a correction, paper consent, a risk reason -------------------------------------------------


@dataclass(kw_only=True)
class TypedDraft(Draft):
    """A typed answer awaited about one child (which answer is the state): a correction, who gave consent on
    paper, or the reason for the risk level chosen."""

    child_id: int
    level: str = ""


# The child's record erased mid-flow scrubs the draft: the flow then says the card is gone.
FLOW = Flow("privacy", TypedDraft, "privacy_draft", gone="card.gone")


async def correction_start(update: Update, context: BotContext) -> int:
    child_id = bt.PrivacyCorrect.of(update).child
    if not await _bound(update, context, child_id, "request.correction"):
        return ConversationHandler.END
    await answer(update)
    return await _ask(update, context, TypedDraft(child_id=child_id), "safety.mydata.ask_correction", CORRECTION)


async def paper_start(update: Update, context: BotContext) -> int:
    child_id = bt.PrivacyPaper.of(update).child
    if await _pressed(update, context, privacy_service.child_for_paper_consent, child_id) is None:
        return ConversationHandler.END
    return await _ask(update, context, TypedDraft(child_id=child_id), "safety.consent.ask_paper", PAPER)


@ROUTES.button(bt.RiskMenu)
async def risk_menu(update: Update, context: BotContext) -> None:
    found = await _pressed(update, context, concern_service.risk_for_edit, bt.RiskMenu.of(update).child)
    if found is None:
        return
    child, risk = found
    texts = await context.texts(update)
    level = effective_risk(risk.level, risk.open_concerns)
    buttons = [kb.button(texts.t(f"safety.risk.{lv.value}"), bt.RiskLevel(child.id, lv)) for lv in RiskLevel]
    await reply(
        update,
        texts.t("safety.risk.ask", name=child.name, level=texts.t(f"safety.risk.{level.value}")),
        kb.grid(buttons, 3),
    )


async def risk_start(update: Update, context: BotContext) -> int:
    button = bt.RiskLevel.of(update)
    if await _pressed(update, context, concern_service.risk_for_edit, button.child) is None:
        return ConversationHandler.END
    draft = TypedDraft(child_id=button.child, level=button.level.value)
    return await _ask(update, context, draft, "safety.risk.ask_reason", RISK_REASON)


async def _ask(update: Update, context: BotContext, draft: TypedDraft, key: str, state: int) -> int:
    if not await FLOW.begin(update, context, draft):
        return ConversationHandler.END
    texts = await context.texts(update)
    await reply(update, texts.t(key))
    return state


Save = Callable[[Update, BotContext, Texts, TypedDraft, str], Awaitable[None]]


def _typed(state: int, limit: int, save: Save) -> Step[TypedDraft]:
    """The step of `state`: the typed answer read (a bad one is told why and the step stays), then saved by
    `save`, which says what was done; the flow ends either way."""

    async def step(update: Update, context: BotContext, draft: TypedDraft) -> int:
        texts = await context.texts(update)
        value = await read_typed(update, texts, lambda text: clean_text(text, max_length=limit))
        if value is None:
            return state
        try:
            await save(update, context, texts, draft, value)
        except (AccessDenied, NotFound) as problem:
            await refuse(update, texts, problem)
        return FLOW.end(context)

    return step


async def _correction(update: Update, context: BotContext, texts: Texts, draft: TypedDraft, value: str) -> None:
    actor = await context.actor(update)
    request_id, child = await privacy_service.request(context.services, actor, draft.child_id, "correction", value)
    await _tell_handlers(context, child, "safety.request.correction_notice", request_id, value)
    await reply(update, texts.t("safety.mydata.correction_sent"))


async def _paper(update: Update, context: BotContext, texts: Texts, draft: TypedDraft, value: str) -> None:
    actor = await context.actor(update)
    child = await privacy_service.record_paper_consent(context.services, actor, draft.child_id, value)
    await reply(update, texts.t("safety.consent.paper_saved", name=child.name, who=value))


async def _risk(update: Update, context: BotContext, texts: Texts, draft: TypedDraft, value: str) -> None:
    actor = await context.actor(update)
    level = RiskLevel(draft.level)
    child = await concern_service.set_risk(context.services, actor, draft.child_id, level, value)
    await reply(update, texts.t("safety.risk.saved", name=child.name, level=texts.t(f"safety.risk.{level.value}")))


STEPS = {
    CORRECTION: _typed(CORRECTION, privacy_service.MAX_CORRECTION, _correction),
    PAPER: _typed(PAPER, 50, _paper),
    RISK_REASON: _typed(RISK_REASON, MAX_REASON, _risk),
}
_BEFORE = {"correction": CORRECTION, "paper": PAPER, "risk": RISK_REASON}


async def _from_before(update: Update, context: BotContext, draft: TypedDraft) -> int:
    """A conversation stored by the version before (a restart across an upgrade): its draft said which answer it
    awaited; that answer's step takes the text."""
    stored = context.draft.get(FLOW.key)
    state = _BEFORE.get(stored.get("what", "")) if isinstance(stored, dict) else None
    if state is None:
        return await FLOW.cleared(update, context)
    return await STEPS[state](update, context, draft)


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return FLOW.conversation(
        entry_points=[
            CallbackQueryHandler(correction_start, pattern=bt.PrivacyCorrect.pattern),
            CallbackQueryHandler(paper_start, pattern=bt.PrivacyPaper.pattern),
            CallbackQueryHandler(risk_start, pattern=bt.RiskLevel.pattern),
        ],
        states={
            CORRECTION: [FLOW.on_text(TYPED, STEPS[CORRECTION])],
            PAPER: [FLOW.on_text(TYPED, STEPS[PAPER])],
            RISK_REASON: [FLOW.on_text(TYPED, STEPS[RISK_REASON])],
            FROM_BEFORE: [FLOW.on_text(TYPED, _from_before)],
        },
        timeout_minutes=timeout_minutes,
    )


# --- erasure (admins) ----------------------------------------------------------------------------------------


@ROUTES.command("erase")
async def erase_list(update: Update, context: BotContext) -> None:
    """/erase: open erasure requests and children past the retention period, each with an erase button."""
    texts, actor = await context.caller(update)
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


@ROUTES.button(bt.PrivacyErase)
async def erase_ask(update: Update, context: BotContext) -> None:
    child = await _pressed(
        update, context, privacy_service.child_for_erasure, bt.PrivacyErase.of(update).child, gone="safety.erase.gone"
    )
    if child is None:
        return
    texts = await context.texts(update)
    buttons = [
        kb.button(texts.t("safety.erase.confirm_button"), bt.PrivacyEraseYes(child.id)),
        kb.button(texts.t("safety.button.no"), bt.PrivacyNo()),
    ]
    await reply(update, texts.t("safety.erase.confirm", name=child.name, id=child.id), kb.grid(buttons, 2))


@ROUTES.button(bt.PrivacyEraseYes)
async def erase_yes(update: Update, context: BotContext) -> None:
    child_id = bt.PrivacyEraseYes.of(update).child
    erased = await _pressed(update, context, privacy_service.erase, child_id, gone="safety.erase.gone")
    if erased is None:
        return
    name, deleted = erased
    application = context.application
    await privacy_service.scrub_drafts_in_memory(
        context.services, child_id, name, [*application.user_data.values(), *application.chat_data.values()]
    )
    texts = await context.texts(update)
    await edit_or_reply(update, texts.t("safety.erase.done", id=child_id, rows=sum(deleted.values())))


# --- /backup (admins) ----------------------------------------------------------------------------------------


@ROUTES.command("backup")
async def backup_command(update: Update, context: BotContext) -> None:
    """The latest nightly backup (a fresh one if none), encrypted with the configured passphrase."""
    if not await admin_only(update, context, Access.BACKUP, "backup"):
        return
    texts, actor = await context.caller(update)
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
    return [*ROUTES.handlers(), *audit_trail.handlers()]
