"""The hourly health line: updates handled, outbox backlog, last successful send; outages logged once."""

from __future__ import annotations

import logging
import time
from types import SimpleNamespace
from typing import Any

import pytest

from bot.jobs.health import Counters, health_line, log_health, outbox_backlog
from bot.storage import outbox
from tests.harness import Harness


async def test_health_line_after_some_updates(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    admin = harness.user(1001, "王校长")
    await admin.send("/start")
    await admin.send("/help")
    context: Any = SimpleNamespace(application=harness.app)
    with caplog.at_level(logging.INFO, logger="bot.health"):
        await log_health(context)
    line = next(r.getMessage() for r in caplog.records if r.name == "bot.health")
    assert "updates_handled=2" in line
    assert "polling=ok" in line
    assert "last_successful_send=" in line
    # No personal data in the line: neither names nor message text.
    assert "王校长" not in line and "/help" not in line


async def test_outbox_backlog_counts_queued(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    for recipient in (501, 502):
        await outbox.enqueue(
            harness.db, recipient_id=recipient, kind="bench", dedup_key="w", text="周报", now=harness.clock()
        )
    assert await outbox_backlog(harness.db) == 2
    context: Any = SimpleNamespace(application=harness.app)
    with caplog.at_level(logging.INFO, logger="bot.health"):
        await log_health(context)
    assert any("outbox_backlog=2" in r.getMessage() for r in caplog.records)


def test_outage_logged_once_and_recovery(caplog: pytest.LogCaptureFixture) -> None:
    counters = Counters()
    with caplog.at_level(logging.INFO, logger="bot.health"):
        for _ in range(50):
            counters.poll_failed("NetworkError")
        assert "failing (50 attempts)" in health_line(counters, None, time.monotonic())
        counters.poll_succeeded()
        counters.poll_succeeded()
    messages = [r.getMessage() for r in caplog.records]
    assert sum("polling the Bot API failed" in m for m in messages) == 1
    assert sum("polling recovered" in m and "50 failed attempts" in m for m in messages) == 1
    counters.last_send_at = time.monotonic() - 90
    line = health_line(counters, 7, time.monotonic())
    assert "outbox_backlog=7" in line and "last_successful_send=90s ago" in line and "outages=1" in line
