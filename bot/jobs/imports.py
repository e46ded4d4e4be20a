"""Hourly: import reports left unconfirmed too long are cancelled, so staged children's details do not linger."""

from __future__ import annotations

import logging
from typing import Any

from bot.services import Services
from bot.services import stats as stats_service

log = logging.getLogger(__name__)


async def expire_unconfirmed_imports(context: Any) -> None:
    services: Services = context.application.bot_data["services"]
    expired = await stats_service.expire_unconfirmed_imports(services)
    if expired:
        log.info("import reports left unconfirmed and cancelled: %d", expired)
