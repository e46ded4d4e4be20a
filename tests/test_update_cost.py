"""What one update costs the database (issue 7, load): someone outside any flow does not make the bot delete
their empty stored data again on every message, and a flow's draft is still written at every step."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.storage import audit
from tests.conftest import ADMIN_ID
from tests.harness import Harness
from tests.helpers import make_head_teacher, register_child


def record_statements(h: Harness) -> list[str]:
    seen: list[str] = []

    def recording(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def wrapper(sql: str, *args: Any, **kwargs: Any) -> Any:
            seen.append(" ".join(sql.split()))
            return await method(sql, *args, **kwargs)

        return wrapper

    for name in ("execute", "insert", "executemany", "fetchone", "fetchall", "defer"):
        setattr(h.db, name, recording(getattr(h.db, name)))
    run_batch = h.db.run_batch

    async def batch(statements: Any) -> None:
        seen.extend(" ".join(sql.split()) for sql, _ in statements)
        await run_batch(statements)

    h.db.run_batch = batch  # type: ignore[method-assign]
    return seen


class HandOvers:
    """While in use, counts the hand-overs to aiosqlite's thread (its `_execute`: one per call that crosses)."""

    def __init__(self, h: Harness) -> None:
        self.conn = h.db._conn
        self.count = 0

    def take(self) -> int:
        """The hand-overs since the last take (or the start), counting again from nought."""
        count, self.count = self.count, 0
        return count

    def __enter__(self) -> HandOvers:
        self.original = self.conn._execute

        async def counting(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return await self.original(*args, **kwargs)

        self.conn._execute = counting  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn._execute = self.original  # type: ignore[method-assign]


async def test_an_idle_update_writes_no_empty_persistence_rows_again(harness: Harness) -> None:
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, 4401)
    await register_child(teacher, "张小明")
    await teacher.send("/help")
    seen = record_statements(harness)
    await teacher.send("/help")
    await teacher.send("/mychildren")
    assert "张小明" in teacher.last_text
    assert not [s for s in seen if s.startswith("DELETE FROM ptb_")]

    # A flow's steps are still written through at once, and its end removes the draft.
    await teacher.send("/checkin")
    assert [s for s in seen if s.startswith("INSERT INTO ptb_user_data")]
    await teacher.press("张小明")
    await teacher.press("一切正常")
    assert "一切正常" in teacher.last_text
    assert await harness.fetchval("SELECT COUNT(*) FROM ptb_user_data WHERE user_id = ?", (teacher.id,)) == 0
    assert await harness.fetchval("SELECT COUNT(*) FROM ptb_conversations") == 0
    await harness.crash_restart()
    await teacher.send("/checkin")  # nothing left over: a fresh check-in starts
    assert "哪个孩子" in teacher.last_text


async def test_help_sets_a_menu_only_when_it_changed(harness: Harness) -> None:
    """/help refreshes the person's menu; the same menu again would be one more Bot API request per /help."""
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, 4401)
    menus = [c for c in harness.api.calls_of("setMyCommands") if c.params.get("scope", {}).get("chat_id") == 4401]
    await teacher.send("/help")
    await teacher.send("/help")
    again = [c for c in harness.api.calls_of("setMyCommands") if c.params.get("scope", {}).get("chat_id") == 4401]
    assert menus and len(again) == len(menus)  # set when the role was granted; /help twice sends nothing more
    await teacher.send("/language")
    await teacher.press("English")
    await teacher.send("/help")  # a new language: a new menu
    latest = [c for c in harness.api.calls_of("setMyCommands") if c.params.get("scope", {}).get("chat_id") == 4401]
    assert len(latest) == len(again) + 1


async def test_checkin_quick_picks_take_the_same_statements_for_one_child_or_several(harness: Harness) -> None:
    """The picker's buttons (recent check-ins first) are read in one statement, not one per child."""
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, 4401)
    seen = record_statements(harness)

    async def statements_of_checkin(names: list[str]) -> int:
        for name in names:
            await teacher.send("/checkin")
            await teacher.press(name)
            await teacher.press("一切正常")
        seen.clear()
        await teacher.send("/checkin")
        count = len(seen)
        await teacher.send("/cancel")
        return count

    await register_child(teacher, "张小明")
    one = await statements_of_checkin(["张小明"])
    for name in ("李小红", "王小刚", "赵小丽"):
        await register_child(teacher, name)
    several = await statements_of_checkin(["李小红", "王小刚", "赵小丽"])
    await teacher.send("/checkin")
    labels = [button["text"] for button in teacher.last_with_buttons().buttons()]
    assert all(any(name in label for label in labels) for name in ("张小明", "李小红", "王小刚", "赵小丽"))
    assert several == one


async def test_a_statement_is_one_hand_over_to_the_database_thread(harness: Harness) -> None:
    """aiosqlite's own execute, fetch and close are a thread hand-over each; every update runs several."""
    with HandOvers(harness) as hand_overs:
        await harness.db.fetchall("SELECT id FROM users")
        await harness.db.fetchone("SELECT COUNT(*) FROM users")
        await harness.db.execute("UPDATE users SET language = language WHERE id = 0")
        async with harness.db.transaction():
            await harness.db.insert_new("INSERT OR IGNORE INTO schema_migrations (name) VALUES ('x')")
    assert hand_overs.count == 5  # three statements, then BEGIN with the insert, and COMMIT


async def test_an_audit_row_goes_with_the_transactions_next_hand_over(harness: Harness) -> None:
    """BEGIN rides with a transaction's first statement and an audit row with its COMMIT; a transaction that
    ran nothing costs nothing; outside a transaction the row is written at once."""
    db, now = harness.db, datetime(2026, 12, 1, tzinfo=UTC)
    with HandOvers(harness) as hand_overs:
        async with db.transaction():
            await db.insert_new("INSERT OR IGNORE INTO schema_migrations (name) VALUES ('y')")
            await audit.record(db, at=now, actor_id=7, action="care.checkin", child_id=1, detail="checkin=1")
        in_transaction = hand_overs.take()
        async with db.transaction():
            pass
        empty = hand_overs.take()
        await audit.record(db, at=now, actor_id=7, action="care.view", child_id=1)
        alone = hand_overs.take()
    assert (in_transaction, empty, alone) == (2, 0, 1)
    assert await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE actor_id = 7") == 2


async def test_a_deferred_audit_row_rolls_back_with_its_transaction(harness: Harness) -> None:
    db, now = harness.db, datetime(2026, 12, 1, tzinfo=UTC)
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction():
            await audit.record(db, at=now, actor_id=8, action="care.checkin", child_id=1)
            async with db.transaction():  # joins the outer one, whose BEGIN has not run yet
                await db.execute("INSERT INTO schema_migrations (name) VALUES ('z')")
                await db.execute("INSERT INTO schema_migrations (name) VALUES ('z')")
    assert await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE actor_id = 8") == 0
    assert await harness.fetchval("SELECT COUNT(*) FROM schema_migrations WHERE name = 'z'") == 0
    async with db.transaction():  # the next transaction starts clean: nothing of the failed one is replayed
        await db.execute("INSERT INTO schema_migrations (name) VALUES ('z')")
    assert await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE actor_id = 8") == 0


async def test_a_deferred_write_failing_with_the_commit_rolls_the_transaction_back(harness: Harness) -> None:
    db = harness.db
    with pytest.raises(sqlite3.OperationalError):
        async with db.transaction():
            await db.execute("INSERT INTO schema_migrations (name) VALUES ('w')")
            await db.defer("INSERT INTO no_such_table (x) VALUES (1)")
    assert not db._conn.in_transaction
    assert await harness.fetchval("SELECT COUNT(*) FROM schema_migrations WHERE name = 'w'") == 0


async def test_help_works_out_a_persons_commands_once(harness: Harness, monkeypatch: Any) -> None:
    """/help lists the commands and refreshes the menu on every call; both come from one cached list per person
    and language, worked out again when their roles change."""
    from bot.handlers import menu

    menu.menu_entries.cache_clear()
    worked_out: list[int] = []
    original = menu.commands_for

    def counting(actor: Any) -> list[str]:
        worked_out.append(actor.user_id)
        return original(actor)

    monkeypatch.setattr(menu, "commands_for", counting)
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, 4401)
    before = worked_out.count(4401)
    await teacher.send("/help")
    await teacher.send("/help")
    await teacher.send("/help")
    assert "/checkin" in teacher.last_text
    assert worked_out.count(4401) == before  # the role's grant worked it out; /help three times did not again


def test_a_bot_api_request_searches_for_no_missing_module() -> None:
    """httpcore imports sniffio on every request; missing, each import searched every folder of sys.path."""
    import importlib.abc
    import sys

    from httpcore._synchronization import current_async_library

    import bot.telegram_io.request  # noqa: F401  (what records the absence)

    searched: list[str] = []

    class Spy(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname: str, path: object, target: object = None) -> None:
            searched.append(fullname)
            return None

    spy = Spy()
    sys.meta_path.insert(0, spy)
    try:
        assert current_async_library() == "asyncio"
    finally:
        sys.meta_path.remove(spy)
    assert searched == []


async def test_an_updates_states_are_written_in_one_hand_over(harness: Harness) -> None:
    """BEGIN, the draft, the conversation state, the done-mark and COMMIT go to the database thread together."""
    admin = harness.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(harness, admin, 4401)
    await register_child(teacher, "张小明")
    await teacher.send("/help")
    with HandOvers(harness) as hand_overs:
        await teacher.send("/help")
        after_help = hand_overs.take()
        await teacher.send("/checkin")
        hand_overs.take()
        await teacher.press("张小明")
        after_pick = hand_overs.take()
    assert "张小明" in teacher.last_text
    assert after_help == 1  # who the teacher is; nothing to write
    assert after_pick == 3  # who, the child, and the flow's draft and state in one transaction
    assert await harness.fetchval("SELECT COUNT(*) FROM ptb_conversations") == 1
    with HandOvers(harness) as hand_overs:
        await teacher.press("一切正常")
    # who, the child re-checked, BEGIN with the check-in, its audit row with COMMIT, the ended flow's state
    assert hand_overs.count == 5
    assert await harness.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'care.checkin'") == 1
    assert await harness.fetchval("SELECT COUNT(*) FROM checkins") == 1
