"""Notes staff send a child's parents (家长留言): checked, stored, audited, queued."""

from __future__ import annotations

from bot.domain.roles import Actor
from bot.services import Services
from bot.services.family_calls import child_for_plan
from bot.storage import audit
from bot.storage import family_messages as family_messages_store

NOTE_LIMIT = 300


async def add_parent_note(services: Services, actor: Actor, child_id: int, text: str) -> int:
    """A few words from the head teacher for the child's parents, shown in the next weekly update."""
    await child_for_plan(services, actor, child_id)
    now = services.now()
    async with services.db.transaction():
        note_id = await family_messages_store.add_note(
            services.db, child_id=child_id, author_id=actor.user_id, text=text, now=now
        )
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="green.parent_note", child_id=child_id,
            detail=f"note={note_id}",
        )  # fmt: skip
    return note_id
