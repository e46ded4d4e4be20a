"""/invite: admins invite staff (role, class); head teachers invite a parent or guardian for one child."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler
from telegram.helpers import create_deep_linked_url

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.roles import CLASS_ROLES, STAFF_ROLES, Access, Role, may_do
from bot.domain.validation import clean_text, parse_class_label
from bot.handlers import care_picker
from bot.handlers.common import TYPED, BotContext, answer, edit_or_reply, read_typed, reply
from bot.handlers.flow import STALE, Draft, Flow
from bot.services import AccessDenied, NotFound, people
from bot.services import invitations as invitation_service
from bot.services import registry as registry_service
from bot.texts import Raw, Texts

CHOOSE_KIND, CHOOSE_ROLE, CHOOSE_CLASS, CHOOSE_CHILD, CHOOSE_RELATION, CHOOSE_SCHOOL = range(6)
RELATIONS = ("father", "mother", "grandfather", "grandmother")
CHILD_CHOICES = 8


@dataclass(kw_only=True)
class InviteDraft(Draft):
    """An invitation under way: for staff the role, then the school; for a family the child once picked."""

    role: str = ""
    school_id: int | None = None
    child_id: int | None = None


# The child's record erased mid-flow scrubs the draft: the flow then says the card is gone.
FLOW = Flow("invite", InviteDraft, "invite_draft", gone="card.gone")


async def start(update: Update, context: BotContext) -> int:
    texts, actor = await context.caller(update)
    staff, guardian = may_do(actor, Access.INVITE_STAFF), may_do(actor, Access.INVITE_FROM_CLASS)
    allowed = staff or guardian
    draft = InviteDraft()
    if not await FLOW.begin(update, context, draft, allowed=allowed, denied="invite.not_allowed"):
        return ConversationHandler.END
    if staff and guardian:
        buttons = [
            kb.button(texts.t("invite.kind_staff"), bt.InviteKind("staff")),
            kb.button(texts.t("invite.kind_guardian"), bt.InviteKind("guardian")),
        ]
        await reply(update, texts.t("invite.choose_kind"), kb.grid(buttons, 1))
        return CHOOSE_KIND
    if staff:
        return await _ask_role(update, texts)
    return await _ask_child(update, context, texts, draft)


async def kind_chosen(update: Update, context: BotContext, draft: InviteDraft, button: bt.InviteKind) -> int:
    texts = await context.texts(update)
    if button.kind == "staff":
        return await _ask_role(update, texts)
    await edit_or_reply(update, texts.t("invite.kind_guardian"))
    return await _ask_child(update, context, texts, draft)


async def _ask_child(update: Update, context: BotContext, texts: Texts, draft: InviteDraft) -> int:
    """The class's children on buttons (those whose family is not reached yet first), or type a name."""
    actor = await context.actor(update)
    picks = await invitation_service.children_to_invite(context.services, actor, limit=care_picker.PICK_LIMIT)
    await care_picker.offer(
        update, texts, pick=bt.InvitePick, nonce=draft.nonce, picks=picks, prompt_key="invite.pick_first"
    )
    return CHOOSE_CHILD


async def _ask_role(update: Update, texts: Texts) -> int:
    buttons = [kb.button(texts.t(f"role.{role.value}"), bt.InviteRole(role.value)) for role in STAFF_ROLES]
    await edit_or_reply(update, texts.t("invite.choose_role"), kb.grid(buttons, 2))
    return CHOOSE_ROLE


async def role_chosen(update: Update, context: BotContext, draft: InviteDraft, button: bt.InviteRole) -> int:
    texts = await context.texts(update)
    try:
        role = Role(button.role)
    except ValueError:
        return CHOOSE_ROLE
    if role not in STAFF_ROLES:
        return CHOOSE_ROLE
    draft.role = role.value
    actor = await context.actor(update)
    choices = sorted(invitation_service.invitation_schools(actor))
    if len(choices) > 1:
        names = await invitation_service.school_names(context.services)
        buttons = [kb.button(names.get(s, str(s)), bt.InviteSchool(s)) for s in choices]
        await edit_or_reply(update, texts.t("invite.choose_school"), kb.grid(buttons, 1))
        return CHOOSE_SCHOOL
    if not choices:
        await edit_or_reply(update, texts.t("invite.not_allowed"))
        return FLOW.end(context)
    return await _school_known(update, context, texts, draft, choices[0])


async def school_chosen(update: Update, context: BotContext, draft: InviteDraft, button: bt.InviteSchool) -> int:
    texts = await context.texts(update)
    school_id = button.school_id
    if school_id not in invitation_service.invitation_schools(await context.actor(update)):
        await edit_or_reply(update, texts.t("flow.stale_button"))
        return CHOOSE_SCHOOL
    return await _school_known(update, context, texts, draft, school_id)


async def _school_known(update: Update, context: BotContext, texts: Texts, draft: InviteDraft, school_id: int) -> int:
    draft.school_id = school_id
    if Role(draft.role) not in CLASS_ROLES:
        return await _create_staff(update, context, texts, draft, None)
    classes = await invitation_service.classes_of_school(context.services, school_id)
    buttons = [kb.button(c.label, bt.InviteClass(c.id)) for c in classes]
    await edit_or_reply(update, texts.t("invite.choose_class"), kb.grid(buttons, 3))
    return CHOOSE_CLASS


async def class_chosen(update: Update, context: BotContext) -> int:
    """A class button; a class that no longer exists is stale: its check reads the classes, so it is answered here,
    not by the flow's (one answer per press: Telegram refuses a second)."""
    draft = FLOW.get(context)
    if draft is None:
        await answer(update)
        return await FLOW.cleared(update, context)
    texts = await context.texts(update)
    school_class = await people.get_class(context.services, bt.InviteClass.of(update).class_id)
    if school_class is None or school_class.school_id != draft.school_id:
        await answer(update, texts.t(STALE), alert=True)
        return CHOOSE_CLASS
    await answer(update)
    return await _create_staff(update, context, texts, draft, school_class.id)


async def class_typed(update: Update, context: BotContext, draft: InviteDraft) -> int:
    """A new class typed as "三年级 2班": created on the spot."""
    texts = await context.texts(update)
    label = await read_typed(update, texts, parse_class_label)
    if label is None:
        return CHOOSE_CLASS
    grade, name = label
    school_class = await people.ensure_class(context.services, int(draft.school_id or 0), grade, name)
    return await _create_staff(update, context, texts, draft, school_class.id)


async def _link(context: BotContext, code: str) -> str:
    username = context.bot.username
    return create_deep_linked_url(username, code)


async def _create_staff(
    update: Update, context: BotContext, texts: Texts, draft: InviteDraft, class_id: int | None
) -> int:
    actor = await context.actor(update)
    role = Role(draft.role)
    try:
        code = await invitation_service.invite_staff(context.services, actor, role, class_id, school_id=draft.school_id)
    except AccessDenied:
        await reply(update, texts.t("invite.not_allowed"))
        return FLOW.end(context)
    class_part = ""
    if class_id is not None:
        school_class = await people.get_class(context.services, class_id)
        class_part = texts.t("invite.class_part", label=school_class.label if school_class else "")
    await edit_or_reply(
        update,
        texts.t(
            "invite.staff_created",
            role=texts.raw(f"role.{role.value}"),
            class_part=Raw(class_part),
            hours=context.services.config.conversation.invitation_ttl_hours,
            link=await _link(context, code),
        ),
    )
    return FLOW.end(context)


async def child_typed(update: Update, context: BotContext, draft: InviteDraft) -> int:
    """A name (or part): offer the matching children of the head teacher's class as buttons."""
    texts, actor = await context.caller(update)
    assert update.message and update.message.text
    query = update.message.text.strip()
    found, _ = await registry_service.searchable_for_edit(context.services, actor, query, limit=CHILD_CHOICES)
    if not found:
        await reply(update, texts.t("invite.no_children_found"))
        return CHOOSE_CHILD
    buttons = [
        kb.button(texts.t("child.button", name=c.name, class_label=c.class_label), bt.InviteChild(c.id)) for c in found
    ]
    await reply(update, texts.t("invite.pick_child"), kb.grid(buttons, 1))
    return CHOOSE_CHILD


async def child_picked(update: Update, context: BotContext, draft: InviteDraft, button: bt.InvitePick) -> int:
    """A child from the first question's buttons (this run's only: the flow checks the nonce), re-checked."""
    return await _chosen(update, context, draft, button.child)


async def child_chosen(update: Update, context: BotContext, draft: InviteDraft, button: bt.InviteChild) -> int:
    """A child from the buttons of a typed name."""
    return await _chosen(update, context, draft, button.child)


async def _chosen(update: Update, context: BotContext, draft: InviteDraft, child_id: int) -> int:
    texts, actor = await context.caller(update)
    try:
        child = await registry_service.child_for_invitation(context.services, actor, child_id)
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.child_denied"))
        return CHOOSE_CHILD
    draft.child_id = child.id
    buttons = [kb.button(texts.t(f"relation.{r}"), bt.InviteRelation(r)) for r in RELATIONS]
    await edit_or_reply(update, texts.t("invite.ask_relationship", child=child.name), kb.grid(buttons, 2))
    return CHOOSE_RELATION


async def relation_chosen(update: Update, context: BotContext, draft: InviteDraft, button: bt.InviteRelation) -> int:
    texts = await context.texts(update)
    key = button.relation
    if key not in RELATIONS:
        return CHOOSE_RELATION
    return await _create_guardian(update, context, texts, draft, texts.t(f"relation.{key}"))


async def relation_typed(update: Update, context: BotContext, draft: InviteDraft) -> int:
    texts = await context.texts(update)
    relationship = await read_typed(update, texts, lambda text: clean_text(text, max_length=20))
    if relationship is None:
        return CHOOSE_RELATION
    return await _create_guardian(update, context, texts, draft, relationship)


async def _create_guardian(
    update: Update, context: BotContext, texts: Texts, draft: InviteDraft, relationship: str
) -> int:
    actor = await context.actor(update)
    if draft.child_id is None:
        return await FLOW.cleared(update, context)
    child_id = draft.child_id
    try:
        code = await invitation_service.invite_guardian(context.services, actor, child_id, relationship)
        child = await registry_service.child_for_invitation(context.services, actor, child_id)
    except (AccessDenied, NotFound):
        await reply(update, texts.t("access.child_denied"))
        return FLOW.end(context)
    await edit_or_reply(
        update,
        texts.t(
            "invite.guardian_created",
            child=child.name,
            relationship=relationship,
            hours=context.services.config.conversation.invitation_ttl_hours,
            link=await _link(context, code),
        ),
    )
    return FLOW.end(context)


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    return FLOW.conversation(
        entry_points=[CommandHandler("invite", start)],
        states={
            CHOOSE_KIND: [FLOW.on_button(bt.InviteKind, kind_chosen)],
            CHOOSE_ROLE: [FLOW.on_button(bt.InviteRole, role_chosen)],
            CHOOSE_SCHOOL: [FLOW.on_button(bt.InviteSchool, school_chosen)],
            CHOOSE_CLASS: [
                CallbackQueryHandler(class_chosen, pattern=bt.InviteClass.pattern),
                FLOW.on_text(TYPED, class_typed),
            ],
            CHOOSE_CHILD: [
                FLOW.on_button(bt.InvitePick, child_picked),
                FLOW.on_button(bt.InviteChild, child_chosen),
                FLOW.on_text(TYPED, child_typed),
            ],
            CHOOSE_RELATION: [
                FLOW.on_button(bt.InviteRelation, relation_chosen),
                FLOW.on_text(TYPED, relation_typed),
            ],
        },
        timeout_minutes=timeout_minutes,
    )
