"""Check-ins (日常关注): storing one, the author's answer to "raise a concern?", the flagged ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import care as rules
from bot.domain.care import Ratings
from bot.domain.roles import Access, Actor, reaches_every_child
from bot.services import AccessDenied, NotFound, Services
from bot.services.care.common import InvalidChange, child_for_care, search_for_care, write_audit
from bot.storage import checkins as checkins_store
from bot.storage.checkins import Checkin


@dataclass(frozen=True)
class CheckinSaved:
    checkin_id: int | None  # None: this flow's check-in had been stored already
    worry: bool


async def save_checkin(
    services: Services,
    actor: Actor,
    child_id: int,
    ratings: Ratings,
    *,
    note: str | None,
    voice_file_id: str | None,
    note_flagged: bool,
    quick: bool,
    flow_token: str,
) -> CheckinSaved:
    """Stores one check-in (once per flow token) with its worry flag, audited."""
    await child_for_care(services, actor, child_id)
    worry = rules.is_worry(ratings, note_flagged=note_flagged)
    now = services.now()
    async with services.db.transaction():
        checkin_id = await checkins_store.insert_checkin(
            services.db,
            child_id=child_id,
            author_id=actor.user_id,
            at=now,
            ratings=ratings,
            note=note,
            voice_file_id=voice_file_id,
            worry=worry,
            quick=quick,
            flow_token=flow_token,
        )
        if checkin_id is not None:
            await write_audit(services, actor, "care.checkin", child_id, f"checkin={checkin_id}")
    return CheckinSaved(checkin_id, worry)


async def answer_concern(services: Services, actor: Actor, checkin_id: int, wanted: bool) -> Checkin:
    """The author's answer to "raise a concern?" on a flagged check-in."""
    checkin = await checkins_store.get_checkin(services.db, checkin_id)
    if checkin is None:
        raise NotFound
    if checkin.author_id != actor.user_id:
        await write_audit(services, actor, "denied", checkin.child_id, "care.concern_answer")
        raise AccessDenied
    await child_for_care(services, actor, checkin.child_id)
    if not checkin.worry:
        raise InvalidChange("care.concern_not_flagged")
    async with services.db.transaction():
        await checkins_store.set_concern_wanted(services.db, checkin_id, wanted)
        await write_audit(services, actor, "care.concern_answer", checkin.child_id, f"checkin={checkin_id}")
    updated = await checkins_store.get_checkin(services.db, checkin_id)
    assert updated is not None
    return updated


async def flagged_checkins(
    services: Services,
    actor: Actor,
    *,
    since: datetime | None = None,
    wanted_only: bool = False,
    limit: int = 50,
) -> list[Checkin]:
    """Flagged check-ins (low mood/health or a worrying note) about children the actor may log care for,
    newest first. `wanted_only`: only those whose author asked for a concern to be raised. For the concerns
    feature, which offers to open a concern from one of these; each child shown is audited."""
    scope: frozenset[int] | None = None
    if not reaches_every_child(actor, Access.LOG_CARE):
        visible, _ = await search_for_care(services, actor, "", limit=1_000_000)
        scope = frozenset(c.id for c in visible)
    found = await checkins_store.flagged_checkins(
        services.db, child_ids=scope, since=since, wanted_only=wanted_only, limit=limit
    )
    if found:
        async with services.db.transaction():
            for checkin_id, child_id in sorted({(c.id, c.child_id) for c in found}):
                await write_audit(services, actor, "care.flagged_list", child_id, f"checkin={checkin_id}")
    return found
