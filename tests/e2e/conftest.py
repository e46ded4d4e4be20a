"""What every process test shares: a Bot API server over HTTP on 127.0.0.1, one per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.botapi_server import BotAPIServer


@pytest.fixture
async def server() -> AsyncIterator[BotAPIServer]:
    server = await BotAPIServer.start()
    try:
        yield server
    finally:
        await server.close()
