"""学籍转移 through the running bot: two schools of one county, a child proposed by the old head teacher, accepted
(or declined, or withdrawn) by the new one; history goes along, access moves, the old school keeps its events."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.care import Ratings
from bot.services import care as care_service
from bot.storage import people
from bot.texts import Texts
from tests.harness import Harness
from tests.test_policy import MENTOR_ID, OTHER_SCHOOL_HEAD_ID, Cast, build_cast, shown
from tests.test_safety_school import HEAD_ID, buttons_of, queued

T = Texts("zh_CN").t


@pytest.fixture
async def cast(harness: Harness) -> Cast:
    return await build_cast(harness)


async def _propose(cast: Cast, name: str) -> int:
    """The old head teacher walks /transfer to the other school's 三年级2班 and confirms; the transfer's id."""
    head = cast.people["head_teacher"]
    await head.send(f"/transfer {name}")
    assert "转到哪所学校" in head.last_text, head.last_text
    await head.press("白杨小学")
    assert "白杨小学的哪个班级" in head.last_text
    await head.press("三年级2班")
    assert "请确认转学申请" in head.last_text and name in head.last_text
    confirm = head.last_with_buttons()
    data = confirm.buttons()[0]["callback_data"]
    await head.press(T("transfer.button.send"))
    assert "已提交" in head.last_text
    await head.press_data(data, message=confirm)  # a double tap saves nothing
    child_id = cast.children[name]
    rows = await cast.school.h.fetchall("SELECT id, status FROM transfers WHERE child_id = ?", (child_id,))
    assert [r["status"] for r in rows].count("proposed") == 1 and rows[-1]["status"] == "proposed"
    return int(rows[-1]["id"])


async def _class_of(cast: Cast, child_id: int) -> dict[str, Any]:
    rows = await cast.school.h.fetchall(
        "SELECT ch.class_id, c.school_id, ch.boarding FROM children ch JOIN classes c ON c.id = ch.class_id"
        " WHERE ch.id = ?",
        (child_id,),
    )
    return dict(rows[0])


async def test_accepted_transfer_moves_the_archive_and_the_access(cast: Cast) -> None:
    h, own = cast.school.h, cast.children["张小明"]
    head, new_head = cast.people["head_teacher"], cast.people["head_other_school"]
    old_admin = cast.people["admin"]
    services = cast.school.services
    actor = await people.load_actor(h.db, HEAD_ID)
    await care_service.save_checkin(
        services, actor, own, Ratings.all_fine(), note=None, voice_file_id=None, note_flagged=False, quick=True,
        flow_token="before-transfer",
    )  # fmt: skip
    await head.press_data(f"bo:rq:{own}", message=head.last)
    assert (await _class_of(cast, own))["boarding"] == "requested"
    await h.db.execute(
        "INSERT INTO buddy_pairs (child_id, buddy_name, buddy_class_id, started_on, created_at)"
        " VALUES (?, '李小红', ?, '2026-03-01', '2026-03-01T00:00:00Z')",
        (own, (await _class_of(cast, own))["class_id"]),
    )
    before = await _class_of(cast, own)

    # Before: the new school sees nothing; the old one sees the card.
    assert "联系卡 · 张小明" not in shown(await new_head.send("/child 张小明"))
    transfer_id = await _propose(cast, "张小明")
    assert (
        await h.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.propose' AND child_id = ?", (own,))
        == 1
    )
    # The receiving head teacher is asked, with Accept / Decline, once.
    notices = await queued(h, OTHER_SCHOOL_HEAD_ID, "transfer")
    assert len(notices) == 1 and "张小明" in notices[0].text
    assert {b["callback_data"] for b in buttons_of(notices[0])} == {f"tr:y:{transfer_id}", f"tr:n:{transfer_id}"}
    # /transfer shows what waits for them.
    waiting = shown(await new_head.send("/transfer"))
    assert "等待您接收的转学" in waiting and "张小明" in waiting
    # Only the new side may accept (its class's head teacher, or its school's admins): not the old school's admin,
    # another class's head teacher, the old head teacher or a parent.
    for name in ("admin", "head_other_class", "head_teacher", "parent", "county"):
        person = cast.people[name]
        await person.press_data(f"tr:y:{transfer_id}", message=head.last)
    assert await _class_of(cast, own) == before
    assert await h.fetchval("SELECT status FROM transfers WHERE id = ?", (transfer_id,)) == "proposed"

    await new_head.press(T("transfer.button.accept_n", number=1))
    assert "已接收" in new_head.last_text
    await new_head.press_data(f"tr:y:{transfer_id}", message=new_head.last)  # a double tap
    assert T("transfer.decided.accepted") in new_head.last_text

    after = await _class_of(cast, own)
    assert after["school_id"] != before["school_id"] and after["boarding"] == "no"
    events = await h.fetchall(
        "SELECT status, school_id FROM enrolment_events WHERE child_id = ? ORDER BY effective_date, id", (own,)
    )
    assert [(e["status"], e["school_id"]) for e in events] == [
        ("enrolled", before["school_id"]), ("transferred", before["school_id"]), ("enrolled", after["school_id"]),
    ]  # fmt: skip
    assert await h.fetchval("SELECT COUNT(*) FROM pairings WHERE child_id = ? AND ended_at IS NULL", (own,)) == 0
    assert (await people.load_actor(h.db, MENTOR_ID)).mentee_ids == frozenset()
    assert await h.fetchval("SELECT COUNT(*) FROM buddy_pairs WHERE child_id = ? AND ended_on IS NULL", (own,)) == 0
    assert await h.fetchval("SELECT status FROM boarding_requests WHERE child_id = ?", (own,)) == "declined"
    assert await h.fetchval("SELECT COUNT(*) FROM guardians WHERE child_id = ? AND unbound_at IS NULL", (own,)) == 1
    assert await h.fetchval("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.accept'") == 1
    told = await queued(h, HEAD_ID, "transfer")
    assert len(told) == 1 and "已接收张小明" in told[0].text

    # After: the old school no longer reaches the card nor its timeline; the new one has both, with the history.
    assert "联系卡 · 张小明" not in shown(await head.send("/child 张小明"))
    assert "联系卡 · 张小明" not in shown(await old_admin.send("/child 张小明"))
    refused = shown(await head.press_data(f"tl:{own}:0", message=head.last))
    assert T("care.tl.checkin_fine") not in refused
    card = shown(await new_head.send("/child 张小明"))
    assert "联系卡 · 张小明" in card
    timeline = shown(await new_head.press_data(f"tl:{own}:0", message=new_head.last))
    assert T("care.tl.checkin_fine") in timeline
    # The old school keeps its enrolment events (the law's record of the child leaving it).
    assert (
        await h.fetchval(
            "SELECT COUNT(*) FROM enrolment_events WHERE child_id = ? AND school_id = ?", (own, before["school_id"])
        )
        == 2
    )


async def test_declined_and_withdrawn_transfers_leave_the_child_and_tell_both_sides(cast: Cast) -> None:
    h, sibling = cast.school.h, cast.children["李小红"]
    head, new_head = cast.people["head_teacher"], cast.people["head_other_school"]
    before = await _class_of(cast, sibling)
    first = await _propose(cast, "李小红")
    await new_head.press_data(f"tr:n:{first}", message=new_head.last)
    assert "已拒绝" in new_head.last_text
    assert await h.fetchval("SELECT status FROM transfers WHERE id = ?", (first,)) == "declined"
    assert await _class_of(cast, sibling) == before
    assert any("未接收李小红" in row.text for row in await queued(h, HEAD_ID, "transfer"))

    second = await _propose(cast, "李小红")
    await head.send("/transfer")
    assert "等待对方接收" in head.last_text
    await head.press(T("transfer.button.withdraw_n", number=1))
    assert "已撤回" in head.last_text
    assert await h.fetchval("SELECT status FROM transfers WHERE id = ?", (second,)) == "withdrawn"
    assert any("撤回" in row.text for row in await queued(h, OTHER_SCHOOL_HEAD_ID, "transfer"))
    await new_head.press_data(f"tr:y:{second}", message=new_head.last)  # the old notice, pressed late
    assert T("transfer.decided.withdrawn") in new_head.last_text
    assert await _class_of(cast, sibling) == before
    actions = [r["action"] for r in await h.fetchall("SELECT action FROM audit_log WHERE action LIKE 'transfer.%'")]
    assert sorted(actions) == ["transfer.decline", "transfer.propose", "transfer.propose", "transfer.withdraw"]
