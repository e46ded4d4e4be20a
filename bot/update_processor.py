"""How updates are handled: concurrently across chats, one after another within a chat, and from a durable inbox.

A reply to a teacher should not wait while another teacher's export is written or while the database answers
someone else; but two taps from the same person must never race inside one conversation (a double tap on
"save" is the second tap arriving while the first is still saving).

The inbox (table `inbox`, bot/storage/inbox.py) makes what people send survive a crash and a Bot API outage:

* PTB's Updater confirms updates to Telegram (the next getUpdates offset) as soon as they are in the update
  queue, before anything handles them. So `InboxQueue.put` writes each update before it joins the queue; an
  update fetched again after a crash (Telegram had not heard the confirmation) is in the inbox already and is
  not queued twice.
* Done-marks are written in the same transaction as the conversation states and drafts (`InboxApplication.
  update_persistence`): after a crash an update is either done with its state or handled again from the state
  before it, never applied twice to a flow that already moved on. An update that needs no state (the guard
  stopped it) is marked done after handling. Effects a handler commits itself (a saved record) are kept from
  being stored twice by the flows' tokens.
* A handler whose reply failed with a 5xx or a lost connection (after the rate limiter's own retries) leaves its
  update not done: its drafts are put back as they were before it, the chat's later updates wait behind it, and
  the job in bot/jobs/inbox.py hands them to the queue again, oldest first, once the Bot API answers again.
* Updates that belong to the mailbox are never written (not their sender, not their text): they are handled in
  memory only, and a crash in the middle loses them, the price of the writers' anonymity.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import json
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Update
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import Application, BaseUpdateProcessor

from bot.domain.archive import may_hold_id_number
from bot.storage import inbox as store
from bot.storage.db import Database
from bot.telegram_io.persistence import SqlitePersistence

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 16
# Pauses before a chat's waiting updates are handled again when nothing shows that the Bot API is back.
REPLAY_BACKOFF = (5.0, 10.0, 20.0, 30.0)
# After this long the updates of a chat that keeps failing are dropped (logged), so that one reply Telegram
# always refuses with a 5xx cannot lock a person out of the bot.
GIVE_UP_SECONDS = 3600.0

# True while an update from the inbox is handled a second time (its first handling may have answered the button).
replaying: contextvars.ContextVar[bool] = contextvars.ContextVar("replaying", default=False)


def retriable(error: BaseException | None) -> bool:
    """A Bot API failure worth trying again: a 5xx or a lost connection. Not a timeout (the request may have
    arrived and been acted on) and not a refusal (a 400 fails the same way again)."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | TimedOut)


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class UpdateGate(Protocol):
    def admit(self, key: int | None, update: object) -> bool:
        """Called in the chat's turn: False to leave the update for later (it is not handled now)."""

    async def finished(self, key: int | None, update: object) -> None:
        """Called in the chat's turn once the Application has handled the update (not after a crash)."""

    def released(self, update: object) -> None:
        """Called always, last."""


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, sequential within a chat (in arrival order: asyncio.Lock is fair)."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES, gate: UpdateGate | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.gate = gate
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        try:
            if key is None:
                await self._run(key, update, coroutine)
                return
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._waiting[key] = self._waiting.get(key, 0) + 1
            try:
                async with lock:
                    await self._run(key, update, coroutine)
            finally:
                self._waiting[key] -= 1
                if not self._waiting[key]:
                    del self._waiting[key]
                    del self._locks[key]
        finally:
            if self.gate is not None:
                self.gate.released(update)

    async def _run(self, key: int | None, update: object, coroutine: Awaitable[Any]) -> None:
        gate = self.gate
        if gate is None:
            await coroutine
            return
        if not gate.admit(key, update):
            if isinstance(coroutine, Coroutine):
                coroutine.close()
            return
        await coroutine
        await gate.finished(key, update)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


class Inbox:
    """What the bot knows in memory about the updates in the inbox (the table is the truth across restarts)."""

    def __init__(
        self, db: Database, now: Callable[[], Any], off_record: Callable[[Update], bool] = lambda update: False
    ) -> None:
        self.db = db
        self.now = now
        # Updates that must not be stored with who sent them (the mailbox's: the application says which).
        self.off_record = off_record
        self.queue = InboxQueue(self)
        self.waiting: set[int] = set()  # in the inbox and not done
        self.queued: set[int] = set()  # in the update queue or being handled
        self.replays: set[int] = set()  # handed to the queue again (after a restart or an outage)
        self.held: dict[int | None, set[int]] = {}  # per chat: updates waiting for the Bot API, the failed first
        self.failed: set[int] = set()  # handling failed with a retriable Bot API error (told by the error handler)
        self.settled: set[int] = set()  # handled: done with the next persistence write
        self._failing: dict[int | None, _Failing] = {}
        self._snapshots: dict[int, tuple[dict[str, Any] | None, dict[str, Any] | None]] = {}
        self._memory_only: dict[int, int] = {}  # update_id -> user id: the mailbox's, never written
        self._private_waiting: Counter[int] = Counter()
        # The last getUpdates answer's updates as Telegram sent them: stored as they are, they need no
        # Update.to_dict() (the dearest part of writing an update down).
        self._received: dict[int, str] = {}

    def received(self, payload: bytes) -> None:
        """A getUpdates answer, as it arrived (the request tells the inbox before PTB reads it)."""
        try:
            items = json.loads(payload)["result"]
            self._received = {
                int(item["update_id"]): json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items
            }
        except (ValueError, KeyError, TypeError):
            self._received = {}  # the update is written from PTB's object instead

    # --- fetched ------------------------------------------------------------------------------------------

    async def fetched(self, update: Update) -> bool:
        """Writes a fetched update to the inbox before Telegram hears it arrived; False: it is there already."""
        user = update.effective_user
        received = self._received.pop(update.update_id, None)
        # The mailbox's updates, and any text carrying an ID number, are kept in memory only (the price: a crash
        # while one is handled loses it, and the person sends it again). A letter typed right after the mailbox's
        # button can be fetched before that button is handled (and before the writer is known as one):
        # whatever a person sends while such an update of theirs waits is kept in memory too.
        text = update.effective_message.text if update.effective_message else None
        private = self.off_record(update) or bool(text and may_hold_id_number(text))
        if private or (user is not None and self._private_waiting[user.id]):
            if user is not None:
                self._private_waiting[user.id] += 1
                self._memory_only[update.update_id] = user.id
            return True
        payload = received or json.dumps(update.to_dict(), ensure_ascii=False, separators=(",", ":"))
        if not await store.store(self.db, update.update_id, payload, self.now()):
            return False
        self.waiting.add(update.update_id)
        self.queued.add(update.update_id)
        return True

    # --- the processor's gate ------------------------------------------------------------------------------

    def admit(self, key: int | None, update: object) -> bool:
        if not isinstance(update, Update):
            return True
        update_id = update.update_id
        if update_id in self.replays and update_id not in self.waiting:
            return False  # done already (never handle an update twice)
        pending = self.held.get(key)
        if pending and update_id in self.waiting:
            if update_id not in pending:
                pending.add(update_id)  # behind a failed one of the same chat: handled after it
                return False
            if update_id != min(pending):
                return False  # its elder failed again
        if update_id in self.replays:
            replaying.set(True)  # this task's own context: reset when the task ends
        return True

    async def finished(self, key: int | None, update: object) -> None:
        if not isinstance(update, Update):
            return
        update_id = update.update_id
        if update_id in self.failed:
            self.failed.discard(update_id)
            self.held.setdefault(key, set()).add(update_id)
            now = time.monotonic()
            failing = self._failing.setdefault(key, _Failing(since=now))
            failing.last = now
            failing.next_try = now + REPLAY_BACKOFF[min(failing.failures, len(REPLAY_BACKOFF) - 1)]
            failing.failures += 1
            log.info("inbox: update %d waits for the Bot API (failure %d of its chat)", update_id, failing.failures)
            return
        pending = self.held.get(key)
        if pending is not None and update_id in pending:
            pending.discard(update_id)
            if not pending:
                del self.held[key]
                self._failing.pop(key, None)
        if update_id in self.waiting:  # nothing wrote its state (the guard stopped it): no flow moved
            self.settled.discard(update_id)
            await store.mark_done(self.db, [update_id], self.now())
            self.waiting.discard(update_id)

    def released(self, update: object) -> None:
        if not isinstance(update, Update):
            return
        update_id = update.update_id
        self.queued.discard(update_id)
        self.replays.discard(update_id)
        self._snapshots.pop(update_id, None)
        user_id = self._memory_only.pop(update_id, None)
        if user_id is not None:
            self._private_waiting[user_id] -= 1
            if self._private_waiting[user_id] <= 0:
                del self._private_waiting[user_id]

    # --- during handling (handlers in app.py, the error handler) ------------------------------------------

    def remember(self, update_id: int, user_data: dict[str, Any] | None, chat_data: dict[str, Any] | None) -> None:
        """Before the features: the drafts as they are, to put back if this update's handling fails."""
        if update_id in self.waiting:
            self._snapshots[update_id] = (copy.deepcopy(user_data), copy.deepcopy(chat_data))

    def will_retry(self, update: Update) -> bool:
        """The error handler saw a retriable Bot API error: True if this update will be handled again."""
        if update.update_id not in self.waiting:
            return False
        self.failed.add(update.update_id)
        return True

    def settle(self, update_id: int, user_data: dict[str, Any] | None, chat_data: dict[str, Any] | None) -> None:
        """After the features, before the persistence write: done with it, or its drafts put back."""
        if update_id not in self.waiting:
            return
        if update_id not in self.failed:
            self.settled.add(update_id)
            return
        before_user, before_chat = self._snapshots.pop(update_id, (None, None))
        for data, before in ((user_data, before_user), (chat_data, before_chat)):
            if data is not None and before is not None:
                data.clear()
                data.update(before)

    def take_settled(self) -> set[int]:
        settled, self.settled = self.settled, set()
        return settled

    def done(self, update_ids: set[int]) -> None:
        self.waiting -= update_ids

    # --- replays ---------------------------------------------------------------------------------------------

    async def replay_waiting(self, application: Application[Any, Any, Any, Any, Any, Any]) -> int:
        """At start: every update not done (the last process stopped while handling it) into the queue, oldest
        first, ahead of what polling fetches. Returns how many."""
        rows = await store.not_done(self.db)
        unreadable = {update_id for update_id, payload in rows if not self._requeue(application, update_id, payload)}
        await store.mark_done(self.db, unreadable, self.now())
        return len(rows) - len(unreadable)

    async def replay_held(self, application: Application[Any, Any, Any, Any, Any, Any], api_ok_at: float) -> int:
        """The chats whose updates wait for the Bot API: handed to the queue again, oldest first, once the API
        answered something since their last failure (or their pause is over)."""
        now = time.monotonic()
        handed = 0
        for key, pending in list(self.held.items()):
            if not pending or min(pending) in self.queued:
                continue
            failing = self._failing.get(key) or _Failing(since=now)
            if now - failing.since > GIVE_UP_SECONDS:
                log.warning(
                    "inbox: gave up on %d update(s) of one chat after an hour of Bot API failures", len(pending)
                )
                await store.mark_done(self.db, pending, self.now())
                self.waiting -= pending
                del self.held[key]
                self._failing.pop(key, None)
                continue
            if api_ok_at <= failing.last and now < failing.next_try:
                continue
            wanted = pending - self.queued
            self.queued |= wanted  # before the await: the next tick must not hand them over a second time
            rows = await store.payloads(self.db, sorted(wanted))
            handed_now = {update_id for update_id, payload in rows if self._requeue(application, update_id, payload)}
            handed += len(handed_now)
            gone = wanted - handed_now  # unreadable, or done meanwhile (cannot happen, but never stick on it)
            await store.mark_done(self.db, gone, self.now())
            self.queued -= gone
            pending -= gone
            self.waiting -= gone
            if not pending and self.held.get(key) is pending:
                del self.held[key]
                self._failing.pop(key, None)
        return handed

    def _requeue(self, application: Application[Any, Any, Any, Any, Any, Any], update_id: int, payload: str) -> bool:
        try:
            update = Update.de_json(json.loads(payload), application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("inbox: update %d cannot be read back; dropped", update_id)
            self.queued.discard(update_id)
            return False
        self.waiting.add(update_id)
        self.queued.add(update_id)
        self.replays.add(update_id)
        self.queue.put_nowait(update)  # not put(): it is in the inbox already
        return True


@dataclass
class _Failing:
    """A chat whose updates wait for the Bot API (monotonic times)."""

    since: float
    last: float = 0.0
    next_try: float = 0.0
    failures: int = 0


class InboxQueue(asyncio.Queue[object]):
    """The Application's update queue; an update is in the inbox before it is in the queue (see the module)."""

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self.inbox.fetched(item):
            return
        await super().put(item)


class InboxApplication(Application[Any, Any, Any, Any, Any, Any]):
    """An Application whose persistence writes carry the done-marks of the updates they hold the state of."""

    async def update_persistence(self) -> None:
        inbox = self.bot_data.get("inbox")
        persistence = self.persistence
        # The test harness's crash cuts the persistence off from the database: then nothing is written.
        if (
            not isinstance(inbox, Inbox)
            or not isinstance(persistence, SqlitePersistence)
            or persistence.db is not inbox.db
        ):
            await super().update_persistence()
            return
        # Always with the database to ourselves, also with nothing settled: PTB's lock is then only ever taken
        # inside the database's, so the periodic persistence write cannot wait for it while holding PTB's (a
        # deadlock), and two writes of the states commit in the order they were collected.
        async with inbox.db.locked():
            # Taken right before PTB collects the states (no await in between): every update settled by now has
            # its state in memory already, so its state and its done-mark commit together, in one transaction
            # and one hand-over to the database thread.
            settled = inbox.take_settled()
            with persistence.collecting() as statements:
                await super().update_persistence()
            done = store.mark_done_statement(settled, inbox.now())
            try:
                await inbox.db.run_batch([*statements, *([done] if done else [])])
            except BaseException:
                persistence.forget_written()
                raise
        inbox.done(settled)
