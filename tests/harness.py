"""Drives the real Application (built by bot.app.build_application) with real Update objects.

async with Harness.create(tmp_path, admins=[1]) as h:
    admin = h.user(1, "王校长")
    await admin.send("/start")
    assert "欢迎" in admin.last_text
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import build_application, on_startup
from bot.config import Config, load_config
from bot.handlers.common import BotApp
from bot.storage.db import Database
from tests.fakebot import FakeBotAPI, Sent

_update_ids = itertools.count(1)
_incoming_ids = itertools.count(1)


class FakeClock:
    """A settable clock; starts on a Monday morning in Shanghai (01:00 UTC)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def write_config(folder: Path, *, admins: list[int], extra: str = "") -> Path:
    path = folder / "config.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [telegram]
            token = "123456:TEST-token"
            [school]
            name = "利川思源实验学校"
            timezone = "Asia/Shanghai"
            language = "zh_CN"
            admins = {admins!r}
            [storage]
            database = "shouwang.db"
            """
        )
        + textwrap.dedent(extra),
        encoding="utf-8",
    )
    return path


@dataclass
class Harness:
    config: Config
    api: FakeBotAPI
    clock: FakeClock
    db: Database
    app: BotApp

    @classmethod
    @asynccontextmanager
    async def create(
        cls, folder: Path, *, admins: list[int] | None = None, extra_config: str = "", clock: FakeClock | None = None
    ) -> AsyncIterator[Harness]:
        config = load_config(write_config(folder, admins=admins or [], extra=extra_config), environ={})
        api = FakeBotAPI()
        harness = cls(config, api, clock or FakeClock(), None, None)  # type: ignore[arg-type]
        await harness._boot()
        try:
            yield harness
        finally:
            await harness._halt()

    async def _boot(self) -> None:
        self.db = await Database.open(self.config.storage.database)
        self.app = build_application(self.config, self.db, request=self.api, clock=self.clock)
        await self.app.initialize()
        await on_startup(self.app)
        await self.app.start()

    async def _halt(self) -> None:
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        await self.db.close()

    async def restart(self) -> None:
        """Stops the bot as SIGTERM would, then starts a new Application on the same database file."""
        await self._halt()
        await self._boot()

    async def crash_restart(self) -> None:
        """Drops the Application without flushing anything (as kill -9 would), then starts again."""
        # Application.stop() runs a last update_persistence(): cut the persistence off from the
        # database first, so only what was already written survives.
        persistence = self.app.persistence
        if persistence is not None:
            persistence.db = _Unplugged()  # type: ignore[attr-defined]
        await self.app.stop()
        self.app.persistence = None  # type: ignore[assignment]  # nothing more reaches the database
        await self.app.shutdown()
        await self.db.close()
        await self._boot()

    def user(self, user_id: int, first_name: str = "测试", *, language_code: str = "zh-hans") -> TestUser:
        return TestUser(self, user_id, first_name, language_code)

    async def feed(self, data: dict[str, Any]) -> None:
        data = {"update_id": next(_update_ids), **data}
        update = Update.de_json(data, self.app.bot)
        await self.app.process_update(update)

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        return await self.db.fetchall(sql, params)

    async def fetchval(self, sql: str, params: Any = ()) -> Any:
        return await self.db.fetchval(sql, params)


class _Unplugged:
    """Stands in for the database after a simulated crash: every write is silently lost."""

    async def execute(self, sql: str, params: Any = ()) -> int:
        return 0


class TestUser:
    """A person in a private chat with the bot."""

    __test__ = False

    def __init__(self, harness: Harness, user_id: int, first_name: str, language_code: str) -> None:
        self.h = harness
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self._seen = 0

    def _from(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}

    def _chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    def _base_message(self) -> dict[str, Any]:
        return {
            "message_id": next(_incoming_ids),
            "date": int(self.h.clock().timestamp()),
            "chat": self._chat(),
            "from": self._from(),
        }

    async def send(self, text: str) -> list[Sent]:
        """Types a message (commands included) and returns the bot's new messages to this user."""
        message = self._base_message() | {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self.h.feed({"message": message})
        return self.new_messages()

    async def send_sticker(self) -> list[Sent]:
        sticker = {
            "file_id": "stk1", "file_unique_id": "stk1u", "width": 512, "height": 512,
            "is_animated": False, "is_video": False, "type": "regular",
        }  # fmt: skip
        await self.h.feed({"message": self._base_message() | {"sticker": sticker}})
        return self.new_messages()

    async def send_photo(self) -> list[Sent]:
        photo = [{"file_id": "ph1", "file_unique_id": "ph1u", "width": 90, "height": 90}]
        await self.h.feed({"message": self._base_message() | {"photo": photo}})
        return self.new_messages()

    async def send_voice(self, file_id: str = "voice1") -> list[Sent]:
        voice = {"file_id": file_id, "file_unique_id": file_id + "u", "duration": 3}
        await self.h.feed({"message": self._base_message() | {"voice": voice}})
        return self.new_messages()

    async def send_document(self, content: bytes, file_name: str, mime_type: str = "") -> list[Sent]:
        file_id = f"upload{next(_incoming_ids)}"
        self.h.api.uploads[file_id] = content
        document = {"file_id": file_id, "file_unique_id": file_id + "u", "file_name": file_name,
                    "file_size": len(content)}  # fmt: skip
        if mime_type:
            document["mime_type"] = mime_type
        await self.h.feed({"message": self._base_message() | {"document": document}})
        return self.new_messages()

    async def press(self, label: str, *, message: Sent | None = None) -> list[Sent]:
        """Taps the button whose text contains `label` (or whose callback data equals it) on the
        latest message with buttons (or on `message`)."""
        target = message or self.last_with_buttons()
        for button in target.buttons():
            if label in button["text"] or button.get("callback_data") == label:
                return await self.press_data(button["callback_data"], message=target)
        names = [b["text"] for b in target.buttons()]
        raise AssertionError(f"no button {label!r} among {names}")

    async def press_data(self, data: str, *, message: Sent | None = None) -> list[Sent]:
        """Sends a callback query with arbitrary data (for stale or forged buttons)."""
        target = message or self.last_with_buttons()
        bot_message = self.h.api._message(target)
        query = {
            "id": str(next(_incoming_ids)),
            "from": self._from(),
            "chat_instance": str(self.id),
            "data": data,
            "message": bot_message,
        }
        await self.h.feed({"callback_query": query})
        return self.new_messages()

    # --- what the user sees -----------------------------------------------------------------------

    @property
    def inbox(self) -> list[Sent]:
        return self.h.api.messages(self.id)

    def new_messages(self) -> list[Sent]:
        fresh = self.inbox[self._seen :]
        self._seen = len(self.inbox)
        return fresh

    @property
    def last(self) -> Sent:
        assert self.inbox, "the bot has sent nothing to this user"
        return self.inbox[-1]

    @property
    def last_text(self) -> str:
        return self.last.text

    def last_with_buttons(self) -> Sent:
        for sent in reversed(self.inbox):
            if sent.buttons():
                return sent
        raise AssertionError("no message with buttons")

    def alerts(self) -> list[str]:
        """Texts of callback answers shown to this user (popup or toast)."""
        return [str(c.params.get("text")) for c in self.h.api.calls_of("answerCallbackQuery") if c.params.get("text")]
