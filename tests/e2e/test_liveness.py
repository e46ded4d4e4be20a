"""Liveness of the process: a polling outage is retried with backoff, logged once, and recovered from alone."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.botapi_server import BotAPIServer
from tests.e2e.process import BotProcess, write_config

ADMIN = 9001


async def test_polling_outage_is_logged_once_and_recovers(tmp_path: Path, server: BotAPIServer) -> None:
    bot = BotProcess(write_config(tmp_path, server, admins=[ADMIN]))
    await bot.start(server)
    try:
        admin = server.user(ADMIN, "王校长")
        await admin.send("/start")
        await admin.wait_text("王校长")
        polls = server.stats.requests["getUpdates"]
        seen = len(admin.inbox)
        await server.set_down(True)
        # A message sent while the bot cannot reach the Bot API waits on the server, as on Telegram.
        await admin.send("/help")
        await server.wait_for(lambda: server.stats.requests["getUpdates"] >= polls + 3, within=20)
        assert len(admin.inbox) == seen
        await server.set_down(False)
        await admin.wait_count(seen + 1, within=30)  # answered after the outage, without a restart
        assert "/invite" in admin.last_text
        assert await bot.stop() == 0
    finally:
        await bot.kill()
    log = bot.log_text()
    assert log.count("polling the Bot API failed") == 1, log
    assert log.count("polling recovered after") == 1, log
    assert "Traceback" not in log
    assert "Exception happened while polling" not in log


async def test_unreachable_at_start_then_up(tmp_path: Path, server: BotAPIServer) -> None:
    """A bot started while the network is down keeps trying and starts by itself when it comes back."""
    await server.set_down(True)
    bot = BotProcess(write_config(tmp_path, server, admins=[ADMIN]))
    starting = asyncio.create_task(bot.start(server, within=30))
    try:
        # A 5xx is tried again a few times in one attempt (bot/telegram_io/rate_limit.py): wait for it to give up.
        for _ in range(300):  # the server has no event for a failed call: look at the log now and then
            if "cannot reach the Bot API" in bot.log_text():
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the bot never said the Bot API was unreachable")
        await server.set_down(False)
        await starting
        admin = server.user(ADMIN, "王校长")
        await admin.send("/start")
        await admin.wait_text("王校长")
        assert await bot.stop() == 0
    finally:
        starting.cancel()
        if bot.proc is not None:
            await bot.kill()
    assert bot.log_text().count("cannot reach the Bot API") == 1
