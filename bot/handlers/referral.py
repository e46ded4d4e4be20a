"""/refer: refer a child to a partner outside the school, follow its status, and invite its partner person.

The flow: the child (or a name); the child's referrals so far, each with the buttons that move it on; the partner
body (buttons); the reason; the card fields to share (buttons that toggle, then "done"; the name is always shared);
the partner person's name, or none. A named person gets a one-time invitation link: they then read that child's
shared fields, and nothing else, while the referral is open."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler
from telegram.helpers import create_deep_linked_url

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.models import Child
from bot.domain.roles import Access
from bot.domain.support import NEXT, PARTNER_NAME_LIMIT, REASON_LIMIT, SHAREABLE, Partner, Status
from bot.domain.validation import clean_text
from bot.handlers.care_picker import ChildPicker, finder_for
from bot.handlers.common import TYPED, BotContext, conversation, edit_or_reply, pressed, read_typed, refuse, reply
from bot.handlers.flow import Draft, Flow, new_token
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import referrals as referral_service
from bot.services.care import InvalidChange
from bot.texts import Raw, Texts

PICK, BODY, REASON, FIELDS, PARTNER = range(5)


ROUTES = Routes()


@dataclass(kw_only=True)
class ReferDraft(Draft):
    """A referral under way: the child, the partner body, the reason, the fields chosen to share."""

    child_id: int | None = None
    name: str = ""
    body: str = ""
    reason: str = ""
    fields: list[str] = field(default_factory=list)
    token: str = field(default_factory=new_token)


REFER = Flow("refer", ReferDraft, "refer_draft", gone="card.gone")


def referral_line(texts: Texts, referral: referral_service.Referral) -> str:
    return texts.t(
        "refer.line", body=texts.t(f"refer.body.{referral.body}"), status=texts.t(f"refer.status.{referral.status}"),
        reason=referral.reason, partner=referral.partner_name or texts.t("refer.no_partner_named"),
    )  # fmt: skip


def _status_buttons(texts: Texts, referral: referral_service.Referral) -> InlineKeyboardMarkup | None:
    buttons = [
        kb.button(texts.t(f"refer.button.{status.value}"), bt.ReferStatus(referral.id, status))
        for status in NEXT.get(Status(referral.status), ())
    ]
    return kb.grid(buttons, 3) if buttons else None


async def _chosen(update: Update, context: BotContext, texts: Texts, draft: ReferDraft, child: Child) -> int:
    """The child picked: their referrals so far (open ones with their buttons), then the partner to refer to."""
    actor = await context.actor(update)
    draft.child_id, draft.name = child.id, child.name
    for referral in await referral_service.of_child(context.services, actor, child.id):
        await reply(update, referral_line(texts, referral), _status_buttons(texts, referral))
    buttons = [kb.button(texts.t(f"refer.body.{p.value}"), bt.ReferBody(draft.nonce, p)) for p in Partner]
    await reply(update, texts.t("refer.ask_body", child=child.name), kb.grid(buttons, 2))
    return BODY


PICKER = ChildPicker(
    REFER, pick=bt.ReferPick, prompt_key="refer.pick", state=PICK, chosen=_chosen, access=Access.REFER,
    finder=finder_for(Access.REFER), quick=referral_service.quick_picks, recheck=referral_service.child_for_referral,
)  # fmt: skip


async def body_chosen(update: Update, context: BotContext, draft: ReferDraft, button: bt.ReferBody) -> int:
    texts = await context.texts(update)
    draft.body = button.body.value
    await edit_or_reply(update, texts.t("refer.ask_reason", child=draft.name, body=texts.t(f"refer.body.{draft.body}")))
    return REASON


def _fields_markup(texts: Texts, draft: ReferDraft) -> InlineKeyboardMarkup:
    buttons = [
        kb.button(
            texts.t("refer.field_on" if name in draft.fields else "refer.field_off", label=texts.t(f"field.{name}")),
            bt.ReferField(draft.nonce, index),
        )
        for index, name in enumerate(SHAREABLE)
    ]
    return kb.grid(buttons, 3, [kb.button(texts.t("refer.button.fields_done"), bt.ReferFieldsDone(draft.nonce))])


async def reason_typed(update: Update, context: BotContext, draft: ReferDraft) -> int:
    texts = await context.texts(update)
    reason = await read_typed(update, texts, lambda typed: clean_text(typed, max_length=REASON_LIMIT))
    if reason is None:
        return REASON
    draft.reason = reason
    await reply(update, texts.t("refer.ask_fields", child=draft.name), _fields_markup(texts, draft))
    return FIELDS


async def field_toggled(update: Update, context: BotContext, draft: ReferDraft, button: bt.ReferField) -> int:
    texts = await context.texts(update)
    if 0 <= button.field < len(SHAREABLE):
        name = SHAREABLE[button.field]
        draft.fields = [f for f in draft.fields if f != name] if name in draft.fields else [*draft.fields, name]
    await edit_or_reply(update, texts.t("refer.ask_fields", child=draft.name), _fields_markup(texts, draft))
    return FIELDS


async def fields_done(update: Update, context: BotContext, draft: ReferDraft, button: bt.ReferFieldsDone) -> int:
    texts = await context.texts(update)
    shared = [texts.t("field.name"), *(texts.t(f"field.{name}") for name in SHAREABLE if name in draft.fields)]
    markup = kb.grid([kb.button(texts.t("refer.button.no_partner"), bt.ReferNoPartner(draft.nonce))], 1)
    await edit_or_reply(update, texts.t("refer.ask_partner", fields=texts.t("list.separator").join(shared)), markup)
    return PARTNER


async def partner_typed(update: Update, context: BotContext, draft: ReferDraft) -> int:
    texts = await context.texts(update)
    name = await read_typed(update, texts, lambda typed: clean_text(typed, max_length=PARTNER_NAME_LIMIT))
    if name is None:
        return PARTNER
    return await _save(update, context, texts, draft, name)


async def no_partner(update: Update, context: BotContext, draft: ReferDraft, button: bt.ReferNoPartner) -> int:
    return await _save(update, context, await context.texts(update), draft, None)


async def _save(update: Update, context: BotContext, texts: Texts, draft: ReferDraft, partner: str | None) -> int:
    assert draft.child_id is not None
    actor = await context.actor(update)
    try:
        _, code = await referral_service.save_referral(
            context.services, actor, draft.child_id, body=Partner(draft.body), reason=draft.reason,
            fields=draft.fields, partner_name=partner, flow_token=draft.token,
        )  # fmt: skip
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return REFER.end(context)
    body = texts.t(f"refer.body.{draft.body}")
    text = texts.t("refer.saved", child=draft.name, body=body)
    if code is not None:
        hours = context.services.config.conversation.invitation_ttl_hours
        link = create_deep_linked_url(context.bot.username, code)
        text += "\n\n" + texts.t("refer.invite", partner=partner or "", link=link, hours=hours)
    await reply(update, text)
    return REFER.saved(update, context)


@ROUTES.button(bt.ReferStatus)
async def status_pressed(update: Update, context: BotContext) -> None:
    """A referral's status button (outside the flow): re-checked through the policy, the ids come from the client."""
    texts, actor, button = await pressed(update, context, bt.ReferStatus)
    try:
        child, referral = await referral_service.set_status(context.services, actor, button.referral, button.status)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem)
        return
    line = texts.t("refer.status_set", child=child.name, line=Raw(referral_line(texts, referral)))
    await edit_or_reply(update, line, _status_buttons(texts, referral))


async def redeem(update: Update, context: BotContext, texts: Texts, code: str) -> bool:
    """A /start code that is a referral's invitation: the partner person joins (True); any other code: False."""
    assert update.effective_user is not None
    user = update.effective_user
    try:
        joined = await referral_service.redeem_partner(context.services, user.id, user.full_name, code)
    except InvalidChange as problem:
        await reply(update, texts.t(problem.reason))
        return True
    if joined is None:
        return False
    referral, child = joined
    context.forget_actor()
    body = texts.t(f"refer.body.{referral.body}")
    markup = kb.grid([kb.button(texts.t("refer.button.open_card"), bt.ChildView(child.id))], 1)
    await reply(update, texts.t("refer.partner_welcome", child=child.name, body=body), markup)
    return True


def conversations(timeout_minutes: int) -> list[BaseHandler[Update, BotContext, Any]]:
    # The referrals shown at the pick keep their buttons working while the new referral is written.
    status = CallbackQueryHandler(status_pressed, pattern=bt.ReferStatus.pattern)
    flow = conversation(
        name=REFER.name,
        entry_points=[PICKER.command("refer", ReferDraft)],
        states={
            PICK: [*PICKER.handlers(), status],
            BODY: [REFER.on_button(bt.ReferBody, body_chosen), status],
            REASON: [REFER.on_text(TYPED, reason_typed), status],
            FIELDS: [
                REFER.on_button(bt.ReferField, field_toggled),
                REFER.on_button(bt.ReferFieldsDone, fields_done),
                status,
            ],
            PARTNER: [REFER.on_text(TYPED, partner_typed), REFER.on_button(bt.ReferNoPartner, no_partner), status],
        },
        draft_keys=(REFER.key,),
        timeout_minutes=timeout_minutes,
        hint_key="refer.hint",
    )
    return [flow]


handlers = ROUTES.handlers
