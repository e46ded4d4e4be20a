"""The only place that builds the Application: handlers in a deliberate order, jobs, persistence."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ApplicationHandlerStop, BaseHandler, ContextTypes, Defaults, TypeHandler
from telegram.request import BaseRequest

from bot.config import Config
from bot.domain.clock import Clock, system_clock
from bot.handlers import activity as activity_handlers
from bot.handlers import (
    attendance,
    boarding,
    checkin,
    children,
    civil_roster,
    enrolment,
    export,
    family_calls,
    guardian,
    health,
    importer,
    invite,
    lookup,
    notice,
    pairing,
    paper_letters,
    parent_messages,
    plan,
    referral,
    registry,
    start,
    stats,
    timeline,
    transfer,
    visit,
    voice_letter,
)
from bot.handlers import concern as safety_concern
from bot.handlers import counselling as safety_counselling
from bot.handlers import mailbox as safety_mailbox
from bot.handlers import privacy as safety_privacy
from bot.handlers import research as research_handlers
from bot.handlers import schools as schools_handlers
from bot.handlers import survey as survey_handlers
from bot.handlers.common import BotApp, BotContext, reply
from bot.handlers.errors import on_error
from bot.handlers.menu import refresh_menu, set_default_menu
from bot.jobs.attendance import monthly_reminders
from bot.jobs.backup import nightly_backup
from bot.jobs.concerns import remind_police_feedback, resend_unacknowledged
from bot.jobs.health import Counters, alert_admins, log_health
from bot.jobs.imports import expire_unconfirmed_imports
from bot.jobs.inbox import purge_done, replay_held, replay_on_startup
from bot.jobs.mailbox import notify as mailbox_notify
from bot.jobs.outbox import OutboxSender, recover_on_startup, send_due
from bot.jobs.parents import tick as parents_tick
from bot.jobs.plans import remind as remind_plans
from bot.jobs.reminders import tick as scheduler_tick
from bot.jobs.surveys import tick as surveys_tick
from bot.services import Services
from bot.services.health import BacklogWatch
from bot.storage import people, schools
from bot.storage.db import Database
from bot.telegram_io.job_queue import TimerJobQueue
from bot.telegram_io.persistence import SqlitePersistence
from bot.telegram_io.rate_limit import OutboxRateLimiter
from bot.update_processor import Inbox, InboxApplication, PerChatUpdateProcessor
from bot.views import Renderer

log = logging.getLogger(__name__)

# Handler groups. Order matters: guards first, features, then fallbacks, then bookkeeping.
GROUP_INBOX_BEFORE = -2
GROUP_GUARD = -1
GROUP_FEATURES = 0
GROUP_INBOX_AFTER = 98
GROUP_BOOKKEEPING = 99
Job = Callable[[BotContext], Coroutine[Any, Any, None]]  # a job queue callback


async def _guard(update: Update, context: BotContext) -> None:
    """Keeps known people's names current, children's data out of group chats, and edited messages alone.

    Nobody is stored for talking to the bot: a row is made when someone becomes staff or a guardian (or picks a
    language). The mailbox's updates write nothing at all, or the row's change would date a letter."""
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    services = context.services
    if not safety_mailbox.belongs_to_mailbox(update) and services.names_seen.get(user.id) != user.full_name:
        await people.refresh_name(services.db, user.id, user.full_name)
        services.names_seen[user.id] = user.full_name
    chat = update.effective_chat
    if chat is not None and chat.type != chat.PRIVATE:
        if update.effective_message is not None and (update.effective_message.text or "").startswith("/"):
            texts = await context.texts(update)
            await reply(update, texts.t("group.private_only"))
        raise ApplicationHandlerStop
    if update.edited_message is not None:
        # An edit of an earlier answer would otherwise be taken as the answer to the current step.
        texts = await context.texts(update)
        await reply(update, texts.t("edited.ignored"))
        raise ApplicationHandlerStop


async def _after_update(update: Update, context: BotContext) -> None:
    """Writes conversation states and drafts at once, so a crash a second later loses nothing."""
    services = context.services
    today = services.now().astimezone(services.config.school.timezone).date()
    context.application.bot_data["counters"].count_update(today)
    # PTB marks this update's user and chat for writing only after the last group has run, which
    # would leave the draft one update behind the conversation state: mark them now.
    chat, user = update.effective_chat, update.effective_user
    context.application.mark_data_for_update_persistence(
        chat_ids=chat.id if chat else None, user_ids=user.id if user else None
    )
    await context.application.update_persistence()


async def _inbox_before(update: Update, context: BotContext) -> None:
    """The drafts as they were before this update, in case its replies fail (bot/update_processor.py)."""
    context.application.bot_data["inbox"].remember(update.update_id, context.user_data, context.chat_data)


async def _inbox_after(update: Update, context: BotContext) -> None:
    """Done with the state the bookkeeping writes next, or (its replies failed) its drafts put back."""
    context.application.bot_data["inbox"].settle(update.update_id, context.user_data, context.chat_data)


def feature_handlers(config: Config) -> list[BaseHandler[Update, BotContext, Any]]:
    """Every feature's handlers, conversations first (they must see their own steps' input)."""
    timeout = config.conversation.timeout_minutes
    return [
        registry.build(timeout),
        invite.build(timeout),
        importer.build(timeout),
        checkin.build(timeout),
        visit.build(timeout),
        pairing.build_pair(timeout),
        pairing.build_buddy(timeout),
        enrolment.build(timeout),
        transfer.build(timeout),
        lookup.build(timeout),
        *safety_mailbox.conversations(timeout),
        paper_letters.build(timeout),
        *safety_concern.conversations(timeout),
        *safety_counselling.conversations(timeout),
        *safety_privacy.conversations(timeout),
        *family_calls.conversations(timeout),
        *parent_messages.conversations(timeout),
        attendance.build(timeout),
        *schools_handlers.conversations(timeout),
        *guardian.conversations(timeout),
        *notice.conversations(timeout),
        activity_handlers.build(timeout),
        *voice_letter.conversations(timeout),
        *survey_handlers.conversations(timeout),
        *plan.conversations(timeout),
        *referral.conversations(timeout),
        *checkin.handlers(),
        *visit.handlers(),
        *timeline.handlers(),
        *boarding.handlers(),
        *enrolment.handlers(),
        *transfer.handlers(),
        *children.handlers(timeout),
        *safety_concern.handlers(),
        *safety_mailbox.handlers(),
        *safety_counselling.handlers(),
        *safety_privacy.handlers(),
        *stats.handlers(),
        *export.handlers(),
        *civil_roster.handlers(),
        *importer.handlers(),
        *family_calls.handlers(),
        *parent_messages.handlers(),
        *notice.handlers(),
        *activity_handlers.handlers(),
        *voice_letter.handlers(),
        *survey_handlers.handlers(),
        *research_handlers.handlers(),
        *health.handlers(),
        *attendance.handlers(),
        *schools_handlers.handlers(),
        *plan.handlers(),
        *referral.handlers(),
        *start.handlers(),
    ]


def build_application(
    config: Config,
    db: Database,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    clock: Clock = system_clock,
) -> BotApp:
    """Builds the Application the bot runs and the tests drive (tests pass an offline request)."""
    # Every fetched update is written before it is handled (bot/update_processor.py), but the mailbox's.
    inbox = Inbox(db, clock, off_record=safety_mailbox.belongs_to_mailbox)
    builder = (
        ApplicationBuilder()
        .application_class(InboxApplication)
        .update_queue(inbox.queue)
        .token(config.telegram.token)
        .context_types(ContextTypes(context=BotContext))
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=config.school.timezone))
        .persistence(SqlitePersistence(db))
        .job_queue(TimerJobQueue())  # the flows' timeouts on the loop's timers (bot/telegram_io/job_queue.py)
        .rate_limiter(OutboxRateLimiter(max_retries=2))  # AIORateLimiter; the outbox handles its own 429s
        .concurrent_updates(PerChatUpdateProcessor(gate=inbox))
    )
    if config.telegram.base_url:
        builder = builder.base_url(config.telegram.base_url)
    if config.telegram.base_file_url:
        builder = builder.base_file_url(config.telegram.base_file_url)
    if request is not None:
        builder = builder.request(request).get_updates_request(get_updates_request or request)
    elif config.telegram.proxy:
        builder = builder.proxy(config.telegram.proxy).get_updates_proxy(config.telegram.proxy)
    app: BotApp = builder.build()  # type: ignore[assignment]
    app.bot_data["services"] = Services(config=config, db=db, clock=clock, render=Renderer(config))
    app.bot_data["counters"] = Counters(clock=clock)
    app.bot_data["health_watch"] = BacklogWatch()
    app.bot_data["outbox_sender"] = OutboxSender(app.bot, app.bot_data["services"])
    app.bot_data["inbox"] = inbox

    app.add_handler(TypeHandler(Update, _inbox_before), group=GROUP_INBOX_BEFORE)
    app.add_handler(TypeHandler(Update, _guard), group=GROUP_GUARD)
    for handler in feature_handlers(config):
        app.add_handler(handler, group=GROUP_FEATURES)
    for handler in start.fallbacks():
        app.add_handler(handler, group=GROUP_FEATURES)
    app.add_handler(TypeHandler(Update, _inbox_after), group=GROUP_INBOX_AFTER)
    app.add_handler(TypeHandler(Update, _after_update), group=GROUP_BOOKKEEPING)
    app.add_error_handler(on_error)

    assert app.job_queue is not None
    for name, callback, every, first in _repeating_jobs(config):
        app.job_queue.run_repeating(callback, interval=every, first=first, name=name)
    app.job_queue.run_daily(nightly_backup, time=config.backup.at, name="backup.nightly")
    return app


def _repeating_jobs(config: Config) -> list[tuple[str, Job, timedelta, timedelta]]:
    """What runs on a clock: (the job's name, its callback, how often, how long after a start it first runs)."""
    second, minute, hour = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)
    # Green channel: schedules live in SQLite; the tick queues what is due, the sender drains the outbox.
    tick = timedelta(seconds=config.scheduler.tick_seconds)
    return [
        ("health", log_health, hour, hour),
        ("health.alerts", alert_admins, hour, 2 * minute),
        ("concerns.resend", resend_unacknowledged, minute, minute),
        ("concerns.police_feedback", remind_police_feedback, hour, 3 * minute),
        ("imports.expire", expire_unconfirmed_imports, hour, 5 * minute),
        ("mailbox.notify", mailbox_notify, minute, 10 * second),
        ("green.tick", scheduler_tick, tick, tick),
        ("outbox.send", send_due, second, tick),
        # The families' ticks (notice and survey reminders, the yearly designation, silent weekly updates) run six
        # scheduler ticks after a start (three minutes at the default tick: the start-up's own work done first),
        # then every ten minutes; what fell due while the bot was down goes out then.
        ("parents.tick", parents_tick, 10 * minute, tick * 6),
        ("surveys.tick", surveys_tick, 10 * minute, tick * 7),
        ("inbox.replay", replay_held, 2 * second, 2 * second),
        ("inbox.purge", purge_done, hour, 10 * minute),
        ("attendance.monthly", monthly_reminders, hour, 3 * minute),
        ("plans.remind", remind_plans, hour, 4 * minute),
    ]


async def on_startup(app: BotApp) -> None:
    """Seeds the administrators from config and sets the command menus. Idempotent."""
    services: Services = app.bot_data["services"]
    config = services.config
    await schools.name_first_school(services.db, config.school.name, config.county.name)
    await people.ensure_admins(services.db, config.school.admins, schools.FIRST_SCHOOL, services.now())
    await people.ensure_county_staff(services.db, config.county.staff, services.now())
    await recover_on_startup(services)  # outbox rows a stopped process left half-sent (bot/jobs/outbox.py)
    await replay_on_startup(app)  # updates a stopped process left unhandled go first (bot/jobs/inbox.py)
    await set_default_menu(app.bot, services.config.school.language)
    for admin_id in (*config.school.admins, *config.county.staff):
        actor = await people.load_actor(services.db, admin_id)
        await refresh_menu(app, actor, services.config.school.language)
