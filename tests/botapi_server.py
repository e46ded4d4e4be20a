"""A Bot API server over HTTP on 127.0.0.1, strict like Telegram, for tests and benchmarks that run the bot as a
process (`python -m bot --config ...` with `[telegram] base_url`/`base_file_url` pointing here).

The answers (message storage, HTML and length checks, callback-data limits, injected failures) are those of the
in-process `tests.fakebot.FakeBotAPI`, so both fakes reject exactly the same things. This module adds the transport:
a small HTTP/1.1 server (keep-alive, form and multipart bodies), getUpdates with long polling and offsets (updates
stay until a later offset confirms them, as on Telegram, so a bot killed mid-batch gets them again), file
downloads, slow answers on demand, and people (`RemoteUser`) who type and tap buttons and wait for the replies.

    server = await BotAPIServer.start()
    alice = server.user(42, "王老师")
    await alice.send("/start")
    await alice.wait_text("欢迎")
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.fakebot import BOT_ID, BOT_USERNAME, FakeBotAPI, Sent

__all__ = ["BOT_ID", "BOT_USERNAME", "TOKEN", "BotAPIServer", "RemoteUser"]

TOKEN = "123456:E2E-test-token"
MAX_BODY = 60 * 1024 * 1024
REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           409: "Conflict", 429: "Too Many Requests", 502: "Bad Gateway"}  # fmt: skip


@dataclass
class Slowness:
    method: str
    seconds: float
    times: int


@dataclass
class Stats:
    """What the server saw: requests per method, and when each message to a chat was sent."""

    requests: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (method, description) of every 400


class BotAPIServer:
    """The Bot API for one bot token, over HTTP."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.core = FakeBotAPI()
        self.stats = Stats()
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._arrived = asyncio.Condition()
        self._changed = asyncio.Condition()
        self._slow: list[Slowness] = []
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self.port = 0
        self.down = False  # while True every request gets 502 (a proxy or the network is gone)
        self.on_request: Callable[[str, dict[str, Any]], None] | None = None
        # Awaited before a request is answered: a test can kill the bot while it waits for this answer;
        # returning True drops the request (the connection closes, nothing is recorded).
        self.interceptor: Callable[[str, dict[str, Any]], Awaitable[bool]] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._flaky: tuple[frozenset[str], float, random.Random] | None = None
        self.flaky_failures = 0

    # --- life cycle -------------------------------------------------------------------------------

    @classmethod
    async def start(cls, token: str = TOKEN, port: int = 0) -> BotAPIServer:
        server = cls(token)
        server._server = await asyncio.start_server(server._serve, "127.0.0.1", port, limit=1 << 20)
        server.port = server._server.sockets[0].getsockname()[1]
        return server

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            for writer in list(self._connections):
                writer.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- failures on demand -----------------------------------------------------------------------

    def fail(self, method: str, status: int, description: str, **kwargs: Any) -> None:
        """The next calls of `method` fail (see FakeBotAPI.fail: chat_id, retry_after, times)."""
        self.core.fail(method, status, description, **kwargs)

    def rate_limit(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        self.fail(method, 429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after, times=times)

    def block(self, chat_id: int, method: str = "sendMessage", times: int = 1_000_000) -> None:
        self.fail(method, 403, "Forbidden: bot was blocked by the user", chat_id=chat_id, times=times)

    async def set_down(self, down: bool) -> None:
        """Network or proxy gone (every request answered 502, long polls cut short), or back."""
        self.down = down
        async with self._arrived:
            self._arrived.notify_all()

    def flaky(self, methods: set[str], rate: float, seed: int) -> None:
        """From now on a share `rate` of the calls of `methods` (drawn with `seed`) is answered 502 Bad Gateway."""
        self._flaky = (frozenset(methods), rate, random.Random(seed))

    def slow(self, method: str, seconds: float, times: int = 1) -> None:
        """The next `times` calls of `method` are answered only after `seconds`."""
        self._slow.append(Slowness(method, seconds, times))

    # --- updates ----------------------------------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> int:
        """Queues an update for the bot's getUpdates; returns its update_id."""
        update_id = next(self._update_ids)
        async with self._arrived:
            self._updates.append({"update_id": update_id, **update})
            self._arrived.notify_all()
        return update_id

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0.0, float(params.get("timeout") or 0))
        async with self._arrived:
            if offset:  # confirms every update before `offset`
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout:
                try:
                    await asyncio.wait_for(self._arrived.wait_for(lambda: bool(self._updates) or self.down), timeout)
                except TimeoutError:
                    pass
            return self._updates[:limit]

    # --- HTTP -------------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                verb, target, headers, body = request
                status, payload, content_type = await self._handle(verb, target, headers, body)
                async with self._changed:  # every answer (also a failure) may be what a test waits for
                    self._changed.notify_all()
                head = (
                    f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
                    f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
                    "Connection: keep-alive\r\n\r\n"
                )
                writer.write(head.encode() + payload)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.CancelledError):
            return
        finally:
            self._tasks.discard(task)  # type: ignore[arg-type]
            self._connections.discard(writer)
            writer.close()

    async def _handle(self, verb: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        path = unquote(urlsplit(target).path)
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith(file_prefix):
            content = self.core.uploads.get(path.rsplit("/", 1)[-1])
            if content is None:
                return _error(404, "Not Found")
            return 200, content, "application/octet-stream"
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return _error(
                401 if path.startswith("/bot") else 404, "Unauthorized" if path.startswith("/bot") else "Not Found"
            )
        method = path[len(prefix) :]
        try:
            params, files = _parse_body(headers, body, urlsplit(target).query)
        except ValueError as exc:
            return _error(400, f"Bad Request: {exc}")
        self.stats.requests[method] = self.stats.requests.get(method, 0) + 1
        if self.on_request is not None:
            self.on_request(method, params)
        if self.interceptor is not None and await self.interceptor(method, params):
            raise ConnectionResetError("dropped by the test")  # never answered, never recorded
        if self.down:
            return _error(502, "Bad Gateway")
        if self._flaky is not None and method in self._flaky[0] and self._flaky[2].random() < self._flaky[1]:
            self.flaky_failures += 1
            return _error(502, "Bad Gateway")
        for slow in self._slow:
            if slow.method == method:
                slow.times -= 1
                if slow.times <= 0:
                    self._slow.remove(slow)
                await asyncio.sleep(slow.seconds)
                break
        if method == "getUpdates":
            # Injected failures apply to polling too (a 502 from a proxy, a 409 conflict...).
            failure = self.core._failure_for(method, params)
            if failure is not None:
                return _error(failure.status, failure.description, failure.retry_after)
            updates = await self._get_updates(params)
            if self.down:  # the network went away during the long poll
                return _error(502, "Bad Gateway")
            return _ok(updates)
        status, raw = await self.core.do_request(f"{self.base_url}{self.token}/{method}", "POST", _Data(params, files))
        if status == 400:
            self.stats.rejected.append((method, json.loads(raw)["description"]))
        return status, raw, "application/json"

    async def deliver(self, method: str, params: dict[str, Any]) -> None:
        """Records a request as Telegram would have (for a test that kills the bot after Telegram got the message
        but before the bot heard back)."""
        await self.core.do_request(f"{self.base_url}{self.token}/{method}", "POST", _Data(params, {}))

    # --- what people see --------------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "测试", *, language_code: str = "zh-hans") -> RemoteUser:
        return RemoteUser(self, user_id, first_name, language_code)

    def messages(self, chat_id: int) -> list[Sent]:
        return self.core.messages(chat_id)

    def sends(self, method: str = "sendMessage") -> int:
        return len(self.core.calls_of(method))

    async def notify(self) -> None:
        """Wakes every `wait_for` to re-check its condition (after a test changed something itself)."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, condition: Callable[[], bool], within: float = 15) -> None:
        """Waits until `condition()` holds after some successful call (or raises TimeoutError)."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), within)


class _Data:
    """Just enough of telegram.request.RequestData for FakeBotAPI.do_request."""

    def __init__(self, params: dict[str, Any], files: dict[str, Any]) -> None:
        self.parameters = params
        self.multipart_data = files
        self.contains_files = bool(files)


def _ok(result: Any) -> tuple[int, bytes, str]:
    return 200, json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode(), "application/json"


def _error(status: int, description: str, retry_after: int | None = None) -> tuple[int, bytes, str]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return status, json.dumps(body).encode(), "application/json"


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes] | None:
    try:
        line = await reader.readline()
    except (ConnectionError, asyncio.LimitOverrunError):
        return None
    if not line.strip():
        return None
    verb, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        name, _, value = header.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            if size == 0:
                await reader.readline()
                break
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(chunks)
    else:
        length = int(headers.get("content-length", "0"))
        if length > MAX_BODY:
            raise ConnectionError("body too large")
        body = await reader.readexactly(length) if length else b""
    return verb, target, headers, body


def _value(raw: str) -> Any:
    """Form values are strings; PTB sends objects (reply_markup, entities) as JSON."""
    if raw[:1] in ("{", "["):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _parse_body(headers: dict[str, str], body: bytes, query: str) -> tuple[dict[str, Any], dict[str, Any]]:
    params: dict[str, Any] = {k: _value(v) for k, v in parse_qsl(query, keep_blank_values=True)}
    files: dict[str, Any] = {}
    content_type = headers.get("content-type", "")
    if not body:
        return params, files
    if content_type.startswith("application/json"):
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        params.update(data)
    elif content_type.startswith("application/x-www-form-urlencoded"):
        params.update({k: _value(v) for k, v in parse_qsl(body.decode(), keep_blank_values=True)})
    elif content_type.startswith("multipart/form-data"):
        parser = email.parser.BytesParser(policy=email.policy.HTTP)
        message = parser.parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(payload, bytes):
                continue
            filename = part.get_filename()
            if filename is not None:
                files[name] = (filename, payload)
            else:
                params[name] = _value(payload.decode())
    else:
        raise ValueError(f"unsupported content type {content_type!r}")
    return params, files


_incoming_ids = itertools.count(1)


class RemoteUser:
    """A person chatting with the bot through the HTTP server: sends updates, waits for the bot's replies."""

    def __init__(self, server: BotAPIServer, user_id: int, first_name: str, language_code: str) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.query_ids: set[str] = set()

    def alerts(self) -> list[str]:
        """Texts of the callback answers (toasts and pop-ups) this user was shown."""
        return [
            str(call.params["text"])
            for call in self.server.core.calls_of("answerCallbackQuery")
            if call.params.get("text") and str(call.params.get("callback_query_id")) in self.query_ids
        ]

    def _from(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}

    def _message(self, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(_incoming_ids),
            "date": int(time.time()),
            "chat": {"id": self.id, "type": "private", "first_name": self.first_name},
            "from": self._from(),
            **content,
        }

    @property
    def inbox(self) -> list[Sent]:
        return self.server.messages(self.id)

    @property
    def last_text(self) -> str:
        return self.inbox[-1].text if self.inbox else ""

    def last_with_buttons(self) -> Sent:
        for sent in reversed(self.inbox):
            if sent.buttons():
                return sent
        raise AssertionError("no message with buttons")

    async def send(self, text: str) -> int:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return await self.server.push({"message": self._message(**content)})

    async def send_sticker(self) -> int:
        sticker = {"file_id": "stk1", "file_unique_id": "stk1u", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
        return await self.server.push({"message": self._message(sticker=sticker)})

    async def send_document(self, content: bytes, file_name: str) -> int:
        file_id = f"upload{next(_incoming_ids)}"
        self.server.core.uploads[file_id] = content
        document = {"file_id": file_id, "file_unique_id": file_id + "u", "file_name": file_name,
                    "file_size": len(content)}  # fmt: skip
        return await self.server.push({"message": self._message(document=document)})

    async def press_data(self, data: str, message: Sent | None = None) -> int:
        target = message or self.last_with_buttons()
        query_id = str(next(_incoming_ids))
        self.query_ids.add(query_id)
        query = {
            "id": query_id,
            "from": self._from(),
            "chat_instance": str(self.id),
            "data": data,
            "message": self.server.core._message(target),
        }
        return await self.server.push({"callback_query": query})

    async def press(self, label: str, message: Sent | None = None) -> int:
        target = message or self.last_with_buttons()
        for button in target.buttons():
            if label in button["text"]:
                return await self.press_data(button["callback_data"], target)
        raise AssertionError(f"no button {label!r} among {[b['text'] for b in target.buttons()]}")

    async def wait_text(self, needle: str, within: float = 15) -> Sent:
        """Waits until the latest message to this user (new or edited) contains `needle`."""
        try:
            await self.server.wait_for(lambda: bool(self.inbox) and needle in self.inbox[-1].text, within)
        except TimeoutError:
            raise AssertionError(f"user {self.id}: no {needle!r}; last message: {self.last_text!r}") from None
        return self.inbox[-1]

    async def wait_count(self, count: int, within: float = 15) -> None:
        await self.server.wait_for(lambda: len(self.inbox) >= count, within)
