"""Referrals of a child to a partner outside the school (妇联, 团委, 关工委, the village child director, civil affairs,
police, a hospital): the reason, the card fields shared, the status; and the partner person a referral may invite,
who reads that child's shared fields (through the access policy's PARTNER role) while the referral is open."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.domain.messages import Notification, message
from bot.domain.models import Child
from bot.domain.roles import Access, Actor
from bot.domain.support import ALWAYS_SHARED, NEXT, SHAREABLE, Partner, Status
from bot.services import NotFound, Services, message_kinds
from bot.services.access import authorised_child, write_audit
from bot.services.care.common import InvalidChange
from bot.services.help_plans import quick_picks as quick_picks
from bot.storage import audit, children, people
from bot.storage import referrals as store
from bot.storage.referrals import Referral as Referral

CODE_BYTES = 18  # as a staff or family invitation's code: unguessable, well inside the 64-character payload
JOINED = "referral.joined"  # the outbox kind: the referrer hears that the invited person joined
CLOSED = "referral.closed"  # the outbox kind: the partner person hears that their access ended


async def child_for_referral(services: Services, actor: Actor, child_id: int) -> Child:
    return await authorised_child(services, actor, child_id, Access.REFER)


async def of_child(services: Services, actor: Actor, child_id: int) -> list[Referral]:
    """The child's referrals, for someone who may refer the child."""
    await child_for_referral(services, actor, child_id)
    return await store.of_child(services.db, child_id)


async def save_referral(
    services: Services,
    actor: Actor,
    child_id: int,
    *,
    body: Partner,
    reason: str,
    fields: list[str],
    partner_name: str | None,
    flow_token: str | None = None,
) -> tuple[int, str | None]:
    """Stores the referral (the name always shared, then the chosen fields in card order) and, if a partner person
    is named, their one-time invitation code; returns (its id, the code or None). Audited with the fields' names."""
    await child_for_referral(services, actor, child_id)
    shared = (ALWAYS_SHARED, *(name for name in SHAREABLE if name in fields))
    code = secrets.token_urlsafe(CODE_BYTES) if partner_name else None
    now = services.now()
    expires = now + timedelta(hours=services.config.conversation.invitation_ttl_hours) if code else None
    async with services.db.transaction():
        referral_id, new = await store.insert(
            services.db, child_id=child_id, body=body.value, reason=reason, fields=shared, partner_name=partner_name,
            invite_code=code, invite_expires_at=expires, created_by=actor.user_id, now=now, flow_token=flow_token,
        )  # fmt: skip
        if not new:
            raise InvalidChange("refer.already_saved")
        await write_audit(
            services, actor, "referral.create", child_id, f"referral:{referral_id} fields:{','.join(shared)}", at=now
        )
    return referral_id, code


async def set_status(services: Services, actor: Actor, referral_id: int, status: Status) -> tuple[Child, Referral]:
    """Moves a referral on (accepted, declined, done); declined or done closes it, and the partner person's access
    to the child ends with it."""
    referral = await store.get(services.db, referral_id)
    if referral is None:
        raise NotFound
    child = await child_for_referral(services, actor, referral.child_id)
    if status not in NEXT.get(Status(referral.status), ()):
        raise InvalidChange("refer.status_closed")
    now = services.now()
    async with services.db.transaction():
        if not await store.set_status(services.db, referral_id, status.value, actor.user_id, now):
            raise InvalidChange("refer.status_closed")
        await write_audit(
            services, actor, "referral.status", child.id, f"referral:{referral_id} {status.value}", at=now
        )
        updated = await store.get(services.db, referral_id)
        assert updated is not None
        if not updated.open and updated.partner_id is not None:
            # The partner person hears that their access ended, rather than meeting a refusal next time.
            partner = await people.load_actor(services.db, updated.partner_id)
            text = message("refer.partner_closed", child=child.name, body=message(f"refer.body.{updated.body}"))
            await message_kinds.queue(
                services, Notification(updated.partner_id, partner.language, text), kind=CLOSED,
                dedup_key=str(referral_id), school_id=child.school_id,
            )  # fmt: skip
    return child, updated


async def redeem_partner(services: Services, user_id: int, full_name: str, code: str) -> tuple[Referral, Child] | None:
    """Uses a referral's invitation: the user becomes its partner person, once, and the referrer is told. None: no
    referral has this code. Raises InvalidChange with the reason ("invite.code_expired", "invite.code_used")."""
    referral = await store.by_code(services.db, code)
    if referral is None:
        return None
    now = services.now()
    if referral.partner_id is not None:
        raise InvalidChange("invite.code_used")
    if not referral.open or referral.invite_expires_at is None or referral.invite_expires_at <= now:
        raise InvalidChange("invite.code_expired")
    child = await children.get_child(services.db, referral.child_id)
    if child is None:
        return None
    async with services.db.transaction():
        await people.ensure_user(services.db, user_id, full_name, now)
        if not await store.claim_partner(services.db, referral.id, user_id):
            raise InvalidChange("invite.code_used")
        await audit.record(
            services.db, at=now, actor_id=user_id, action="referral.partner_joined", child_id=child.id,
            detail=f"referral:{referral.id}",
        )  # fmt: skip
        referrer = await people.load_actor(services.db, referral.created_by)
        text = message("refer.partner_joined", partner=full_name, child=child.name)
        await message_kinds.queue(
            services, Notification(referral.created_by, referrer.language, text), kind=JOINED,
            dedup_key=str(referral.id), school_id=child.school_id,
        )  # fmt: skip
    return referral, child
