"""Parent <-> head teacher messages through the bot (both directions stored), the staff contact overview,
and parents' message settings. Messages go through the durable outbox like everything else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot import buttons as bt
from bot.domain.messages import Attachment as Attachment
from bot.domain.messages import Choice, Joiner, Listing, Message, Moment, Notification, Plan, Text, Value, message
from bot.domain.roles import Access, Actor, ChildScope, may, scope_for
from bot.services import Services
from bot.services import message_kinds as message_kinds_service
from bot.storage import audit, people
from bot.storage import family_calls as family_calls_store
from bot.storage import family_messages as family_messages_store
from bot.storage import guardians as guardians_store
from bot.storage import recipients as recipients_store

OVERVIEW_LIMIT = 40
MEDIA_KINDS = ("voice", "photo")


def _what_was_said(row: Any) -> Value:
    """A stored message as quoted back: its words (the first 300 characters), else what it was (a voice message)."""
    if row["text"]:
        return str(row["text"])[:300]
    return message(f"voice.said.{row['media_kind'] or 'voice'}")


async def _parent_children(services: Services, parent_id: int) -> list[tuple[int, str, ChildScope]]:
    """(child id, name, what decides who sees them) of the parent's currently bound children."""
    return await guardians_store.parent_children(services.db, parent_id)


async def parent_writes(services: Services, parent_id: int, body: str, attachment: Attachment | None = None) -> bool:
    """Stores the message (a voice message or photo with `attachment`, `body` its caption) and queues it to the
    head teacher of each of the parent's children (admins if a class has none). False when the parent is no longer
    bound to any child: nothing is routed."""
    kids = await _parent_children(services, parent_id)
    if not kids:
        return False
    db = services.db
    now = services.now()
    parent = await people.get_user(db, parent_id)
    parent_name = parent.full_name if parent else str(parent_id)
    async with db.transaction():
        message_id = await family_messages_store.insert_message(
            db, direction="to_staff", parent_id=parent_id, staff_id=None,
            child_id=kids[0][0] if len(kids) == 1 else None, text=body, thread_id=None, now=now,
            **_media_columns(attachment),
        )  # fmt: skip
        recipients: dict[int, list[str]] = {}
        schools: dict[int, int] = {}
        for _child_id, name, child in kids:
            teachers = await recipients_store.head_teachers(db, child.class_id) or await people.admin_ids(
                db, child.school_id
            )
            for teacher in teachers:
                recipients.setdefault(teacher, []).append(name)
                schools.setdefault(teacher, child.school_id)
        languages = await recipients_store.user_languages(db, list(recipients))
        buttons = ((Choice(message("green.write.answer_button"), bt.GreenAnswer(message_id)),),)
        for teacher, names in recipients.items():
            children = Listing(tuple(names))
            if attachment is None:
                text = message("green.write.to_teacher", parent=parent_name, children=children, message=body)
            else:
                text = message(
                    f"voice.to_teacher.{attachment.kind}", parent=parent_name, children=children, message=body,
                    seconds=attachment.seconds or 0,
                )  # fmt: skip
            await message_kinds_service.queue(
                services, Notification(teacher, languages.get(teacher), text, buttons),
                kind=message_kinds_service.PARENT_MESSAGE, dedup_key=str(message_id), now=now,
                attachment=attachment, school_id=schools[teacher],
            )  # fmt: skip
        for child_id, _name, _class_id in kids:
            await audit.record(
                db, at=now, actor_id=parent_id, action="green.parent_message", child_id=child_id,
                detail=f"message={message_id}",
            )  # fmt: skip
    return True


def _media_columns(attachment: Attachment | None) -> dict[str, Any]:
    if attachment is None:
        return {}
    return {"media_kind": attachment.kind, "media_file": attachment.file_id, "media_seconds": attachment.seconds}


async def may_answer(services: Services, actor: Actor, message_id: int) -> str:
    """'ok', or why not: 'gone' (no such message), 'denied' (not this teacher's parent), 'unbound'."""
    row = await family_messages_store.get_message(services.db, message_id)
    if row is None or row["direction"] != "to_staff":
        return "gone"
    kids = await _parent_children(services, row["parent_id"])
    if not kids:
        return "unbound"
    if not any(may(actor, Access.ANSWER_FAMILY, child) for _id, _name, child in kids):
        return "denied"
    return "ok"


async def staff_answers(
    services: Services, actor: Actor, message_id: int, body: str, attachment: Attachment | None = None
) -> str:
    """Stores the answer (a voice message or photo with `attachment`, `body` its caption) and queues it to the
    parent; returns a catalogue suffix: sent / gone / denied / unbound."""
    check = await may_answer(services, actor, message_id)
    if check != "ok":
        return check
    db = services.db
    now = services.now()
    original = await family_messages_store.get_message(db, message_id)
    assert original is not None
    parent_id = original["parent_id"]
    staff = await people.get_user(db, actor.user_id)
    parent = await people.get_user(db, parent_id)
    kids = await _parent_children(services, parent_id)
    async with db.transaction():
        answer_id = await family_messages_store.insert_message(
            db, direction="to_parent", parent_id=parent_id, staff_id=actor.user_id, child_id=original["child_id"],
            text=body, thread_id=message_id, now=now, **_media_columns(attachment),
        )  # fmt: skip
        key = "green.answer.to_parent" if attachment is None else f"voice.to_parent.{attachment.kind}"
        text = message(
            key, teacher=staff.full_name if staff else "", question=_what_was_said(original), message=body,
        )  # fmt: skip
        buttons = ((Choice(message("green.weekly.write"), bt.GreenWrite()),),)
        await message_kinds_service.queue(
            services, Notification(parent_id, parent.language if parent else None, text, buttons),
            kind=message_kinds_service.ANSWER, dedup_key=str(answer_id), now=now, attachment=attachment,
            school_id=kids[0][2].school_id,
        )  # fmt: skip
        await audit.record(
            db, at=now, actor_id=actor.user_id, action="green.answer", child_id=original["child_id"],
            detail=f"message={message_id}",
        )  # fmt: skip
    return "sent"


async def contact_overview(services: Services, actor: Actor) -> Text:
    """Staff: the children they look after (class as head or subject teacher, mentees; admins: every child with a
    plan), each with the family-call plan and the last confirmed contact; no contact for too long flagged."""
    db = services.db
    now = services.now()
    rows = await guardians_store.children_in_view(db, scope_for(actor, Access.CONTACT_OVERVIEW))
    if not rows:
        return message("green.contact.none")
    limit = timedelta(days=services.config.scheduler.no_contact_alert_days)
    lines: list[Message] = []
    silent = 0
    for child_id, name in rows[:OVERVIEW_LIMIT]:
        stored = await family_calls_store.get_plan(db, child_id)
        last = await family_calls_store.last_contact(db, child_id)
        plan = Plan(stored.plan) if stored and stored.active else message("green.plan.no_plan")
        last_contact = Moment(last) if last else message("green.no_contact.never")
        since = last or (stored.created_at if stored and stored.active else None)
        flagged = since is not None and now - since >= limit
        silent += flagged
        key = "green.contact.line_flagged" if flagged else "green.contact.line"
        lines.append(message(key, child=name, plan=plan, last=last_contact))
    await audit.record(db, at=now, actor_id=actor.user_id, action="green.contact_overview", child_id=None,
                       detail=f"children={min(len(rows), OVERVIEW_LIMIT)}")  # fmt: skip
    head = message("green.contact.head", silent=silent, days=limit.days)
    more = max(0, len(rows) - OVERVIEW_LIMIT)
    return Listing((head, Listing(tuple(lines), Joiner.LINES, more)), Joiner.LINES)


async def change_settings(services: Services, user_id: int, action: str, language: str | None) -> str:
    """A person's own message settings; returns the catalogue key confirming the change."""
    db = services.db
    if action == "lang" and language is not None:
        await people.set_language(db, user_id, language, services.now())
        return "green.settings.lang_done"
    setting, value, key = {
        "pause": ("weekly_paused", True, "green.settings.paused"),
        "resume": ("weekly_paused", False, "green.settings.resumed"),
        "stop": ("opted_out", True, "green.settings.stopped"),
        "start": ("opted_out", False, "green.settings.started"),
    }[action]
    await guardians_store.set_message_setting(db, user_id, setting, value)
    return key
