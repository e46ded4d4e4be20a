"""The one sender: drains the durable outbox within Telegram's limits.

Delivery guarantee (Telegram's sendMessage has no idempotency key, so "exactly once" cannot be promised across
every possible crash; we choose per kind of message):

* Each row goes queued -> sending (claim, committed) -> send -> sent (mark, committed).
* A crash between queue and claim loses nothing: the row is still queued and is sent after the restart.
* A crash between claim and mark leaves the row in 'sending'. We cannot know whether Telegram delivered it.
  ROUTINE rows (reminders, weekly updates, digests) are then marked 'uncertain' and never re-sent: AT MOST ONCE.
  A parent getting the same weekly update twice is worse for trust than the rare lost one, and the window is
  one HTTP request wide (the claim is committed immediately before the request, the mark immediately after).
  'uncertain' rows stay visible (outbox.status, health log backlog excludes them) for staff and operators.
  URGENT rows (safety alerts) are queued again: AT LEAST ONCE. A duplicate alert costs a second read; a lost
  one can cost a child.
* A network error or 5xx (the request may or may not have arrived) is retried with backoff: this is the one
  place a routine message can be delivered twice, and only if Telegram accepted it and the answer was lost.

Limits: about `scheduler.messages_per_second` overall, at most one message a second into one chat. A 429 pauses
ALL sending for `retry_after` (the sender sees the 429 itself: it bypasses AIORateLimiter's own retries through
`OutboxRateLimiter` in bot/telegram_io/rate_limit.py, so the pause is owned here and the row is not sent twice by
two retry loops). A 403 (blocked) marks the recipient unreachable and tells their head teacher. Routine rows wait
out quiet hours and are skipped, with the reason recorded, when they are older than `scheduler.stale_after_hours`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.domain import schedule
from bot.services import Services
from bot.services import family_calls as family_calls_service
from bot.services import schools as schools_service
from bot.storage import outbox
from bot.telegram_io.rate_limit import OWN_RETRY, OutboxRateLimiter

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
PER_CHAT = timedelta(seconds=1)
BATCH = 100
# Each interactive request (one with a chat, counted by the limiter) of the last second holds back one outbox
# slot: people who are being answered now are likely to need the next moment too.
REPLY_HEADROOM = 1.0
# Capacity of the overall limiter (Telegram's 30 messages a second) the outbox never takes: replies can always
# burst this many at once without waiting behind a broadcast message.
REPLY_RESERVE = 10
# Kinds that answer something the person wrote: sent even to someone who chose "stop all messages".
REPLY_KINDS = frozenset({"green.answer"})
# Deleted as soon as they are delivered, the WAL emptied: a counsellor's notice of an anonymous letter would
# otherwise keep the second the letter was written (bot/services/mailbox.py).
FORGOTTEN_ONCE_SENT = frozenset({"mailbox"})

Sleep = Callable[[float], Awaitable[None]]


class OutboxSender:
    """Drains ready rows until none is left; one drain at a time."""

    def __init__(self, bot: ExtBot[None], services: Services, sleep: Sleep = asyncio.sleep) -> None:
        self.bot = bot
        self.services = services
        self.sleep = sleep
        self.paused_until: datetime | None = None
        self.last_to_chat: dict[int, datetime] = {}
        self.next_slot: datetime | None = None
        self.busy = False
        self.sent = 0
        self.on_sent: Callable[[], None] | None = None
        # Each school's quiet hours, read once per batch and only for a batch holding a school's rows.
        self.quiet_hours: dict[int, tuple[time, time]] | None = None

    async def drain(self, *, keep_going: Callable[[], bool] = lambda: True, max_messages: int | None = None) -> int:
        """Sends everything that is due now; returns how many messages went out."""
        if self.busy:
            return 0
        self.busy = True
        try:
            return await self._drain(keep_going, max_messages)
        finally:
            self.busy = False

    async def _drain(self, keep_going: Callable[[], bool], max_messages: int | None) -> int:
        config = self.services.config.scheduler
        interval = 1 / config.messages_per_second
        sent = 0
        while keep_going() and (max_messages is None or sent < max_messages):
            now = self.services.now()
            if self.paused_until is not None and now < self.paused_until:
                await self.sleep((self.paused_until - now).total_seconds())
                continue
            self.paused_until = None
            stale = await outbox.skip_stale(self.services.db, now, timedelta(hours=config.stale_after_hours))
            if stale:
                log.info("outbox: skipped %d stale routine message(s)", stale)
            rows = await outbox.ready(self.services.db, now, BATCH)
            if not rows:
                break
            progressed = False
            wait: timedelta | None = None
            self.quiet_hours = None
            for row in rows:
                if not keep_going() or (max_messages is not None and sent >= max_messages):
                    break
                now = self.services.now()
                if await self._settle(row, now):
                    progressed = True
                    continue
                last = self.last_to_chat.get(row.recipient_id)
                if last is not None and now - last < PER_CHAT:
                    left = PER_CHAT - (now - last)
                    wait = left if wait is None else min(wait, left)
                    continue
                await self._pace(interval)
                outcome = await self._send(row, self.services.now())
                progressed = True
                if outcome:
                    sent += 1
                if self.paused_until is not None:
                    break
            if not progressed and wait is not None:
                await self.sleep(wait.total_seconds())
            elif not progressed:
                break
        return sent

    def _interval(self, messages_per_second: float) -> float:
        """Seconds between two outbox sends: the configured rate less what people's replies used in the last
        second (always at least one a second, so the outbox keeps moving under any load)."""
        limiter = self.bot.rate_limiter
        busy = limiter.interactive_last_second() if isinstance(limiter, OutboxRateLimiter) else 0
        return 1 / max(1.0, messages_per_second - busy * REPLY_HEADROOM)

    async def _pace(self, interval: float) -> None:
        """Keeps the overall rate: one send slot every `interval` seconds, counted from the previous slot so the
        time a request takes is part of the interval (a steady rate just under the configured one)."""
        interval = max(interval, self._interval(self.services.config.scheduler.messages_per_second))
        now = self.services.now()
        slot = self.next_slot
        if slot is not None and now < slot:
            await self.sleep((slot - now).total_seconds())
            now = self.services.now()
        # Never catch up after a slow request: two sends are always at least one step apart, so any one-second
        # window holds at most `messages_per_second` of them.
        self.next_slot = max(slot or now, now) + timedelta(seconds=interval)
        await self._leave_room_for_replies()

    async def _leave_room_for_replies(self) -> None:
        """Waits (at most a second: the outbox always moves) until the overall limiter has room for this message
        and REPLY_RESERVE more, so a reply never queues in the limiter behind a broadcast message. Real time:
        the limiter counts on the event loop's clock."""
        limiter = self.bot.rate_limiter
        if not isinstance(limiter, OutboxRateLimiter):
            return
        rate = self.services.config.scheduler.messages_per_second
        for _ in range(max(1, round(rate))):  # a second's worth of looks, one per slot
            if limiter.has_spare(REPLY_RESERVE):
                return
            await asyncio.sleep(1 / rate)

    async def _settle(self, row: outbox.OutboxRow, now: datetime) -> bool:
        """Skips or defers a row that must not go now; True if it was dealt with."""
        if row.urgent:
            return False
        db = self.services.db
        config = self.services.config
        user = await outbox.recipient_state(db, row.recipient_id)
        if user is not None and user[1] and row.kind not in REPLY_KINDS:
            await outbox.mark_done(db, row.id, outbox.SKIPPED, "opted_out", now)
            return True
        if user is not None and user[0] == "unreachable":
            await outbox.mark_done(db, row.id, outbox.SKIPPED, "unreachable", now)
            return True
        if schedule.is_stale(row.not_before, now, config.scheduler.stale_after_hours):
            await outbox.mark_done(db, row.id, outbox.SKIPPED, "stale", now)
            return True
        tz = config.school.timezone
        start, end = await self._quiet_hours_of(row.school_id)
        if schedule.in_quiet_hours(now, tz, start, end):
            morning = schedule.quiet_hours_end(now, tz, start, end)
            await outbox.defer(db, row.id, morning, "quiet_hours")
            return True
        return False

    async def _quiet_hours_of(self, school_id: int | None) -> tuple[time, time]:
        """The quiet hours a routine row keeps: its recipient's school's, else the config's."""
        sched = self.services.config.scheduler
        if school_id is None:
            return sched.quiet_start, sched.quiet_end
        if self.quiet_hours is None:
            self.quiet_hours = await schools_service.quiet_hours(self.services)
        return self.quiet_hours.get(school_id, (sched.quiet_start, sched.quiet_end))

    async def _send(self, row: outbox.OutboxRow, now: datetime) -> bool:
        db = self.services.db
        if not await outbox.claim(db, row.id, now):
            return False
        markup = InlineKeyboardMarkup.de_json(row.markup, self.bot) if row.markup else None
        try:
            if row.media:
                message = await self._send_media(row, markup)
            else:
                message = await self.bot.send_message(
                    row.recipient_id,
                    row.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    rate_limit_args=OWN_RETRY,  # type: ignore[arg-type]  # ExtBot[None]: our limiter takes an int
                )
        except RetryAfter as exc:
            pause = exc.retry_after if isinstance(exc.retry_after, timedelta) else timedelta(seconds=exc.retry_after)
            self.paused_until = self.services.now() + pause
            await outbox.release(db, row.id, now, "rate_limited", count_attempt=False)
            log.warning("outbox: 429, pausing all sending for %.0f s", pause.total_seconds())
            return False
        except Forbidden:
            await self._unreachable(row, now)
            return False
        except BadRequest as exc:
            await outbox.mark_done(db, row.id, outbox.FAILED, "bad_request", now)
            log.warning("outbox: %s #%d refused by Telegram (%s)", row.kind, row.id, type(exc).__name__)
            return False
        except NetworkError as exc:
            if row.attempts + 1 >= MAX_ATTEMPTS:
                await outbox.mark_done(db, row.id, outbox.FAILED, "gave_up", now)
                log.warning("outbox: gave up on %s #%d after %d attempts", row.kind, row.id, MAX_ATTEMPTS)
            else:
                await outbox.release(db, row.id, now + outbox.backoff(row.attempts + 1), "network_error")
                log.info("outbox: %s, retrying #%d later", type(exc).__name__, row.id)
            return False
        except TelegramError as exc:
            await outbox.mark_done(db, row.id, outbox.FAILED, type(exc).__name__, now)
            return False
        done = self.services.now()
        if row.kind in FORGOTTEN_ONCE_SENT:
            await outbox.forget(db, row.id)
            await db.checkpoint()
        else:
            await outbox.mark_sent(db, row.id, done, message.message_id)
        self.last_to_chat[row.recipient_id] = done
        self.sent += 1
        if self.on_sent is not None:
            self.on_sent()
        return True

    async def _send_media(self, row: outbox.OutboxRow, markup: InlineKeyboardMarkup | None) -> Message:
        """Parents' notices: a photo, document or voice message by its Telegram file_id, the text its caption (the
        same errors as a text, so the same retries and 429 pause)."""
        assert row.media is not None
        send = {
            "photo": self.bot.send_photo,
            "document": self.bot.send_document,
            "voice": self.bot.send_voice,
        }[row.media["kind"]]
        message: Message = await send(  # type: ignore[operator]
            row.recipient_id, row.media["file_id"], caption=row.text, parse_mode=ParseMode.HTML,
            reply_markup=markup, rate_limit_args=OWN_RETRY,
        )  # fmt: skip
        return message

    async def _unreachable(self, row: outbox.OutboxRow, now: datetime) -> None:
        """403: the person blocked the bot. Recorded, their other routine messages skipped, their head teacher told."""
        db = self.services.db
        async with db.transaction():
            await outbox.mark_done(db, row.id, outbox.FAILED, "blocked", now)
            await outbox.mark_unreachable(db, row.recipient_id)
            self.services.names_seen.pop(row.recipient_id, None)  # their next message makes them reachable again
            await family_calls_service.alert_unreachable(self.services, row.recipient_id, now)
        log.info("outbox: recipient of #%d blocked the bot; marked unreachable", row.id)


def sender_of(application: Any) -> OutboxSender:
    sender: OutboxSender = application.bot_data["outbox_sender"]
    return sender


async def send_due(context: Any) -> None:
    """Job (every second): starts a drain in the background unless one is running, so ticks never pile up."""
    sender = sender_of(context.application)
    if sender.busy:
        return
    if not await outbox.has_ready(sender.services.db, sender.services.now()):
        return
    application = context.application
    application.create_task(sender.drain(keep_going=lambda: bool(application.running)), name="outbox-drain")


async def recover_on_startup(services: Services) -> None:
    """Rows a stopped process left in 'sending': see the module docstring."""
    uncertain, requeued = await outbox.recover(services.db, services.now())
    if uncertain or requeued:
        log.warning("outbox: after restart %d routine row(s) uncertain, %d urgent re-queued", uncertain, requeued)
