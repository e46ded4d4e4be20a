"""The rate limiter every Bot API call goes through: PTB's AIORateLimiter (Telegram's 30 messages a second, one a
second into a private chat), with the outbox's own 429 handling and replies tried again after a lost connection."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

from bot.update_processor import replaying, retriable

log = logging.getLogger(__name__)

OWN_RETRY = -1  # rate_limit_args value: no AIORateLimiter retries, the outbox handles the 429 itself
# Pauses between the attempts of a reply that failed with a 5xx or a lost connection.
RETRY_PAUSES = (0.5, 1.0, 2.0)


class OutboxRateLimiter(AIORateLimiter):
    """AIORateLimiter(max_retries=2) for everything, except calls made with rate_limit_args=OWN_RETRY: those still
    respect the overall limit but get a 429 raised at once (AIORateLimiter treats 0 as "use the default").

    It also counts the other (interactive) requests of the last second, so the outbox can leave them room:
    replies to people must never wait behind a broadcast.

    A reply (any call but the outbox's, which keep their own backoff and crash semantics) that fails with a 5xx or
    a lost connection is tried again after each of `retry_pauses`; a timeout never is (Telegram may have acted on
    it). The time of the last answered call tells the inbox the Bot API is back."""

    def __init__(self, *args: Any, retry_pauses: tuple[float, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._interactive: deque[float] = deque()
        self.retry_pauses = RETRY_PAUSES if retry_pauses is None else retry_pauses
        self.last_success = 0.0  # time.monotonic() of the last call Telegram answered

    def has_spare(self, reserve: int) -> bool:
        """Whether the overall limiter could let one more message through now and still `reserve` after it."""
        limiter = self._base_limiter  # AIORateLimiter's own (30/s); read only, to leave its capacity to replies
        return limiter is None or limiter.has_capacity(reserve + 1)

    def interactive_last_second(self) -> int:
        """How many requests other than the outbox's went out in the last second."""
        horizon = time.monotonic() - 1.0
        while self._interactive and self._interactive[0] < horizon:
            self._interactive.popleft()
        return len(self._interactive)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if rate_limit_args == OWN_RETRY:
            result = await self._run_request(
                chat=data.get("chat_id") is not None,
                group=False,
                allow_paid_broadcast=False,
                callback=callback,
                args=args,
                kwargs=kwargs,
            )
            self.last_success = time.monotonic()
            return result
        if data.get("chat_id") is not None:
            self._interactive.append(time.monotonic())
        for pause in (*self.retry_pauses, None):
            try:
                result = await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                if endpoint == "answerCallbackQuery" and replaying.get():
                    return True  # the first handling of this press answered it (Telegram takes one answer only)
                raise
            except NetworkError as exc:
                if pause is None or not retriable(exc):
                    raise
                log.info("bot api: %s failed (%s); trying again in %.1f s", endpoint, type(exc).__name__, pause)
                await asyncio.sleep(pause)
                continue
            self.last_success = time.monotonic()
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")
