"""One child looked up for one actor: the single place that decides whether the answer is the child, a refusal,
or "no such record"; and the same for an action without a child."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, TypeVar

from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may, may_do, reaches_every_child
from bot.services import AccessDenied, NotFound, Services
from bot.storage import audit, children


class _Coded(Protocol):
    @property
    def code(self) -> str: ...


C = TypeVar("C", bound=_Coded)


async def authorised_child(
    services: Services, actor: Actor, child_id: int, access: Access, *, detail: str | None = None
) -> Child:
    """The child, if it exists and the actor may do `access` with it. A refusal is audited ("denied", with
    `detail` or the access). An id that names no record raises NotFound only for someone who reaches every child;
    anyone else is refused exactly as for a child they may not see: to them, "gone" for a missing id and "not
    allowed" for an existing one would tell which ids exist."""
    child = await children.get_child(services.db, child_id)
    if child is None:
        # Not audited: the id names nobody yet, and a row under it would later seem to be about a new child.
        raise NotFound if reaches_every_child(actor, access) else AccessDenied
    if not may(actor, access, child.scope):
        await audit_refusal(services, actor.user_id, detail or access.value, child_id=child_id)
        raise AccessDenied
    return child


async def authorised(services: Services, actor: Actor, access: Access, *, detail: str | None = None) -> None:
    """Returns if the actor may do `access` at all; otherwise the refusal is audited (no child) and raised."""
    if may_do(actor, access):
        return
    await audit_refusal(services, actor.user_id, detail or access.value)
    raise AccessDenied


async def audit_refusal(
    services: Services, actor_id: int, detail: str, *, action: str = "denied", child_id: int | None = None
) -> None:
    """Records that the policy refused this actor something (`detail` says what)."""
    await audit.record(
        services.db, at=services.now(), actor_id=actor_id, action=action, child_id=child_id, detail=detail
    )


async def write_audit(
    services: Services, actor: Actor, action: str, child_id: int | None, detail: str = "", *, at: datetime | None = None
) -> None:
    """Records what this actor did (`at`, else now); `detail` names fields or ids, never personal values."""
    await audit.record(
        services.db, at=at or services.now(), actor_id=actor.user_id, action=action, child_id=child_id, detail=detail
    )


def offered(choices: Iterable[C], code: str) -> C:
    """The one of the actor's choices that a code names; AccessDenied if none does (codes come from the client)."""
    for choice in choices:
        if choice.code == code:
            return choice
    raise AccessDenied
