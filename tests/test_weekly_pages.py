"""The weekly update is composed a page of parents at a time (a county's 100,000 never held at once): the pages
give exactly the messages of one pass, whatever their size and wherever they cut."""

from __future__ import annotations

from typing import Any

from bot.domain.clock import to_db
from bot.services.weekly_update import composed_chunks
from tests.green_fixture import PARENT_ID, TEACHER_ID, local, school, services
from tests.harness import Harness
from tests.helpers import invite_parent, register_child


async def test_pages_of_any_size_compose_the_same_messages(harness: Harness) -> None:
    harness.clock.now = local(2026, 3, 6, 18, 5)
    _admin, teacher, first, (mother, father) = await school(harness, parents=2)
    second = await register_child(teacher, "张小红")
    code = await invite_parent(teacher, "张小红", "母亲")
    await mother.send(f"/start {code}")  # the mother of both: one message about her two children
    third = await register_child(teacher, "李小刚")
    code = await invite_parent(teacher, "李小刚", "父亲")
    await harness.user(PARENT_ID + 9, "李爸爸").send(f"/start {code}")
    now = harness.clock()
    for child_id, note in ((first, "按时完成作业"), (second, "爱读书"), (third, "学会游泳")):
        await harness.db.execute(
            "INSERT INTO parent_notes (child_id, author_id, text, created_at) VALUES (?, ?, ?, ?)",
            (child_id, TEACHER_ID, note, to_db(now)),
        )
    found = services(harness)
    today = now.astimezone(found.config.school.timezone).date()

    async def composed(size: int) -> list[Any]:
        return [message async for chunk in composed_chunks(found, today, now, size) for message in chunk]

    whole = await composed(2_000)
    assert [user_id for user_id, *_ in whole] == [mother.id, father.id, PARENT_ID + 9]
    to_mother = whole[0][1]
    assert "张小明" in to_mother and "张小红" in to_mother and "按时完成作业" in to_mother and "爱读书" in to_mother
    assert "李小刚" not in to_mother and "学会游泳" in whole[2][1] and "爱读书" not in whole[1][1]
    for size in (1, 2):
        assert await composed(size) == whole
    # Nothing is read for more than one page at a time: a page of one parent reads her two children's rows.
    largest = 0
    fetchall = harness.db.fetchall

    async def counting(sql: str, params: Any = ()) -> Any:
        nonlocal largest
        rows = await fetchall(sql, params)
        largest = max(largest, len(rows))
        return rows

    harness.db.fetchall = counting  # type: ignore[method-assign]
    await composed(1)
    assert largest == 2
