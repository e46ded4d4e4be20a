"""Wording and dating the green channel's messages: each person's catalogue, local times, a plan in words,
Bot API keyboards from button declarations. (Services should return data; this is what views will take over.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.callback_data import Button
from bot.domain import schedule
from bot.domain.schedule import CallPlan
from bot.services import Services
from bot.texts import Texts, texts_for

# How many names a list in a message shows before "and N more".
LIST_LIMIT = 30


def texts_of(services: Services, language: str | None) -> Texts:
    return texts_for(language, services.config.school.language)


def inline_keyboard(rows: list[list[tuple[str, Button]]]) -> dict[str, Any]:
    """A Bot API inline keyboard from (label, button) rows."""
    import html

    return {
        "inline_keyboard": [
            [{"text": html.unescape(label), "callback_data": data.pack()} for label, data in row] for row in rows
        ]
    }


def local(services: Services, moment: datetime) -> datetime:
    return moment.astimezone(services.config.school.timezone)


def format_moment(texts: Texts, services: Services, moment: datetime) -> str:
    """ "3月8日 周日 19:00" / "Sun 8 Mar 19:00", in the school's time zone."""
    at = local(services, moment)
    return texts.t(
        "green.moment",
        day=at.day,
        weekday=texts.t(f"green.weekday.{at.weekday()}"),
        time=at.strftime("%H:%M"),
        month_name=texts.t(f"green.month.{at.month}"),
    )


def describe_plan(texts: Texts, plan: CallPlan) -> str:
    if plan.rhythm == schedule.WEEKLY:
        return texts.t(
            "green.plan.weekly", weekday=texts.t(f"green.weekday.{plan.weekday}"), time=plan.at.strftime("%H:%M")
        )
    return texts.t("green.plan.interval", days=plan.interval_days, time=plan.at.strftime("%H:%M"))
