"""Use cases: each checks access, calls storage and domain, and writes the audit trail. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Config
from bot.domain.clock import Clock, system_clock
from bot.domain.messages import Notification, Outgoing, Render
from bot.storage.db import Database


def _unwired(notification: Notification, /) -> Outgoing:
    raise RuntimeError("Services built without views: pass render=bot.views.Renderer(config)")


@dataclass
class Services:
    """What every handler and job needs, built once by bot.app."""

    config: Config
    db: Database
    clock: Clock = system_clock
    # The display name each person last wrote with, as stored: the guard then writes nothing for an unchanged
    # name (one statement less per update). Forgotten when the outbox marks the person unreachable.
    names_seen: dict[int, str] = field(default_factory=dict)
    # Words a service's notification for the outbox (bot.views.Renderer): services say what, views say how.
    render: Render = _unwired

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> object:
        return self.now().astimezone(self.config.school.timezone).date()


class AccessDenied(Exception):
    """The actor may not do this; handlers answer with the catalogue's access message."""


class NotFound(Exception):
    """The record does not exist (any more)."""
