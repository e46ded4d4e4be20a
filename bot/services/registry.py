"""The child registry: register, find, view and edit archives, with access checks and audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.archive import FIELDS_BY_NAME, FieldKind
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may, scope_for, visible_fields
from bot.services import AccessDenied, Services, identity
from bot.services import access as access_service
from bot.storage import audit, children, people, schools


def local_today(services: Services) -> date:
    return services.now().astimezone(services.config.school.timezone).date()


async def may_register_into(services: Services, actor: Actor, class_id: int) -> bool:
    """Whether the actor may put a child into this class (register one, or move one there within the school)."""
    school_id = await schools.school_of_class(services.db, class_id)
    return school_id is not None and scope_for(actor, Access.REGISTER).includes_class(class_id, school_id)


async def register_child(
    services: Services, actor: Actor, values: dict[str, str | int | None], *, flow_token: str | None = None
) -> int:
    """Saves a confirmed registration once per flow token (a second save returns the child saved first); the
    head teacher must head the chosen class (or be admin)."""
    class_id = int(values["class_id"] or 0)
    if not await may_register_into(services, actor, class_id):
        raise AccessDenied
    now = services.now()
    async with services.db.transaction():
        saved = await children.saved_by_flow(services.db, flow_token)
        if saved is not None:
            return saved
        child_id = await children.insert_child(
            services.db, values, created_by=actor.user_id, now=now, flow_token=flow_token
        )
        await audit.record(services.db, at=now, actor_id=actor.user_id, action="create", child_id=child_id)
    return child_id


async def duplicates_of(
    services: Services, values: dict[str, str | int | None], *, flow_token: str | None = None
) -> list[int]:
    return await children.find_duplicates(
        services.db,
        name=str(values["name"]),
        birth_date=str(values["birth_date"]),
        class_id=int(values["class_id"] or 0),
        flow_token=flow_token,
    )


_authorised_child = access_service.authorised_child


@dataclass(frozen=True)
class CardView:
    """A card as one reader may see it: the fields they may read, and the bound guardians for the school."""

    child: Child
    fields: frozenset[str]
    guardians: list[tuple[int, str, str]]
    staff: bool  # read as the school does: who is bound, what is missing
    can_edit: bool


async def view_child(services: Services, actor: Actor, child_id: int) -> CardView:
    """The contact card as this reader may see it, if they may see it at all; the read is audited."""
    child = await _authorised_child(services, actor, child_id, Access.VIEW_CARD)
    await audit.record(services.db, at=services.now(), actor_id=actor.user_id, action="view", child_id=child_id)
    scope = child.scope
    staff = may(actor, Access.SCHOOL_VIEW, scope)
    bound = await people.guardians_of(services.db, child_id) if staff else []
    return CardView(child, visible_fields(actor, scope), bound, staff, may(actor, Access.EDIT_CARD, scope))


async def child_for_edit(services: Services, actor: Actor, child_id: int) -> Child:
    return await _authorised_child(services, actor, child_id, Access.EDIT_CARD)


async def child_for_invitation(services: Services, actor: Actor, child_id: int) -> Child:
    return await _authorised_child(services, actor, child_id, Access.INVITE_GUARDIAN)


async def edit_field(
    services: Services, actor: Actor, child_id: int, field_name: str, value: str | int | None
) -> Child:
    """Changes one field of a card; required fields cannot be cleared. Audited with the field name only."""
    spec = FIELDS_BY_NAME[field_name]
    if spec.required and value in (None, ""):
        raise ValueError("required")
    child = await _authorised_child(services, actor, child_id, Access.EDIT_CARD)
    if spec.kind is FieldKind.CLASS and not (  # another school's class is a transfer, not an edit
        isinstance(value, int)
        and await schools.school_of_class(services.db, value) == child.school_id
        and await may_register_into(services, actor, value)
    ):
        raise AccessDenied
    sealed: str | None = None
    if spec.kind is FieldKind.ID_NUMBER:  # the column keeps the masked form; the number itself only sealed
        value, sealed = identity.protect(services.config.security.secret, str(value) if value else None)
    now = services.now()
    async with services.db.transaction():
        await children.update_field(services.db, child_id, field_name, value, now)
        if spec.kind is FieldKind.ID_NUMBER:
            await children.set_sealed_id(services.db, child_id, sealed)
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="edit", child_id=child_id, detail=field_name
        )
    updated = await children.get_child(services.db, child_id)
    assert updated is not None
    return updated


async def record_listed(services: Services, actor: Actor, child_ids: list[int], where: str) -> None:
    """Audits a list that showed these children's details (name, age, parents away): one row each."""
    if not child_ids:
        return
    await audit.record_many(
        services.db, at=services.now(), actor_id=actor.user_id, action="list", child_ids=child_ids, detail=where
    )


async def search_children(
    services: Services, actor: Actor, query: str, *, limit: int, offset: int = 0, access: Access = Access.VIEW_CARD
) -> tuple[list[Child], int]:
    """Children the actor may see whose name contains the query (the search itself reveals names only)."""
    return await children.search(services.db, query, scope_for(actor, access), limit=limit, offset=offset)


async def searchable_for_edit(services: Services, actor: Actor, query: str, *, limit: int) -> tuple[list[Child], int]:
    """Children whose card the actor may change (and so invite a guardian for)."""
    return await children.search(services.db, query, scope_for(actor, Access.EDIT_CARD), limit=limit)


def protected_id_values(services: Services, number: str | None) -> dict[str, str | None]:
    """What a registration draft keeps of a typed ID number: the masked form and the sealed one, never the number
    (drafts are persisted)."""
    masked, sealed = identity.protect(services.config.security.secret, number)
    return {"id_number": masked, identity.SEALED: sealed}


async def id_number_for_edit(services: Services, actor: Actor, child_id: int) -> str | None:
    """The number in full, for the archive's edit step only (the head teacher of the class, or an admin); the read
    is audited by field name."""
    await _authorised_child(services, actor, child_id, Access.EDIT_CARD)
    number = identity.unseal(services.config.security.secret, await children.sealed_id(services.db, child_id))
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action="view", child_id=child_id, detail="id_number"
    )
    return number
