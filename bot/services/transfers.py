"""学籍转移: a child moves to another school of the county with their archive. The old school proposes, the new
class's head teacher (else the new school's admins) accepts or declines; until then the child stays where they are.

On acceptance the child's class changes, so access follows the policy by itself: the old school's staff no longer
reach the card, the new school's do, and the history (check-ins, visits, enrolment) goes along. The old school keeps
what the law asks of it: its enrolment events (the child's leaving is recorded with the old school's id).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import buttons as bt
from bot.domain.messages import Buttons, Choice, Notification, Text, message
from bot.domain.models import Child, School, SchoolClass
from bot.domain.roles import Access, Actor, ChildFilter, ChildScope, Role, may, may_do, reaches_every_child, scope_for
from bot.services import AccessDenied, NotFound, Services, message_kinds
from bot.services.access import audit_refusal, authorised_child, write_audit
from bot.services.care import AlreadyDone, InvalidChange
from bot.storage import audit, boarding, children, enrolment, pairings, people, schools
from bot.storage import transfers as store
from bot.storage.transfers import Transfer as Transfer  # handlers read it from here

KIND = "transfer"  # the outbox kind of every transfer notice


class Decided(AlreadyDone):
    """The transfer was decided already (a double tap, or someone else got there first); `reason` says how."""


@dataclass(frozen=True)
class Proposed:
    transfer: Transfer
    saved: bool  # False: this flow had saved it already (a second tap on confirm)


def may_propose(actor: Actor) -> bool:
    return may_do(actor, Access.TRANSFER_OUT)


async def search(services: Services, actor: Actor, query: str, *, limit: int) -> tuple[list[Child], int]:
    """Children the actor may transfer out whose name contains `query`."""
    return await children.search(services.db, query, scope_for(actor, Access.TRANSFER_OUT), limit=limit)


async def quick_picks(services: Services, actor: Actor, *, limit: int) -> list[Child]:
    """The picker's buttons: the children of the classes the actor heads (an admin types a name)."""
    own = ChildFilter(class_ids=actor.head_classes)
    found, _ = await children.search(services.db, "", own, limit=limit)
    return [c for c in found if may(actor, Access.TRANSFER_OUT, c.scope)]


async def child_to_transfer(services: Services, actor: Actor, child_id: int) -> Child:
    """The child, if the actor may transfer them out and no transfer of theirs is waiting already."""
    child = await authorised_child(services, actor, child_id, Access.TRANSFER_OUT, detail="transfer")
    if await store.open_transfer(services.db, child.id) is not None:
        raise InvalidChange("transfer.already_open")
    return child


async def destinations(services: Services, child: Child) -> list[School]:
    """The other schools of the deployment, the ones a child may move to."""
    return [s for s in await schools.list_schools(services.db) if s.id != child.school_id]


async def classes_of(services: Services, school_id: int) -> list[SchoolClass]:
    return await people.list_classes(services.db, ChildFilter(school_ids=frozenset({school_id})))


async def destination_class(services: Services, child: Child, class_id: int) -> SchoolClass:
    """The class a child would join: it must exist and be another school's."""
    klass = await people.get_class(services.db, class_id)
    if klass is None:
        raise NotFound
    if klass.school_id == child.school_id:
        raise InvalidChange("transfer.same_school")
    return klass


async def _language(services: Services, user_id: int) -> str | None:
    return (await people.load_actor(services.db, user_id)).language


async def receivers(services: Services, transfer: Transfer) -> list[int]:
    """Who decides: the destination class's head teacher(s), else the destination school's admins."""
    heads = await people.staff_of_class(services.db, transfer.to_class_id, Role.HEAD_TEACHER)
    return heads or await people.admin_ids(services.db, transfer.to_school_id)


def message_values(transfer: Transfer) -> dict[str, str]:
    """What a message about a transfer names: the child, and the school and class it leaves and joins."""
    return {
        "name": transfer.child_name,
        "from_school": transfer.from_school_name,
        "from_class": transfer.from_class_label,
        "to_school": transfer.to_school_name,
        "to_class": transfer.to_class_label,
    }


async def _tell(services: Services, recipients: list[int], transfer: Transfer, key: str, *, ask: bool) -> None:
    """Queues one notice about this transfer for each recipient (with Accept / Decline when `ask`)."""
    text: Text = message(key, **message_values(transfer))
    buttons: Buttons = ()
    if ask:
        buttons = (
            (
                Choice(message("transfer.button.accept"), bt.TransferDecide("y", transfer.id)),
                Choice(message("transfer.button.decline"), bt.TransferDecide("n", transfer.id)),
            ),
        )
    async with services.db.transaction():
        for recipient in recipients:
            notice = Notification(recipient, await _language(services, recipient), text, buttons)
            await message_kinds.queue(services, notice, kind=KIND, dedup_key=f"{transfer.id}:{key}")


async def propose(services: Services, actor: Actor, child_id: int, to_class_id: int, *, flow_token: str) -> Proposed:
    """Stores the proposal (audited) and asks the receiving side; a second confirm of one flow saves nothing."""
    saved_id = await store.saved_by_flow(services.db, flow_token)
    if saved_id is not None:
        saved = await store.get_transfer(services.db, saved_id)
        if saved is None:
            raise NotFound
        return Proposed(saved, saved=False)
    child = await child_to_transfer(services, actor, child_id)
    klass = await destination_class(services, child, to_class_id)
    now = services.now()
    async with services.db.transaction():
        transfer_id = await store.propose(
            services.db, child_id=child.id, from_class_id=child.class_id, from_school_id=child.school_id,
            to_class_id=klass.id, to_school_id=klass.school_id, by=actor.user_id, now=now, flow_token=flow_token,
        )  # fmt: skip
        if transfer_id is None:  # another transfer of this child was proposed meanwhile
            raise InvalidChange("transfer.already_open")
        await write_audit(
            services,
            actor,
            "transfer.propose",
            child.id,
            f"transfer={transfer_id} to_school={klass.school_id} to_class={klass.id}",
            at=now,
        )
    transfer = await store.get_transfer(services.db, transfer_id)
    assert transfer is not None
    await _tell(services, await receivers(services, transfer), transfer, "transfer.notice", ask=True)
    return Proposed(transfer, saved=True)


async def waiting_for(services: Services, actor: Actor) -> list[Transfer]:
    """The transfers into classes the actor may accept children into."""
    if not may_do(actor, Access.TRANSFER_IN):
        return []
    return [t for t in await store.open_transfers(services.db) if may(actor, Access.TRANSFER_IN, t.destination)]


async def proposed_by(services: Services, actor: Actor) -> list[Transfer]:
    """The open transfers out of the actor's reach (they may withdraw them)."""
    if not may_propose(actor):
        return []
    return [t for t in await store.open_transfers(services.db) if may(actor, Access.TRANSFER_OUT, _origin(t))]


def _origin(transfer: Transfer) -> ChildScope:
    return ChildScope(transfer.child_id, transfer.from_class_id, transfer.from_school_id)


async def _open_for(services: Services, actor: Actor, transfer_id: int, access: Access) -> Transfer:
    """The transfer, if the actor may decide it through `access` (checked against its destination for
    TRANSFER_IN, its origin for TRANSFER_OUT); a forged id is refused like a forbidden one."""
    transfer = await store.get_transfer(services.db, transfer_id)
    if transfer is None:
        raise NotFound if reaches_every_child(actor, access) else AccessDenied
    where = transfer.destination if access is Access.TRANSFER_IN else _origin(transfer)
    if not may(actor, access, where):
        await audit_refusal(services, actor.user_id, f"transfer={transfer_id}", child_id=transfer.child_id)
        raise AccessDenied
    if transfer.status != "proposed":
        raise Decided(f"transfer.decided.{transfer.status}")
    return transfer


async def accept(services: Services, actor: Actor, transfer_id: int) -> Transfer:
    """Moves the child in one transaction: the new class, the old school's leaving and the new school's arrival as
    enrolment events, the old school's pairings, the buddy pair and an open boarding request ended. A family-call
    plan and the guardians' bindings stay (the family is the same). The proposer is told."""
    transfer = await _open_for(services, actor, transfer_id, Access.TRANSFER_IN)
    now = services.now()
    today = now.astimezone(services.config.school.timezone).date()
    db = services.db
    async with db.transaction():
        if not await store.decide(db, transfer.id, status="accepted", by=actor.user_id, now=now):
            raise Decided(f"transfer.decided.{await _status(services, transfer.id)}")
        await store.move_child(db, transfer.child_id, transfer.to_class_id, now)
        for status, school_id in (("transferred", transfer.from_school_id), ("enrolled", transfer.to_school_id)):
            await enrolment.insert_at_school(
                db, child_id=transfer.child_id, status=status, effective=today, school_id=school_id,
                by=actor.user_id, now=now,
            )  # fmt: skip
        ended = await pairings.end_pairings_outside(db, transfer.child_id, transfer.to_school_id, now)
        buddies = await pairings.end_buddies_of(db, transfer.child_id, on=today, by=actor.user_id)
        requests = await boarding.withdraw_open_request(
            db, transfer.child_id, by=actor.user_id, now=now, note="transfer"
        )
        await audit.record(
            db, at=now, actor_id=actor.user_id, action="transfer.accept", child_id=transfer.child_id,
            detail=f"transfer={transfer.id} from_school={transfer.from_school_id} to_school={transfer.to_school_id}"
            f" pairings_ended={ended} buddies_ended={buddies} boarding_closed={requests}",
        )  # fmt: skip
    await _tell(services, [transfer.proposed_by], transfer, "transfer.accepted_notice", ask=False)
    return transfer


async def decline(services: Services, actor: Actor, transfer_id: int) -> Transfer:
    """The receiving side says no: the child stays; the proposer is told."""
    transfer = await _open_for(services, actor, transfer_id, Access.TRANSFER_IN)
    await _close(services, actor, transfer, "declined", "transfer.decline")
    await _tell(services, [transfer.proposed_by], transfer, "transfer.declined_notice", ask=False)
    return transfer


async def withdraw(services: Services, actor: Actor, transfer_id: int) -> Transfer:
    """The old school takes the proposal back: the receiving side is told."""
    transfer = await _open_for(services, actor, transfer_id, Access.TRANSFER_OUT)
    await _close(services, actor, transfer, "withdrawn", "transfer.withdraw")
    await _tell(services, await receivers(services, transfer), transfer, "transfer.withdrawn_notice", ask=False)
    return transfer


async def _close(services: Services, actor: Actor, transfer: Transfer, status: str, action: str) -> None:
    now = services.now()
    async with services.db.transaction():
        if not await store.decide(services.db, transfer.id, status=status, by=actor.user_id, now=now):
            raise Decided(f"transfer.decided.{await _status(services, transfer.id)}")
        await write_audit(services, actor, action, transfer.child_id, f"transfer={transfer.id}", at=now)


async def _status(services: Services, transfer_id: int) -> str:
    """What became of a transfer someone else decided meanwhile."""
    transfer = await store.get_transfer(services.db, transfer_id)
    return transfer.status if transfer is not None else "withdrawn"


async def school(services: Services, school_id: int) -> School | None:
    return await schools.get_school(services.db, school_id)
