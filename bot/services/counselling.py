"""Counselling records (心理疏导): written and read by counsellors only; never in exports.

Others (admins, the head teacher) see at most the dates of sessions the counsellor chose to share.
"""

from __future__ import annotations

from datetime import date

from bot.domain.models import Child
from bot.domain.roles import Access, Actor, scope_for
from bot.domain.validation import required_text
from bot.services import Services, access
from bot.storage import audit, children
from bot.storage import counselling as counselling_store

MAX_TOPIC = 100
MAX_NOTES = 2000
MAX_FOLLOWUP = 300


async def _child(services: Services, actor: Actor, child_id: int) -> Child:
    return await access.authorised_child(services, actor, child_id, Access.COUNSEL)


async def search(services: Services, actor: Actor, query: str, *, limit: int) -> tuple[list[Child], int]:
    """Counsellors find any child by name (to record a session); nobody else may."""
    await access.authorised(services, actor, Access.COUNSEL)
    return await children.search(services.db, query, scope_for(actor, Access.COUNSEL), limit=limit)


async def sessions(services: Services, actor: Actor, child_id: int) -> tuple[Child, list[counselling_store.Session]]:
    child = await _child(services, actor, child_id)
    await audit.record(services.db, at=services.now(), actor_id=actor.user_id, action="counsel.read", child_id=child_id)
    return child, await counselling_store.sessions_of_child(services.db, child_id)


async def child_for_session(services: Services, actor: Actor, child_id: int) -> Child:
    return await _child(services, actor, child_id)


async def record_session(
    services: Services,
    actor: Actor,
    child_id: int,
    *,
    session_date: date,
    topic: str,
    notes: str,
    followup: str | None,
    shared: bool,
) -> int:
    await _child(services, actor, child_id)
    now = services.now()
    async with services.db.transaction():
        session_id = await counselling_store.add_session(
            services.db, child_id=child_id, counsellor_id=actor.user_id, session_date=session_date.isoformat(),
            topic=required_text(topic, MAX_TOPIC), notes=required_text(notes, MAX_NOTES),
            followup=required_text(followup, MAX_FOLLOWUP) if followup else None, shared=shared, now=now,
        )  # fmt: skip
        await audit.record(services.db, at=now, actor_id=actor.user_id, action="counsel.add", child_id=child_id,
                           detail=f"session={session_id}")  # fmt: skip
    return session_id


async def shared_dates(services: Services, child_id: int) -> list[str]:
    """What others may know: the dates of sessions the counsellor allowed to be seen."""
    return await counselling_store.shared_session_dates(services.db, child_id)
