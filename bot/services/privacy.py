"""Consent, a guardian's view of what is stored (/mydata), correction and erasure requests, erasure, audit view.

Stats and any other aggregate over children should respect consent by calling
`bot.storage.consent.consented_child_filter_sql("ch.id")` in their WHERE clause (children without recorded
consent are left out of figures and listed instead by `missing_consent`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.clock import from_db
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, Role, scope_for
from bot.services import Services, access
from bot.storage import audit, backup, people
from bot.storage import concerns as concerns_store
from bot.storage import consent as consent_store
from bot.storage import counselling as counselling_store
from bot.storage import erasure as erasure_store
from bot.storage import risks as risks_store

MAX_CORRECTION = 500


_child = access.authorised_child


async def consent_of(services: Services, child_id: int) -> consent_store.Consent | None:
    return await consent_store.get_consent(services.db, child_id)


async def give_consent(services: Services, actor: Actor, child_id: int) -> Child:
    """A bound guardian consents in the bot."""
    child = await _child(services, actor, child_id, Access.CONSENT_GIVE)
    relation = next(
        (rel for uid, _, rel in await people.guardians_of(services.db, child_id) if uid == actor.user_id), ""
    )
    now = services.now()
    async with services.db.transaction():
        await consent_store.record_consent(
            services.db, child_id=child_id, method="bot", given_by=relation, guardian_id=actor.user_id,
            recorded_by=actor.user_id, now=now,
        )  # fmt: skip
        await audit.record(services.db, at=now, actor_id=actor.user_id, action="consent", child_id=child_id,
                           detail="method=bot")  # fmt: skip
    return child


async def child_for_paper_consent(services: Services, actor: Actor, child_id: int) -> Child:
    return await _child(services, actor, child_id, Access.CONSENT_PAPER)


async def record_paper_consent(services: Services, actor: Actor, child_id: int, given_by: str) -> Child:
    """The head teacher (or an admin) notes consent given on paper, naming who gave it."""
    child = await _child(services, actor, child_id, Access.CONSENT_PAPER)
    who = given_by.strip()
    if not who or len(who) > 50:
        raise ValueError("given_by")
    now = services.now()
    async with services.db.transaction():
        await consent_store.record_consent(
            services.db, child_id=child_id, method="paper", given_by=who, guardian_id=None,
            recorded_by=actor.user_id, now=now,
        )  # fmt: skip
        await audit.record(services.db, at=now, actor_id=actor.user_id, action="consent", child_id=child_id,
                           detail="method=paper")  # fmt: skip
    return child


async def missing_consent(services: Services, actor: Actor) -> list[tuple[int, str]]:
    """Children the actor may see whose guardian consent is not recorded (for /stats)."""
    return await consent_store.children_without_consent(services.db, scope_for(actor, Access.LOG_CARE))


@dataclass(frozen=True)
class MyData:
    child: Child
    guardians: list[tuple[int, str, str]]
    consent: consent_store.Consent | None
    risk_level: str | None
    concerns: int
    shared_sessions: list[str]


async def my_data(services: Services, actor: Actor, child_id: int) -> MyData:
    """Everything stored about the guardian's child that the school holds in its records, read as a guardian.
    Counselling notes are not shown (only the dates the counsellor shared); the read is audited."""
    child = await _child(services, actor, child_id, Access.CONSENT_GIVE)
    await audit.record(services.db, at=services.now(), actor_id=actor.user_id, action="mydata", child_id=child_id)
    risk = await risks_store.get_risk(services.db, child_id)
    return MyData(
        child=child,
        guardians=await people.guardians_of(services.db, child_id),
        consent=await consent_store.get_consent(services.db, child_id),
        risk_level=risk.level.value if risk.level else None,
        concerns=len(await concerns_store.concerns_of_child(services.db, child_id)),
        shared_sessions=await counselling_store.shared_session_dates(services.db, child_id),
    )


async def request(services: Services, actor: Actor, child_id: int, kind: str, detail: str = "") -> tuple[int, Child]:
    """A guardian asks for a correction (with what is wrong) or for erasure. Returns the request id."""
    child = await _child(services, actor, child_id, Access.CONSENT_GIVE)
    text = detail.strip()
    if kind == "correction" and (not text or len(text) > MAX_CORRECTION):
        raise ValueError("detail")
    now = services.now()
    async with services.db.transaction():
        request_id = await consent_store.add_request(
            services.db, child_id=child_id, requester_id=actor.user_id, kind=kind, detail=text, now=now
        )
        await audit.record(services.db, at=now, actor_id=actor.user_id, action=f"request.{kind}", child_id=child_id,
                           detail=f"request={request_id}")  # fmt: skip
    return request_id, child


async def people_to_tell(services: Services, child: Child) -> list[int]:
    """Admins and the head teacher(s) of the child's class: who handles a guardian's request."""
    ids = set(await people.admin_ids(services.db, child.school_id))
    ids |= set(await people.staff_of_class(services.db, child.class_id, Role.HEAD_TEACHER))
    return sorted(ids)


async def child_for_erasure(services: Services, actor: Actor, child_id: int) -> Child:
    return await _child(services, actor, child_id, Access.ERASE)


async def erase(services: Services, actor: Actor, child_id: int) -> tuple[str, dict[str, int]]:
    """Deletes the child and every row about them; the audit keeps one line: erased, by whom, when."""
    child = await _child(services, actor, child_id, Access.ERASE)
    now = services.now()
    async with services.db.transaction():
        await erasure_store.forget_queued_messages(services.db, child_id)
        drafts = await erasure_store.scrub_persisted_drafts(services.db, child_id, child.name)
        deleted = await erasure_store.erase_child(services.db, child_id)
        if drafts:
            deleted["drafts"] = drafts
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="erase", child_id=child_id,
            detail=" ".join(f"{table}={count}" for table, count in sorted(deleted.items())),
        )  # fmt: skip
    return child.name, deleted


async def scrub_drafts_in_memory(services: Services, child_id: int, name: str, datas: Iterable[dict[str, Any]]) -> None:
    """After an erasure: drafts held in memory (a search, a half-filled form) would be written back on the next
    flush, so they are scrubbed as the stored ones were."""
    spared = await erasure_store.names_containing(services.db, child_id, name)
    for data in datas:
        erasure_store.scrub_draft(data, child_id, name, spared)


async def erasure_candidates(
    services: Services, actor: Actor
) -> tuple[list[consent_store.DataRequest], list[tuple[int, str]]]:
    """Open erasure requests, and children past the retention period after leaving school."""
    await access.authorised(services, actor, Access.ERASE)
    requests = [r for r in await consent_store.open_requests(services.db) if r.kind == "erasure"]
    cutoff = services.now().date().toordinal() - services.config.privacy.retention_days
    expired = [
        (child_id, name)
        for child_id, name, left_on in await erasure_store.left_school(services.db)
        if datetime.fromisoformat(left_on).date().toordinal() <= cutoff
    ]
    return requests, expired


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    detail: str


async def audit_of(
    services: Services, actor: Actor, child_id: int, *, limit: int, offset: int
) -> tuple[Child, list[AuditLine], int]:
    """Who viewed or changed a child's record, newest first (admins only; viewing the log is itself logged)."""
    child = await _child(services, actor, child_id, Access.VIEW_AUDIT)
    rows, total = await audit.audit_page(services.db, child_id, limit=limit, offset=offset)
    await audit.record(services.db, at=services.now(), actor_id=actor.user_id, action="audit.view", child_id=child_id)
    lines = [AuditLine(from_db(r["at"]), r["actor_id"], r["full_name"] or "", r["action"], r["detail"]) for r in rows]
    return child, lines, total


async def deny(services: Services, actor: Actor, detail: str) -> None:
    """Records a refused attempt at an admin-only action (no child involved)."""
    await audit.record(services.db, at=services.now(), actor_id=actor.user_id, action="denied", child_id=None,
                       detail=detail)  # fmt: skip


async def child_for_guardian(services: Services, actor: Actor, child_id: int, what: str) -> Child:
    """The guardian's own child, or AccessDenied (audited with what was tried)."""
    return await access.authorised_child(services, actor, child_id, Access.CONSENT_GIVE, detail=what)


async def encrypted_latest_backup(services: Services, actor: Actor) -> tuple[str, bytes]:
    """The newest backup (made now if the folder has none), encrypted with backup.passphrase; audited."""
    await access.authorised(services, actor, Access.BACKUP)
    config = services.config
    found = backup.list_backups(config.backup.folder)
    latest = (
        found[0]
        if found
        else await backup.nightly(config.storage.database, config.backup.folder, services.now(), config.backup.keep)
    )
    blob = await asyncio.to_thread(lambda: backup.encrypt(latest.read_bytes(), config.backup.passphrase))
    await audit.record(services.db, at=services.now(), actor_id=actor.user_id, action="backup.download",
                       child_id=None, detail=latest.name)  # fmt: skip
    return latest.name, blob
