"""/schools: the county office's schools (add one, invite its first admin); /school: a school admin's settings
(the weekly update's day and time, the quiet hours)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import time

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler
from telegram.helpers import create_deep_linked_url

from bot import buttons as bt
from bot import keyboards as kb
from bot.domain import schedule
from bot.domain.roles import Access, Actor
from bot.domain.stats import TermStarts, parse_term_starts
from bot.handlers.common import TYPED, BotContext, answer, conversation, edit_or_reply, fetch_pressed, refuse, reply
from bot.handlers.flow import STALE, Draft, Flow
from bot.handlers.routes import Routes
from bot.services import AccessDenied, NotFound, Services
from bot.services import schools as schools_service
from bot.texts import Raw, Texts

NAME, TOWNSHIP = range(2)
PICK, MENU, DAY, TIME, QUIET, TERMS = range(10, 16)
Change = Callable[[Services, Actor, int], Awaitable[None]]  # a setting changed for a school


ROUTES = Routes()


@dataclass(kw_only=True)
class NewSchool(Draft):
    """A school being added: its name once typed."""

    name: str | None = None


@dataclass(kw_only=True)
class SchoolSettingsDraft(Draft):
    """/school under way: the school chosen, the weekday chosen for the weekly update."""

    school_id: int | None = None
    day: int | None = None


ADD = Flow("school_add", NewSchool, "school_add_draft")
SETTINGS = Flow("school_settings", SchoolSettingsDraft, "school_settings_draft")


# --- /schools (the county office) --------------------------------------------------------------------------


@ROUTES.command("schools")
async def show_schools(update: Update, context: BotContext) -> None:
    """The county's schools, each with its classes, children and whether it has an admin; add / invite buttons."""
    fetched = await fetch_pressed(update, context, schools_service.overview)
    if fetched is None:
        return
    texts, found = fetched
    county = context.services.config.county.name or texts.t("county.unnamed")
    lines = [texts.t("schools.title", county=county, count=len(found))]
    for item in found:
        township = texts.t("schools.township", township=item.school.township) if item.school.township else ""
        lines.append(
            texts.t(
                "schools.line",
                name=item.school.name,
                township=Raw(township),
                classes=item.classes,
                children=item.children,
                admin=texts.t("schools.has_admin" if item.has_admin else "schools.no_admin"),
            )
        )
    if not found:
        lines.append(texts.t("schools.none"))
    invites = [
        kb.button(texts.t("schools.invite_button", name=item.school.name), bt.SchoolInviteAdmin(item.school.id))
        for item in found
    ]
    markup = kb.grid(invites, 1, [kb.button(texts.t("schools.add"), bt.SchoolAdd())])
    await reply(update, "\n".join(lines), markup)


@ROUTES.button(bt.SchoolInviteAdmin)
async def invite_admin(update: Update, context: BotContext) -> None:
    """A link inviting the pressed school's admin (the press is re-checked: ids come from the client)."""
    await answer(update)
    texts, actor = await context.caller(update)
    try:
        school, code = await schools_service.invite_first_admin(
            context.services, actor, bt.SchoolInviteAdmin.of(update).school
        )
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="flow.stale_button")
        return
    link = create_deep_linked_url(context.bot.username, code)
    hours = context.services.config.conversation.invitation_ttl_hours
    await reply(update, texts.t("schools.invited", school=school.name, hours=hours, link=link))


async def add_start(update: Update, context: BotContext) -> int:
    """➕ add a school: the county office only; first its name."""
    await answer(update)
    if not await ADD.begin(update, context, NewSchool(), access=Access.MANAGE_SCHOOLS):
        return ConversationHandler.END
    texts = await context.texts(update)
    await reply(update, texts.t("schools.ask_name"))
    return NAME


async def name_typed(update: Update, context: BotContext, texts: Texts, draft: NewSchool, name: str) -> int:
    draft.name = name
    markup = kb.grid([kb.button(texts.t("button.skip"), bt.SchoolAddSkip(draft.nonce))], 1)
    await reply(update, texts.t("schools.ask_township"), markup)
    return TOWNSHIP


async def township_typed(update: Update, context: BotContext, texts: Texts, draft: NewSchool, township: str) -> int:
    return await _create(update, context, texts, draft, township)


async def township_skipped(update: Update, context: BotContext, draft: NewSchool, button: bt.SchoolAddSkip) -> int:
    return await _create(update, context, await context.texts(update), draft, "")


async def _create(update: Update, context: BotContext, texts: Texts, draft: NewSchool, township: str) -> int:
    name = draft.name or ""
    actor = await context.actor(update)
    try:
        school_id = await schools_service.add_school(context.services, actor, name, township)
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return ADD.end(context)
    if school_id is None:
        # The name is asked again; the township typed is asked again after it.
        draft.name = None
        await reply(update, texts.t("schools.duplicate", name=name))
        return NAME
    where = texts.t("schools.township", township=township) if township else ""
    await reply(update, texts.t("schools.added", name=name, township=Raw(where)))
    return ADD.saved(update, context)


def _township_button(draft: NewSchool, button: bt.SchoolAddSkip) -> str | None:
    return None if draft.name else STALE


# --- /school (a school's admin) ---------------------------------------------------------------------------


async def settings_start(update: Update, context: BotContext) -> int:
    actor = await context.actor(update)
    choices = sorted(schools_service.settings_schools(actor))
    if not await SETTINGS.begin(update, context, SchoolSettingsDraft(), allowed=bool(choices)):
        return ConversationHandler.END
    texts = await context.texts(update)
    if len(choices) == 1:
        draft = SchoolSettingsDraft(school_id=choices[0])
        SETTINGS.put(context, draft)
        return await _show_settings(update, context, texts, draft)
    names = await schools_service.school_names(context.services)
    buttons = [kb.button(names.get(s, str(s)), bt.SchoolSettingsPick(s)) for s in choices]
    await reply(update, texts.t("school.choose"), kb.grid(buttons, 1))
    return PICK


async def school_picked(
    update: Update, context: BotContext, draft: SchoolSettingsDraft, button: bt.SchoolSettingsPick
) -> int:
    draft.school_id = button.school
    return await _show_settings(update, context, await context.texts(update), draft)


async def _show_settings(update: Update, context: BotContext, texts: Texts, draft: SchoolSettingsDraft) -> int:
    actor = await context.actor(update)
    try:
        current = await schools_service.settings_of(context.services, actor, int(draft.school_id or 0))
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem, gone="flow.stale_button")
        return SETTINGS.end(context)
    default = texts.t("school.default")
    text = texts.t(
        "school.settings", school=current.school.name, weekday=texts.t(f"green.weekday.{current.weekly_update_day}"),
        time=_clock(current.weekly_update_time), weekly_default="" if current.own_weekly else default,
        quiet_start=_clock(current.quiet_start), quiet_end=_clock(current.quiet_end),
        quiet_default="" if current.own_quiet else default,
    )  # fmt: skip
    markup = InlineKeyboardMarkup(
        [
            [kb.button(texts.t("school.edit_weekly"), bt.SchoolSettingsEdit(draft.nonce, "w"))],
            [kb.button(texts.t("school.edit_quiet"), bt.SchoolSettingsEdit(draft.nonce, "q"))],
            [kb.button(texts.t("school.edit_terms"), bt.SchoolSettingsEdit(draft.nonce, "t"))],
        ]
    )
    autumn, spring = current.term_starts
    text += "\n" + texts.t(
        "school.settings_terms", autumn=_day(texts, autumn), spring=_day(texts, spring),
        terms_default="" if current.own_terms else default,
    )  # fmt: skip
    await edit_or_reply(update, text, markup)
    return MENU


def _day(texts: Texts, month_day: tuple[int, int]) -> str:
    return texts.t("school.month_day", month=month_day[0], day=month_day[1])


def _clock(at: time) -> str:
    return at.strftime("%H:%M")


async def edit_chosen(
    update: Update, context: BotContext, draft: SchoolSettingsDraft, button: bt.SchoolSettingsEdit
) -> int:
    texts = await context.texts(update)
    if button.what == "q":
        await reply(update, texts.t("school.ask_quiet"))
        return QUIET
    if button.what == "t":
        await reply(update, texts.t("school.ask_terms"))
        return TERMS
    buttons = [kb.button(texts.t(f"green.weekday.{d}"), bt.SchoolWeekday(draft.nonce, d)) for d in range(7)]
    await reply(update, texts.t("school.ask_day"), kb.grid(buttons, 4))
    return DAY


async def day_chosen(update: Update, context: BotContext, draft: SchoolSettingsDraft, button: bt.SchoolWeekday) -> int:
    texts = await context.texts(update)
    draft.day = button.day
    await edit_or_reply(update, texts.t("school.ask_time"))
    return TIME


async def time_typed(update: Update, context: BotContext, draft: SchoolSettingsDraft) -> int:
    texts = await context.texts(update)
    assert update.message and update.message.text
    at = schedule.parse_clock(update.message.text.strip())
    day = draft.day
    if at is None or day is None:
        await reply(update, texts.t("school.bad_time"))
        return TIME
    return await _save(
        update, context, draft,
        lambda services, actor, school: schools_service.set_weekly_update(services, actor, school, day, at),
        "school.weekly_saved", weekday=texts.t(f"green.weekday.{day}"), time=_clock(at),
    )  # fmt: skip


_RANGE = re.compile(r"^\s*(\S+?)\s*(?:-|－|–|—|~|～|至|到|\s)\s*(\S+)\s*$")


def parse_quiet_hours(text: str) -> tuple[time, time] | None:
    """ "21:30-07:00", "21:30 至 7:00", "21：30~7：00" -> (start, end); None if unreadable or the same time."""
    match = _RANGE.match(text)
    if match is None:
        return None
    start, end = schedule.parse_clock(match.group(1)), schedule.parse_clock(match.group(2))
    if start is None or end is None or start == end:
        return None
    return start, end


async def quiet_typed(
    update: Update, context: BotContext, texts: Texts, draft: SchoolSettingsDraft, hours: tuple[time, time]
) -> int:
    start, end = hours
    return await _save(
        update, context, draft,
        lambda services, actor, school: schools_service.set_quiet_hours(services, actor, school, start, end),
        "school.quiet_saved", start=_clock(start), end=_clock(end),
    )  # fmt: skip


async def terms_typed(
    update: Update, context: BotContext, texts: Texts, draft: SchoolSettingsDraft, starts: TermStarts
) -> int:
    autumn, spring = starts
    return await _save(
        update, context, draft,
        lambda services, actor, school: schools_service.set_term_starts(services, actor, school, starts),
        "school.terms_saved", autumn=_day(texts, autumn), spring=_day(texts, spring),
    )  # fmt: skip


async def _save(
    update: Update, context: BotContext, draft: SchoolSettingsDraft, change: Change, saved: str, **values: object
) -> int:
    """One setting changed for the draft's school (refused: said so, the flow ends), then said with the school's
    name; the flow ends as saved."""
    texts, actor = await context.caller(update)
    school_id = int(draft.school_id or 0)
    try:
        await change(context.services, actor, school_id)
        current = await schools_service.settings_of(context.services, actor, school_id)
    except (AccessDenied, NotFound) as problem:
        await refuse(update, texts, problem)
        return SETTINGS.end(context)
    await reply(update, texts.t(saved, school=current.school.name, **values))
    return SETTINGS.saved(update, context)


def _own_school(draft: SchoolSettingsDraft, button: bt.SchoolSettingsPick) -> str | None:
    return None if draft.school_id is None else STALE


def conversations(timeout_minutes: int) -> list[ConversationHandler[BotContext]]:
    add = conversation(
        name=ADD.name,
        entry_points=[CallbackQueryHandler(add_start, pattern=bt.SchoolAdd.pattern)],
        states={
            NAME: [ADD.on_typed(TYPED, schools_service.clean_name, name_typed)],
            TOWNSHIP: [
                ADD.on_typed(TYPED, schools_service.clean_name, township_typed),
                ADD.on_button(bt.SchoolAddSkip, township_skipped, check=_township_button),
            ],
        },
        draft_keys=(ADD.key,),
        timeout_minutes=timeout_minutes,
        hint={NAME: ADD.hint_saying("schools.hint_name"), TOWNSHIP: ADD.hint_saying("schools.hint_township")},
    )
    settings = conversation(
        name=SETTINGS.name,
        entry_points=[CommandHandler("school", settings_start)],
        states={
            PICK: [SETTINGS.on_button(bt.SchoolSettingsPick, school_picked, check=_own_school)],
            MENU: [SETTINGS.on_button(bt.SchoolSettingsEdit, edit_chosen)],
            DAY: [SETTINGS.on_button(bt.SchoolWeekday, day_chosen)],
            TIME: [SETTINGS.on_text(TYPED, time_typed)],
            QUIET: [SETTINGS.on_parsed(TYPED, parse_quiet_hours, "school.bad_quiet", quiet_typed)],
            TERMS: [SETTINGS.on_parsed(TYPED, parse_term_starts, "school.bad_terms", terms_typed)],
        },
        draft_keys=(SETTINGS.key,),
        timeout_minutes=timeout_minutes,
        hint={
            PICK: SETTINGS.hint_saying("school.hint"),
            MENU: SETTINGS.hint_saying("school.hint"),
            DAY: SETTINGS.hint_saying("school.hint"),
            TIME: SETTINGS.hint_saying("school.ask_time"),
            QUIET: SETTINGS.hint_saying("school.ask_quiet"),
            TERMS: SETTINGS.hint_saying("school.ask_terms"),
        },
    )
    return [add, settings]


handlers = ROUTES.handlers
