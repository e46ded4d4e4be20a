"""Care activities (关爱活动): an admin (their school) or a head teacher (their classes) records what was held, on
which day, with which children and perhaps a photo. Each child's timeline lists them, the weekly update names the
week's, and the photo goes through the outbox, once, to the families of the children whose guardians agreed to
activity photos (/mydata)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.activities import MAX_CHILDREN, ActivityKind
from bot.domain.messages import Notification, message
from bot.domain.models import Child, SchoolClass
from bot.domain.roles import Access, Actor, ChildFilter, reaches_every_child, scope_for
from bot.domain.stats import Scope, Term
from bot.services import AccessDenied, NotFound, Services
from bot.services.access import audit_refusal, authorised, authorised_child
from bot.services.care.common import InvalidChange, today
from bot.storage import activities as store
from bot.storage import audit, children, outbox, people

PHOTO = "parents.activity_photo"
CLASS_LIMIT = 90  # a rural class is far smaller; its buttons must fit one message


@dataclass(frozen=True)
class Draft:
    kind: str
    held_on: date
    child_ids: tuple[int, ...]
    photo_file: str | None
    token: str


@dataclass(frozen=True)
class Recorded:
    activity_id: int | None  # None: this flow's activity was saved already
    children: int
    families: int  # the families the photo goes to


async def classes_to_pick(services: Services, actor: Actor) -> list[SchoolClass]:
    """The classes whose children the actor may record an activity for."""
    await authorised(services, actor, Access.RECORD_ACTIVITY)
    return await people.list_classes(services.db, scope_for(actor, Access.RECORD_ACTIVITY))


async def class_children(services: Services, actor: Actor, class_id: int) -> tuple[SchoolClass, list[Child]]:
    """A class and its children, to tap who took part (the class id comes from the client: re-checked)."""
    await authorised(services, actor, Access.RECORD_ACTIVITY)
    klass = await people.get_class(services.db, class_id)
    if klass is None:
        raise NotFound if reaches_every_child(actor, Access.RECORD_ACTIVITY) else AccessDenied
    if not scope_for(actor, Access.RECORD_ACTIVITY).includes_class(klass.id, klass.school_id):
        await audit_refusal(services, actor.user_id, f"{Access.RECORD_ACTIVITY.value}:class={class_id}")
        raise AccessDenied
    found, _ = await children.search(services.db, "", ChildFilter(class_ids=frozenset({class_id})), limit=CLASS_LIMIT)
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action="list", child_id=None,
        detail=f"activity:class={class_id}",
    )  # fmt: skip
    return klass, found


def check_day(services: Services, day: date) -> date:
    """An activity's day: not in the future."""
    if day > today(services):
        raise InvalidChange("activity.future")
    return day


async def record(services: Services, actor: Actor, draft: Draft) -> Recorded:
    """Stores the activity (every child re-checked: ids come from the client) and queues its photo, one row per
    consenting family; a second save of the same flow stores nothing."""
    if draft.kind not in {k.value for k in ActivityKind}:
        raise InvalidChange("activity.gone")
    if not draft.child_ids or len(draft.child_ids) > MAX_CHILDREN:
        raise InvalidChange("activity.no_children")
    check_day(services, draft.held_on)
    found = [await authorised_child(services, actor, child_id, Access.RECORD_ACTIVITY) for child_id in draft.child_ids]
    schools = {child.scope.school_id for child in found}
    if len(schools) != 1:
        raise InvalidChange("activity.one_school")
    school_id = schools.pop()
    ids = [child.id for child in found]
    db = services.db
    now = services.now()
    families: list[store.PhotoFamily] = []
    async with db.transaction():
        activity_id = await store.create(
            db, school_id=school_id, kind=draft.kind, held_on=draft.held_on, photo_file=draft.photo_file,
            recorded_by=actor.user_id, child_ids=ids, token=draft.token, now=now,
        )  # fmt: skip
        if activity_id is None:
            return Recorded(None, len(ids), 0)
        await audit.record_many(
            db, at=now, actor_id=actor.user_id, action="activity.record", child_ids=ids,
            detail=f"activity={activity_id} kind={draft.kind} photo={'yes' if draft.photo_file else 'no'}",
        )  # fmt: skip
        if draft.photo_file:
            families = await store.photo_families(db, ids)
            caption = message(
                "activity.photo_caption", kind=message(f"activity.kind.{draft.kind}"), date=draft.held_on.isoformat()
            )
            rows = []
            for family in families:
                out = services.render(Notification(family.user_id, family.language, caption))
                rows.append((family.user_id, out.text, out.markup))
            await outbox.enqueue_notices(
                db, kind=PHOTO, dedup_key=f"a{activity_id}", school_id=school_id, messages=rows,
                media={"kind": "photo", "file_id": draft.photo_file}, now=now,
            )  # fmt: skip
    return Recorded(activity_id, len(ids), len(families))


# --- the guardians' consent to activity photos ----------------------------------------------------------------


async def photo_consent(services: Services, child_id: int) -> bool:
    """Whether the child's guardians agreed to activity photos (read with the rest of /mydata)."""
    return await store.photo_consent(services.db, child_id)


async def set_photo_consent(services: Services, actor: Actor, child_id: int, given: bool) -> Child:
    """A bound guardian agrees to activity photos, or withdraws it."""
    child = await authorised_child(services, actor, child_id, Access.CONSENT_GIVE)
    now = services.now()
    async with services.db.transaction():
        await store.set_photo_consent(services.db, child_id, actor.user_id, given, now)
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="consent.photos", child_id=child_id,
            detail=f"given={'yes' if given else 'no'}",
        )  # fmt: skip
    return child


# --- /stats ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermActivities:
    months: list[tuple[str, int]]  # (YYYY-MM, activities) of the term so far
    unreached: int  # children of the scope no activity reached this term


async def term_activities(services: Services, scope: Scope, term: Term) -> TermActivities:
    """The activities of a scope's children by month in `term`, and how many children none reached (the caller
    has checked the scope)."""
    last = min(term.end, today(services))
    months = await store.per_month(services.db, scope, term.start, last)
    _, unreached = await store.unreached(services.db, scope, term.start, last, limit=0, offset=0)
    return TermActivities(months, unreached)


async def unreached_page(
    services: Services, scope: Scope, term: Term, *, limit: int, offset: int
) -> tuple[list[tuple[int, str, str]], int]:
    """One page of the children of a scope no activity reached in `term` (the caller has checked and audits)."""
    return await store.unreached(services.db, scope, term.start, min(term.end, today(services)), limit=limit,
                                 offset=offset)  # fmt: skip
