"""/activity: a care activity (关爱活动) — its kind, its day, the children who took part (a class, then a tap on
each, "done"), and a photo if there is one. Then /mydata's consent to activity photos for families."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler, ConversationHandler, filters

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain.activities import MAX_CHILDREN, ActivityKind
from bot.domain.roles import Access
from bot.domain.validation import parse_date
from bot.handlers.common import BotContext, answer, edit_or_reply, read_typed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow, new_token
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound
from bot.services import activities as service
from bot.services.care import InvalidChange, today
from bot.texts import Texts

KIND, DATE, CLASS, CHILDREN, PHOTO = range(5)


ROUTES = Routes()


@dataclass(kw_only=True)
class Activity(Draft):
    """An activity being written down: the kind, the day (ISO), the class on screen with its children, the
    children tapped so far in any class (id → name) and the photo's file id."""

    token: str = field(default_factory=new_token)
    kind: str = ""
    date: str = ""
    class_label: str = ""
    roster: list[list[Any]] = field(default_factory=list)  # [[id, name]] of the class on screen
    chosen: dict[str, str] = field(default_factory=dict)
    classes: int = 0  # how many classes the recorder may pick from


FLOW = Flow("activity", Activity, "activity_draft")


async def start(update: Update, context: BotContext) -> int:
    draft = Activity()
    if not await FLOW.begin(update, context, draft, access=Access.RECORD_ACTIVITY):
        return ConversationHandler.END
    texts = await context.texts(update)
    await _ask_kind(update, texts, draft)
    return KIND


async def _ask_kind(update: Update, texts: Texts, draft: Activity) -> int:
    buttons = [kb.button(texts.t(f"activity.kind.{k.value}"), bt.ActivityKind(draft.nonce, k)) for k in ActivityKind]
    await reply(update, texts.t("activity.ask_kind"), kb.grid(buttons, 2))
    return KIND


async def kind_chosen(update: Update, context: BotContext, draft: Activity, button: bt.ActivityKind) -> int:
    texts = await context.texts(update)
    draft.kind = button.kind.value
    await edit_or_reply(update, texts.t("activity.kind_chosen", kind=texts.t(f"activity.kind.{draft.kind}")))
    return await _ask_date(update, texts, draft)


async def _ask_date(update: Update, texts: Texts, draft: Activity) -> int:
    buttons = [
        kb.button(texts.t("care.today"), bt.ActivityDate(draft.nonce, 0)),
        kb.button(texts.t("care.yesterday"), bt.ActivityDate(draft.nonce, 1)),
    ]
    await reply(update, texts.t("activity.ask_date"), kb.grid(buttons, 2))
    return DATE


async def date_button(update: Update, context: BotContext, draft: Activity, button: bt.ActivityDate) -> int:
    day = today(context.services) - timedelta(days=button.days_ago)
    return await _set_date(update, context, draft, day)


async def date_typed(update: Update, context: BotContext, draft: Activity) -> int:
    texts = await context.texts(update)
    day = await read_typed(update, texts, lambda text: parse_date(text, today=today(context.services)))
    return DATE if day is None else await _set_date(update, context, draft, day)


async def _set_date(update: Update, context: BotContext, draft: Activity, day: date) -> int:
    draft.date = day.isoformat()
    return await _ask_class(update, context, draft)


async def _ask_class(update: Update, context: BotContext, draft: Activity) -> int:
    texts, actor = await context.caller(update)
    try:
        classes = await service.classes_to_pick(context.services, actor)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return FLOW.end(context)
    draft.classes = len(classes)
    if not classes:
        await reply(update, texts.t("activity.no_class"))
        return FLOW.end(context)
    if len(classes) == 1:
        return await _open_class(update, context, texts, draft, classes[0].id)
    buttons = [kb.button(c.label, bt.ActivityClass(draft.nonce, c.id)) for c in classes]
    await reply(update, texts.t("activity.ask_class", count=len(draft.chosen)), kb.grid(buttons, 3))
    return CLASS


async def class_chosen(update: Update, context: BotContext, draft: Activity, button: bt.ActivityClass) -> int:
    return await _open_class(update, context, await context.texts(update), draft, button.klass)


async def _open_class(update: Update, context: BotContext, texts: Texts, draft: Activity, class_id: int) -> int:
    actor = await context.actor(update)
    try:
        klass, pupils = await service.class_children(context.services, actor, class_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return CLASS
    if not pupils:
        await reply(update, texts.t("activity.empty_class", class_label=klass.label))
        return CLASS if draft.classes > 1 else FLOW.end(context)
    draft.class_label = klass.label
    draft.roster = [[c.id, c.name] for c in pupils]
    await _show_sheet(update, texts, draft, edit=False)
    return CHILDREN


def _sheet_markup(texts: Texts, draft: Activity) -> InlineKeyboardMarkup:
    buttons = [
        kb.button(
            texts.t("activity.child_on" if str(child) in draft.chosen else "activity.child_off", name=name),
            bt.ActivityToggle(draft.nonce, child),
        )
        for child, name in draft.roster
    ]
    last = []
    if draft.classes > 1:
        last.append(kb.button(texts.t("activity.other_class"), bt.ActivityClasses(draft.nonce)))
    last.append(kb.button(texts.t("activity.done_button"), bt.ActivityDone(draft.nonce)))
    return kb.grid(buttons, 3, last)


async def _show_sheet(update: Update, texts: Texts, draft: Activity, *, edit: bool = True) -> int:
    text = texts.t("activity.sheet", class_label=draft.class_label, count=len(draft.chosen))
    markup = _sheet_markup(texts, draft)
    await (edit_or_reply(update, text, markup) if edit else reply(update, text, markup))
    return CHILDREN


def _on_sheet(draft: Activity, button: bt.ActivityToggle) -> str | None:
    return None if any(child == button.child for child, _ in draft.roster) else STALE


async def toggle(update: Update, context: BotContext, draft: Activity, button: bt.ActivityToggle) -> int:
    key = str(button.child)
    if key in draft.chosen:
        del draft.chosen[key]
    elif len(draft.chosen) < MAX_CHILDREN:
        draft.chosen[key] = next(name for child, name in draft.roster if child == button.child)
    return await _show_sheet(update, await context.texts(update), draft)


async def other_class(update: Update, context: BotContext, draft: Activity, button: bt.ActivityClasses) -> int:
    return await _ask_class(update, context, draft)


async def done(update: Update, context: BotContext, draft: Activity, button: bt.ActivityDone) -> int:
    texts = await context.texts(update)
    if not draft.chosen:
        await reply(update, texts.t("activity.none_chosen"))
        return CHILDREN
    return await _ask_photo(update, texts, draft)


async def _ask_photo(update: Update, texts: Texts, draft: Activity) -> int:
    names = texts.t("list.separator").join(draft.chosen.values())
    markup = kb.grid([kb.button(texts.t("activity.no_photo"), bt.ActivityNoPhoto(draft.nonce))], 1)
    await reply(update, texts.t("activity.ask_photo", count=len(draft.chosen), names=names), markup)
    return PHOTO


async def photo_sent(update: Update, context: BotContext, draft: Activity) -> int:
    assert update.message is not None and update.message.photo
    return await _save(update, context, draft, update.message.photo[-1].file_id)


async def no_photo(update: Update, context: BotContext, draft: Activity, button: bt.ActivityNoPhoto) -> int:
    return await _save(update, context, draft, None)


async def _save(update: Update, context: BotContext, draft: Activity, photo: str | None) -> int:
    """Saves once: the draft is taken first, and the flow's token makes a repeated save a no-op."""
    texts = await context.texts(update)
    FLOW.take(context)
    actor = await context.actor(update)
    details = service.Draft(
        draft.kind, date.fromisoformat(draft.date), tuple(int(child) for child in draft.chosen), photo, draft.token
    )
    try:
        saved = await service.record(context.services, actor, details)
    except (AccessDenied, NotFound, InvalidChange) as problem:
        await refuse(update, texts, problem, denied="access.child_denied")
        return FLOW.end(context)
    if not await FLOW.saved_once(update, context, new=saved.activity_id is not None):
        return ConversationHandler.END
    text = texts.t("activity.saved", kind=texts.t(f"activity.kind.{draft.kind}"), date=draft.date, count=saved.children)
    if photo is not None:
        text += "\n" + texts.t("activity.saved_photo", families=saved.families)
    await reply(update, text)
    return ConversationHandler.END


def build(timeout_minutes: int) -> ConversationHandler[BotContext]:
    buttons = "flow.hint_buttons"
    return FLOW.conversation(
        entry_points=[CommandHandler("activity", start)],
        states={
            KIND: [FLOW.on_button(bt.ActivityKind, kind_chosen)],
            DATE: [
                FLOW.on_text(filters.TEXT & ~filters.COMMAND, date_typed),
                FLOW.on_button(bt.ActivityDate, date_button),
            ],
            CLASS: [FLOW.on_button(bt.ActivityClass, class_chosen)],
            CHILDREN: [
                FLOW.on_button(bt.ActivityToggle, toggle, check=_on_sheet),
                FLOW.on_button(bt.ActivityClasses, other_class),
                FLOW.on_button(bt.ActivityDone, done),
            ],
            PHOTO: [FLOW.on_text(filters.PHOTO, photo_sent), FLOW.on_button(bt.ActivityNoPhoto, no_photo)],
        },
        timeout_minutes=timeout_minutes,
        hint={
            KIND: FLOW.hint_saying(buttons, _ask_kind),
            DATE: FLOW.hint_saying("activity.hint_date"),
            CLASS: FLOW.hint_saying(buttons),
            CHILDREN: FLOW.hint_saying("activity.hint_children"),
            PHOTO: FLOW.hint_saying("activity.hint_photo", _ask_photo),
        },
    )


# --- /mydata: consent to activity photos ----------------------------------------------------------------------


@ROUTES.button(bt.PhotoConsent)
async def photo_consent(update: Update, context: BotContext) -> None:
    """pv:ph:<child>:<given>: a guardian agrees to activity photos, or withdraws it (the service re-checks)."""
    texts, actor = await context.caller(update)
    button = bt.PhotoConsent.of(update)
    try:
        child = await service.set_photo_consent(context.services, actor, button.child, bool(button.given))
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, denied="access.child_denied", alert=True)
        return
    await answer(update)
    key = "activity.photo_consent_given" if button.given else "activity.photo_consent_withdrawn"
    await reply(update, texts.t(key, name=child.name))


handlers = ROUTES.handlers
