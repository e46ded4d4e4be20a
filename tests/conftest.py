"""Shared fixtures: a running bot on a fresh database, with the fake Bot API and a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.harness import Harness

ADMIN_ID = 1001


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    async with Harness.create(tmp_path, admins=[ADMIN_ID]) as h:
        yield h
