"""Replies to people never queue behind the broadcast (issue 7, load): the outbox takes a slot of the overall
rate limiter (Telegram's 30 messages a second) only when REPLY_RESERVE more would still be free after it."""

from __future__ import annotations

import pytest

from bot.jobs.outbox import REPLY_RESERVE
from bot.storage import outbox
from bot.telegram_io.rate_limit import OutboxRateLimiter
from tests.green_fixture import drain, outbox_rows
from tests.harness import Harness

PERSON = 5002


def limiter_of(h: Harness) -> OutboxRateLimiter:
    limiter = h.app.bot.rate_limiter
    assert isinstance(limiter, OutboxRateLimiter)
    return limiter


async def test_the_outbox_waits_while_replies_use_the_limiter(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await outbox.enqueue(
        harness.db, recipient_id=PERSON, kind="test.note", dedup_key="k", text="周报", now=harness.clock()
    )
    looks: list[int] = []

    def has_spare(reserve: int) -> bool:
        looks.append(reserve)
        return len(looks) > 3  # busy with replies for the first three looks

    monkeypatch.setattr(limiter_of(harness), "has_spare", has_spare)
    assert await drain(harness) == 1
    assert looks == [REPLY_RESERVE] * 4  # it waited for room (and the reserve) before sending
    assert [s.text for s in harness.api.messages(PERSON)] == ["周报"]
    assert (await outbox_rows(harness))[0]["status"] == "sent"


async def test_the_outbox_still_moves_when_replies_never_leave_room(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most a second's wait per message: a stream of replies slows the broadcast down but never stops it."""
    for key in ("a", "b"):
        await outbox.enqueue(
            harness.db, recipient_id=PERSON + ord(key), kind="test.note", dedup_key=key, text=key,
            now=harness.clock(),
        )  # fmt: skip
    monkeypatch.setattr(limiter_of(harness), "has_spare", lambda reserve: False)
    assert await drain(harness) == 2


async def test_the_reserve_is_counted_in_the_real_limiter(harness: Harness) -> None:
    limiter = limiter_of(harness)
    assert limiter.has_spare(REPLY_RESERVE)
    base = limiter._base_limiter
    assert base is not None and base.max_rate == 30  # Telegram's overall limit, shared by replies and the outbox
    await base.acquire(29)  # a burst of replies just went out
    assert not limiter.has_spare(REPLY_RESERVE)  # the outbox waits (a third of a second before it could go)…
    assert limiter.has_spare(0)  # …while one more reply could go at once
