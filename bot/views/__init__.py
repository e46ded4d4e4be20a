"""Views: the one place that words what services return (bot.domain.messages), for handlers and for the outbox.

A `View` is one reader's catalogue (bot/texts) with the school's time zone; `Renderer` words a notification for the
outbox in its recipient's language, with its buttons as a Bot API inline keyboard. Services never import this
package: they hand their notifications to the `Render` they are given (`Services.render`).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.config import Config
from bot.domain import schedule
from bot.domain.messages import (
    Buttons,
    Joiner,
    Listing,
    Message,
    Moment,
    Notification,
    Outgoing,
    Plan,
    Relation,
    Text,
    Value,
)
from bot.domain.schedule import CallPlan
from bot.services import Services
from bot.texts import LOCALES, Raw, Texts, clip_html, template, texts_for

# Keyboards kept per view: the weekly update's one is made once for 100,000 parents; a reminder's names its child.
KEYBOARDS_KEPT = 256


class View:
    """Words messages for one reader: the catalogue in their language, times in the school's time zone."""

    def __init__(self, texts: Texts, timezone: tzinfo) -> None:
        self.texts = texts
        self.timezone = timezone
        self._templates: dict[str, str] = {}
        self._keyboards: dict[Buttons, dict[str, Any]] = {}

    def text(self, text: Text) -> str:
        return self._html(text)

    def keyboard(self, rows: Buttons) -> dict[str, Any] | None:
        """A Bot API inline keyboard; labels are plain text, so what the catalogue escaped is unescaped."""
        if not rows:
            return None
        found = self._keyboards.get(rows)
        if found is None:
            if len(self._keyboards) >= KEYBOARDS_KEPT:
                self._keyboards.clear()
            found = self._keyboards[rows] = {
                "inline_keyboard": [
                    [{"text": html.unescape(self.text(c.label)), "callback_data": c.button.pack()} for c in row]
                    for row in rows
                ]
            }
        return found

    def moment(self, moment: datetime) -> str:
        """ "3月8日 周日 19:00" / "Sun 8 Mar 19:00", in the school's time zone."""
        at = moment.astimezone(self.timezone)
        return self.texts.t(
            "green.moment",
            day=at.day,
            weekday=self.texts.t(f"green.weekday.{at.weekday()}"),
            time=at.strftime("%H:%M"),
            month_name=self.texts.t(f"green.month.{at.month}"),
        )

    def plan(self, plan: CallPlan) -> str:
        texts = self.texts
        if plan.rhythm == schedule.WEEKLY:
            return texts.t(
                "green.plan.weekly", weekday=texts.t(f"green.weekday.{plan.weekday}"), time=plan.at.strftime("%H:%M")
            )
        return texts.t("green.plan.interval", days=plan.interval_days, time=plan.at.strftime("%H:%M"))

    def _template(self, key: str) -> str:
        found = self._templates.get(key)
        if found is None:
            found = self._templates[key] = template(key, self.texts.locale)
        return found

    def _html(self, value: Value) -> str:
        """A value as HTML: a plain one escaped, a worded piece as the catalogue makes it (its values escaped the
        same way, as `Texts.t` does). Dispatched on the exact type: the weekly update words 100,000 of these."""
        kind = type(value)
        if kind is str:
            return html.escape(value, quote=False)  # type: ignore[arg-type]
        if kind is Message:
            assert isinstance(value, Message)
            text = self._template(value.key)
            if not value.values:
                return text
            return text.format(**{name: self._html(v) for name, v in value.values.items()})
        if kind is Listing:
            assert isinstance(value, Listing)
            joiner = self._template("green.sep") if value.joiner is Joiner.SEP else value.joiner.value
            shown = joiner.join([self._html(item) for item in value.items])
            return shown + self.texts.t("green.more", count=value.more) if value.more > 0 else shown
        if kind is Moment:
            assert isinstance(value, Moment)
            return self.moment(value.at)
        if kind is Plan:
            assert isinstance(value, Plan)
            return self.plan(value.plan)
        if kind is Relation:
            assert isinstance(value, Relation)
            key = f"relation.{value.code}"
            return self._template(key) if self.texts.has(key) else html.escape(value.code, quote=False)
        if isinstance(value, Raw):
            return str(value)
        return html.escape(str(value), quote=False)


def texts_of(services: Services, language: str | None) -> Texts:
    """The catalogue in a person's language (the school's when they have not chosen)."""
    return texts_for(language, services.config.school.language)


def view(services: Services, texts: Texts) -> View:
    return View(texts, services.config.school.timezone)


def format_moment(texts: Texts, services: Services, moment: datetime) -> str:
    return view(services, texts).moment(moment)


def describe_plan(texts: Texts, plan: CallPlan) -> str:
    return View(texts, UTC).plan(plan)  # a plan is worded in its own local time: no zone needed


class Renderer:
    """Words notifications for the outbox, each in its recipient's language; one View per language."""

    def __init__(self, config: Config) -> None:
        self.language = config.school.language
        self.timezone = config.school.timezone
        self._views: dict[str | None, View] = {}

    def view(self, language: str | None) -> View:
        found = self._views.get(language)
        if found is None:
            found = self._views[language] = View(texts_for(language, self.language), self.timezone)
        return found

    def __call__(self, notification: Notification, /) -> Outgoing:
        shown = self.view(notification.language)
        # Telegram refuses a message over 4,096 characters: a long one is cut, never inside a tag.
        return Outgoing(clip_html(shown.text(notification.text)), shown.keyboard(notification.buttons))


class WorkbookWords:
    """The catalogue's plain words for a workbook (bot.services.excel.Words): a heading in the reader's language,
    and in every language to recognise a heading of a workbook made in any of them."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    def plain(self, key: str) -> str:
        return template(key, self.locale)

    def every(self, key: str) -> tuple[str, ...]:
        return tuple(template(key, locale) for locale in LOCALES)
