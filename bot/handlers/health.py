"""/health: how the installation is doing, in one message for the admins."""

from __future__ import annotations

from datetime import tzinfo

from telegram import Update

from bot.handlers.common import BotContext, refuse, reply
from bot.handlers.routes import Routes
from bot.services import AccessDenied
from bot.services import health as health_service
from bot.services.health import HealthReport
from bot.texts import Raw, Texts

MINUTE, HOUR, DAY = 60, 3600, 86400


ROUTES = Routes()


def span(texts: Texts, seconds: float) -> Raw:
    """A duration in words, to the unit a person reads at a glance: minutes, hours, then days."""
    if seconds < MINUTE:
        return texts.raw("ops.health.span.under_a_minute")
    if seconds < HOUR:
        return texts.raw("ops.health.span.minutes", n=int(seconds // MINUTE))
    if seconds < DAY:
        return texts.raw("ops.health.span.hours", n=int(seconds // HOUR))
    return texts.raw("ops.health.span.days", n=int(seconds // DAY))


def ago(texts: Texts, seconds: float) -> Raw:
    if seconds < MINUTE:
        return texts.raw("ops.health.ago.just_now")
    return texts.raw("ops.health.ago", span=span(texts, seconds))


def render(texts: Texts, report: HealthReport, tz: tzinfo) -> str:
    lines = [
        texts.t("ops.health.header"),
        texts.t("ops.health.updates_today", n=report.updates_today),
        (
            texts.t("ops.health.backlog", n=report.backlog, waited=span(texts, report.oldest_due_seconds))
            if report.oldest_due_seconds is not None
            else texts.t("ops.health.backlog_none_due", n=report.backlog)
        ),
        (
            texts.t("ops.health.last_send", ago=ago(texts, report.seconds_since_send))
            if report.seconds_since_send is not None
            else texts.t("ops.health.last_send_never")
        ),
        texts.t("ops.health.outages", n=report.outages_week),
        texts.t("ops.health.database", mb=f"{report.database_bytes / (1024 * 1024):.1f}"),
        (
            texts.t(
                "ops.health.backup",
                at=report.last_backup_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                ago=ago(texts, report.backup_age_seconds or 0.0),
            )
            if report.last_backup_at is not None
            else texts.t("ops.health.backup_none")
        ),
        texts.t("ops.health.unreachable", n=report.unreachable_guardians),
    ]
    return "\n".join(lines)


@ROUTES.command("health")
async def health_command(update: Update, context: BotContext) -> None:
    """The figures for an admin; anyone else gets the polite refusal (the service audits it)."""
    texts, actor = await context.caller(update)
    try:
        report = await health_service.report(context.services, actor, context.application.bot_data["counters"])
    except AccessDenied as problem:
        await refuse(update, texts, problem)
        return
    await reply(update, render(texts, report, context.services.config.school.timezone))


handlers = ROUTES.handlers
