"""The entrusted carer in writing (委托照护): a bound parent names or confirms who looks after the child while the
parents are away, ticking each condition the Law on the Protection of Minors (Art. 22) sets for such a carer, which
tells the school in writing (Art. 23). A change tells the head teacher; the other bound parent is told of every
confirmation; every school year asks again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot import buttons as bt
from bot.domain.messages import Choice, Message, Notification, Value, message
from bot.domain.roles import Access, Actor, ChildFilter, ChildScope
from bot.domain.stats import term_of
from bot.services import AccessDenied, Services
from bot.services.access import authorised_child, write_audit
from bot.services.message_kinds import queue
from bot.storage import designations as store
from bot.storage import guardians as guardians_store
from bot.storage import people
from bot.storage import recipients as recipients_store

# The conditions of Art. 22, in the order the form asks them: a carer must meet every one.
CONDITIONS = ("capable", "no_harm", "no_habits", "no_neglect", "considered")
RELATIONS = (
    "grandfather_paternal",
    "grandmother_paternal",
    "grandfather_maternal",
    "grandmother_maternal",
    "relative",
    "other",
)

TO_OTHER_PARENT = "parents.designation_other"
TO_TEACHER = "parents.designation_change"
YEARLY = "parents.designation_yearly"

Designation = store.Designation


@dataclass(frozen=True)
class Draft:
    """What a parent filled in."""

    carer_name: str
    relation: str
    phone: str
    address: str
    conditions: frozenset[str]


def school_year(day: date) -> int:
    """The year the school year of `day` starts in (autumn to summer)."""
    return term_of(day).year


def local_today(services: Services) -> date:
    return services.now().astimezone(services.config.school.timezone).date()


async def children_of(services: Services, actor: Actor) -> list[tuple[int, str, ChildScope]]:
    """The parent's bound children (the ones they may designate a carer for)."""
    return await guardians_store.parent_children(services.db, actor.user_id)


async def current(services: Services, actor: Actor, child_id: int) -> tuple[str, Designation | None, dict[str, str]]:
    """(child's name, the latest designation, the carer details the card holds) for the form."""
    child = await authorised_child(services, actor, child_id, Access.GUARDIAN_DESIGNATION)
    card = {
        "name": child.guardian_name or "",
        "phone": child.guardian_phone or "",
        "address": child.guardian_address or "",
    }
    return child.name, await store.latest(services.db, child_id), {k: v for k, v in card.items() if v}


async def confirm(services: Services, actor: Actor, child_id: int, draft: Draft | None) -> Designation:
    """Stores the designation (`draft`), or the latest one confirmed unchanged (None); tells the other bound
    parents, and the head teacher when the carer's details changed. Every condition must be ticked."""
    child = await authorised_child(services, actor, child_id, Access.GUARDIAN_DESIGNATION)
    db = services.db
    now = services.now()
    today = local_today(services)
    previous = await store.latest(db, child_id)
    if draft is None:
        if previous is None:
            raise AccessDenied
        draft = Draft(
            previous.carer_name, previous.relation, previous.phone, previous.address, frozenset(previous.conditions)
        )
    if set(CONDITIONS) - draft.conditions:
        raise ValueError("not every condition is met")
    designation = Designation(
        child_id,
        draft.carer_name,
        draft.relation,
        draft.phone,
        draft.address,
        tuple(c for c in CONDITIONS if c in draft.conditions),
        school_year(today),
        today,
        actor.user_id,
    )
    changed = previous is None or (previous.carer_name, previous.relation, previous.phone, previous.address) != (
        draft.carer_name,
        draft.relation,
        draft.phone,
        draft.address,
    )
    parent = await people.get_user(db, actor.user_id)
    parent_name = parent.full_name if parent else ""
    relation = message(f"guardian.relation.{draft.relation}")
    async with db.transaction():
        await store.add(db, designation, changed=changed, now=now)
        await write_audit(
            services, actor, "parents.designation", child_id, "changed" if changed else "confirmed", at=now
        )
        said: dict[str, Value] = {
            "child": child.name, "name": draft.carer_name, "relation": relation, "parent": parent_name,
            "date": today.isoformat(),
        }  # fmt: skip
        key = f"{child_id}:{now.isoformat()}"
        others = [g for g in await guardians_store.active_guardian_ids(db, child_id) if g != actor.user_id]
        await _tell(services, others, message("guardian.to_other_parent", **said), TO_OTHER_PARENT, key, now)
        if changed:
            teachers = await recipients_store.head_teachers(db, child.class_id) or await people.admin_ids(
                db, child.school_id
            )
            text = message("guardian.to_teacher", **said, phone=draft.phone)
            await _tell(services, teachers, text, TO_TEACHER, key, now)
    return designation


async def _tell(
    services: Services, recipients: list[int], text: Message, kind: str, dedup_key: str, now: datetime
) -> None:
    """Queues one message to each recipient, in their language."""
    languages = await recipients_store.user_languages(services.db, recipients)
    for user_id in recipients:
        notification = Notification(user_id, languages.get(user_id), text)
        await queue(services, notification, kind=kind, dedup_key=dedup_key, now=now)


async def designated_on(services: Services, child_id: int) -> date | None:
    """When the child's carer was last confirmed in writing (for the card; the caller has read the card)."""
    latest = await store.latest(services.db, child_id)
    return None if latest is None else latest.confirmed_on


async def children_without_designation(services: Services, scope: ChildFilter) -> int:
    """For /stats: children of `scope` whose family has not named the carer in writing."""
    return await store.count_without(services.db, scope)


async def queue_yearly(services: Services) -> int:
    """Tick: once a school year per child, asks its bound parents to confirm the carer (or name one)."""
    db = services.db
    now = services.now()
    year = school_year(local_today(services))
    due = await store.due_for_year(db, year)
    if not due:
        return 0
    names = await store.names_by_id(db, sorted({c for c, _ in due}))
    languages = await recipients_store.user_languages(db, list({u for _, u in due}))
    queued = 0
    async with db.transaction():
        for child_id, user_id in due:
            buttons = ((Choice(message("guardian.yearly_button"), bt.GuardianChild(child_id)),),)
            text = message("guardian.yearly", child=names.get(child_id, ""))
            if await queue(
                services,
                Notification(user_id, languages.get(user_id), text, buttons),
                kind=YEARLY,
                dedup_key=f"{child_id}:{year}",
                now=now,
            ):
                queued += 1
    return queued
