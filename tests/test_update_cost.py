"""What one update costs the database (issue 7, load): someone outside any flow does not make the bot delete
their empty stored data again on every message, and a flow's draft is still written at every step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

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

    for name in ("execute", "insert", "executemany", "fetchone", "fetchall"):
        setattr(h.db, name, recording(getattr(h.db, name)))
    return seen


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
