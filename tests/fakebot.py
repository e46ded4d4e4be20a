"""An offline, strict Bot API: records what the bot sent, rejects what Telegram would reject.

No test can reach the network: the Application is built with this request object for both normal
requests and getUpdates. Failures (429 with retry_after, 403, 5xx) can be injected per method.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 7_000_000_001
BOT_USERNAME = "shouwang_test_bot"
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip


class _StrictHTML(HTMLParser):
    """Telegram's HTML rules: known tags only, properly nested, entities valid."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text_length = 0
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.error = self.error or f'unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.error = self.error or f'can\'t find end tag corresponding to start tag "{tag}"'
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.error = self.error or "unexpected < or >"
        self.text_length += len(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.error = self.error or f"unsupported entity &{name};"
        self.text_length += 1

    def handle_charref(self, name: str) -> None:
        self.text_length += 1


def check_html(text: str) -> tuple[str | None, int]:
    """(error or None, visible length) for a message sent with parse_mode HTML."""
    if re.search(r"&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)", text):
        return "Bad Request: can't parse entities: unescaped &", len(text)
    parser = _StrictHTML()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error:
        return f"Bad Request: can't parse entities: {parser.error}", parser.text_length
    return None, parser.text_length


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sent:
    """A message as it stands in a chat (edits update it in place)."""

    message_id: int
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    kind: str = "text"
    document: bytes | None = None
    file_name: str | None = None
    history: list[str] = field(default_factory=list)

    def buttons(self) -> list[dict[str, Any]]:
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]


@dataclass
class Failure:
    method: str
    status: int
    description: str
    chat_id: int | None = None
    retry_after: int | None = None
    times: int = 1


@dataclass
class Crash:
    method: str
    chat_id: int | None
    delivered: bool


class FakeBotAPI(BaseRequest):
    """Answers Bot API calls in memory, strictly."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.chats: dict[int, list[Sent]] = {}
        self.failures: list[Failure] = []
        self._message_ids = itertools.count(1000)
        self.updates: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}  # file_id -> content of files users "sent" to the bot
        self.crashes: list[Crash] = []
        # Telegram takes one answer per callback query and refuses a second; off unless a test turns it on.
        self.one_answer_per_query = False
        self._answered: set[str] = set()

    # --- BaseRequest ------------------------------------------------------------------------------

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/" in url:
            file_id = url.rsplit("/", 1)[-1]
            if file_id in self.uploads:
                return 200, self.uploads[file_id]
            return 404, b'{"ok": false, "error_code": 404, "description": "Not Found"}'
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = dict(request_data.multipart_data) if request_data and request_data.contains_files else {}
        crash = self._crash_for(api_method, params)
        if crash is not None:
            if crash.delivered:  # Telegram has it; the process dies before the answer arrives
                self.calls.append(Call(api_method, params, files))
                try:
                    self._answer(api_method, params, files)
                except _Rejected:
                    pass
            raise asyncio.CancelledError  # the handling stops here, as under kill -9
        self.calls.append(Call(api_method, params, files))
        failure = self._failure_for(api_method, params)
        if failure is not None:
            body: dict[str, Any] = {"ok": False, "error_code": failure.status, "description": failure.description}
            if failure.retry_after is not None:
                body["parameters"] = {"retry_after": failure.retry_after}
            return failure.status, json.dumps(body).encode()
        try:
            result = self._answer(api_method, params, files)
        except _Rejected as rejected:
            return 400, json.dumps({"ok": False, "error_code": 400, "description": str(rejected)}).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # --- failures ---------------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        description: str,
        *,
        chat_id: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id`, if given) fail with this answer."""
        self.failures.append(Failure(method, status, description, chat_id, retry_after, times))

    def crash(self, method: str, *, chat_id: int | None = None, delivered: bool = False) -> None:
        """The next call of `method` (to `chat_id`, if given) is where the bot dies, as under kill -9: the task
        handling the update ends there (CancelledError), nothing after it runs. With `delivered`, Telegram got
        the request first. The test then calls `harness.crash_restart()`."""
        self.crashes.append(Crash(method, chat_id, delivered))

    def _crash_for(self, method: str, params: dict[str, Any]) -> Crash | None:
        for crash in self.crashes:
            if crash.method == method and (crash.chat_id is None or int(params.get("chat_id", 0)) == crash.chat_id):
                self.crashes.remove(crash)
                return crash
        return None

    def _failure_for(self, method: str, params: dict[str, Any]) -> Failure | None:
        for failure in self.failures:
            if failure.method != method:
                continue
            if failure.chat_id is not None and int(params.get("chat_id", 0)) != failure.chat_id:
                continue
            failure.times -= 1
            if failure.times <= 0:
                self.failures.remove(failure)
            return failure
        return None

    # --- answers ----------------------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "守望",
            "username": BOT_USERNAME,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _check_text(self, text: str, parse_mode: str | None) -> None:
        if parse_mode == "HTML":
            error, length = check_html(text)
            if error:
                raise _Rejected(error)
        else:
            length = len(text)
        if length == 0:
            raise _Rejected("Bad Request: message text is empty")
        if length > 4096:
            raise _Rejected("Bad Request: message is too long")

    def _check_markup(self, markup: Any) -> dict[str, Any] | None:
        if markup is None:
            return None
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise _Rejected("Bad Request: BUTTON_DATA_INVALID")
                if not button.get("text"):
                    raise _Rejected("Bad Request: text buttons are unallowed in the inline keyboard")
        return dict(markup)

    def _message(self, sent: Sent) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "group", "first_name": "x"},
            "from": self.bot_user(),
        }
        if sent.kind == "text":
            message["text"] = sent.text
        elif sent.kind == "document":
            message["document"] = {"file_id": f"doc{sent.message_id}", "file_unique_id": f"u{sent.message_id}"}
            if sent.text:
                message["caption"] = sent.text
        elif sent.kind == "photo":
            message["photo"] = [
                {"file_id": f"ph{sent.message_id}", "file_unique_id": f"p{sent.message_id}", "width": 1, "height": 1}
            ]
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    def _new(self, chat_id: int, text: str, markup: dict[str, Any] | None, kind: str = "text") -> Sent:
        sent = Sent(next(self._message_ids), chat_id, text, markup, kind)
        self.chats.setdefault(chat_id, []).append(sent)
        return sent

    def find(self, chat_id: int, message_id: int) -> Sent:
        for sent in self.chats.get(chat_id, []):
            if sent.message_id == message_id:
                return sent
        raise _Rejected("Bad Request: message to edit not found")

    def _answer(self, method: str, params: dict[str, Any], files: dict[str, Any]) -> Any:
        if method == "getMe":
            return self.bot_user()
        if method == "getUpdates":
            updates, self.updates = self.updates, []
            return updates
        if method == "sendMessage":
            text = str(params.get("text", ""))
            self._check_text(text, params.get("parse_mode"))
            markup = self._check_markup(params.get("reply_markup"))
            return self._message(self._new(int(params["chat_id"]), text, markup))
        if method in ("editMessageText", "editMessageReplyMarkup"):
            sent = self.find(int(params["chat_id"]), int(params["message_id"]))
            markup = self._check_markup(params.get("reply_markup"))
            if method == "editMessageText":
                text = str(params.get("text", ""))
                self._check_text(text, params.get("parse_mode"))
                if text == sent.text and markup == sent.reply_markup:
                    raise _Rejected("Bad Request: message is not modified")
                sent.history.append(sent.text)
                sent.text = text
            sent.reply_markup = markup
            return self._message(sent)
        if method in ("sendDocument", "sendPhoto", "sendVoice"):
            kind = {"sendDocument": "document", "sendPhoto": "photo", "sendVoice": "voice"}[method]
            caption = str(params.get("caption", "") or "")
            if caption:
                self._check_text(caption, params.get("parse_mode"))
            sent = self._new(int(params["chat_id"]), caption, self._check_markup(params.get("reply_markup")), kind)
            for name, upload in files.items():
                sent.file_name = upload[0] if isinstance(upload, tuple) else name
                content = upload[1] if isinstance(upload, tuple) else upload
                sent.document = content if isinstance(content, bytes) else content.read()
            return self._message(sent)
        if method == "getFile":
            file_id = str(params["file_id"])
            if file_id not in self.uploads:
                raise _Rejected("Bad Request: invalid file_id")
            size = len(self.uploads[file_id])
            return {"file_id": file_id, "file_unique_id": "f", "file_size": size, "file_path": f"docs/{file_id}"}
        if method == "answerCallbackQuery" and self.one_answer_per_query:
            query_id = str(params.get("callback_query_id"))
            if query_id in self._answered:
                raise _Rejected("Bad Request: query is too old and response timeout expired or query ID is invalid")
            self._answered.add(query_id)
        if method == "getChat":
            return {"id": int(params["chat_id"]), "type": "private", "first_name": "x"}
        return True

    # --- what people see --------------------------------------------------------------------------

    def messages(self, chat_id: int) -> list[Sent]:
        return self.chats.get(chat_id, [])

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]


class _Rejected(Exception):
    pass
