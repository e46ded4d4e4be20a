"""The nightly online backup of the database into backup.folder, keeping the newest backup.keep files."""

from __future__ import annotations

import logging
from typing import Any

from bot.services import Services
from bot.storage import backup

log = logging.getLogger(__name__)


async def nightly_backup(context: Any) -> None:
    services: Services = context.application.bot_data["services"]
    config = services.config
    made = await backup.nightly(config.storage.database, config.backup.folder, services.now(), config.backup.keep)
    log.info("nightly backup written: %s", made.name)
