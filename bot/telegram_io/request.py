"""The HTTPX request every Bot API call goes through, reporting polls that fail or recover and sends that
succeed to the health counters (bot/jobs/health.py: Counters)."""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable
from typing import Any, Protocol

from telegram.error import TelegramError
from telegram.request import HTTPXRequest, RequestData

# httpcore imports sniffio inside a function several times per request and takes asyncio when it is missing
# (anyio no longer brings it). A missing module is searched for again on every import, through each folder of
# sys.path: some 150 µs of CPU each time, half a millisecond per Bot API request. Known absent, the import fails
# at once and httpcore goes on as before.
if importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

# Bot API methods that deliver something to a person: their success is "the bot can still reach people".
_DELIVERING = ("send", "edit", "copy", "forward")


class CallWatcher(Protocol):
    """What the request reports to (the health counters)."""

    last_send_at: float | None  # time.monotonic() of the last successful send or edit

    def poll_failed(self, problem: str) -> None: ...

    def poll_succeeded(self) -> None: ...


class MonitoredRequest(HTTPXRequest):
    """The normal HTTPX request, reporting successes and failures to the Counters."""

    def __init__(self, counters: CallWatcher, *, polling: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.counters = counters
        self.polling = polling
        self.on_updates: Callable[[bytes], None] | None = None  # told each getUpdates answer as it arrived

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        try:
            status, payload = await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
            )
        except TelegramError as error:  # network down, proxy gone, timed out
            if self.polling and api_method == "getUpdates":
                self.counters.poll_failed(type(error).__name__)
            raise
        if self.polling and api_method == "getUpdates":
            if status == 200:
                self.counters.poll_succeeded()
                if self.on_updates is not None:
                    self.on_updates(payload)
            elif status >= 500 or status == 429:
                self.counters.poll_failed(f"HTTP {status}")
        elif status == 200 and api_method.startswith(_DELIVERING):
            self.counters.last_send_at = time.monotonic()
        return status, payload
