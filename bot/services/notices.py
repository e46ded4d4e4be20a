"""Notices to families (通知): an admin (their school) or a head teacher (their classes) sends text, a photo, a
document or a voice message to an audience the access policy allows; to read, to confirm (✅ 收到) or to answer
(one of given choices, or in the family's own words, voice message or photo). One outbox row per family,
deduplicated per notice; one reminder to those who have not answered after REMIND_AFTER; the sender sees, by
class, who has not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot import buttons as bt
from bot.domain.messages import Attachment, Buttons, Choice, Notification, Outgoing, message
from bot.domain.roles import Access, Actor, ChildFilter, scope_for
from bot.services import AccessDenied, NotFound, Services, message_kinds
from bot.services.access import authorised, offered
from bot.storage import audit, outbox, people
from bot.storage import children as children_store
from bot.storage import notices as store
from bot.storage import recipients as recipients_store

KINDS = ("read", "confirm", "answer")
TEMPLATES = ("drowning", "law", "family")
MEDIA = ("photo", "document", "voice")
REMIND_AFTER = timedelta(hours=24)
NOTICE = "parents.notice"
REMINDER = "parents.notice_reminder"
ANSWER_BACK = "parents.notice_answer_back"  # the sender's answer to one family's own answer
TEXT_LIMIT = 3000
CAPTION_LIMIT = 900  # Telegram's caption holds 1,024 characters, the lead line included
CHOICE_LIMIT = 12
LIST_LIMIT = 10

Notice = store.Notice
ClassStatus = store.ClassStatus
FreeAnswer = store.FreeAnswer


@dataclass(frozen=True)
class Audience:
    """Who a notice goes to: its code (what the button carries), the children whose families it reaches."""

    code: str
    school_id: int
    scope: ChildFilter
    left_behind_only: bool
    label: tuple[str, dict[str, str]]  # catalogue key and values


@dataclass(frozen=True)
class Draft:
    audience: str
    kind: str
    text: str
    media_kind: str | None = None
    media_file: str | None = None
    choices: tuple[str, ...] = ()


async def audiences(services: Services, actor: Actor) -> list[Audience]:
    """Every audience the actor may send to: per school they administer the school, its families with both parents
    away and each grade; per class in their reach, the class and its families with both parents away."""
    await authorised(services, actor, Access.SEND_NOTICE)
    scope = scope_for(actor, Access.SEND_NOTICE)
    classes = await people.list_classes(services.db, scope)
    found: list[Audience] = []
    for school_id in sorted(scope.school_ids):
        whole = ChildFilter(school_ids=frozenset({school_id}))
        found.append(Audience(f"s{school_id}", school_id, whole, False, ("notice.audience.school", {})))
        found.append(Audience(f"l{school_id}", school_id, whole, True, ("notice.audience.left_school", {})))
        grades: dict[int, tuple[str, set[int]]] = {}
        for klass in classes:
            if klass.school_id == school_id:
                grades.setdefault(klass.grade_id, (klass.grade_name, set()))[1].add(klass.id)
        for grade_id, (name, ids) in grades.items():
            found.append(
                Audience(
                    f"g{grade_id}-{school_id}",
                    school_id,
                    ChildFilter(class_ids=frozenset(ids)),
                    False,
                    ("notice.audience.grade", {"grade": name}),
                )
            )
    for klass in classes:
        one = ChildFilter(class_ids=frozenset({klass.id}))
        found.append(
            Audience(f"c{klass.id}", klass.school_id, one, False, ("notice.audience.class", {"label": klass.label}))
        )
        found.append(
            Audience(
                f"lc{klass.id}", klass.school_id, one, True, ("notice.audience.left_class", {"label": klass.label})
            )
        )
    return found


async def audience(services: Services, actor: Actor, code: str) -> Audience:
    """The audience a code names, if the actor may send to it (codes come from the client)."""
    return offered(await audiences(services, actor), code)


async def family_count(services: Services, actor: Actor, code: str) -> int:
    chosen = await audience(services, actor, code)
    return len(await store.families(services.db, chosen.scope, left_behind_only=chosen.left_behind_only))


def _buttons(notice_id: int, kind: str, choices: tuple[str, ...]) -> Buttons:
    if kind == "confirm":
        return ((Choice(message("notice.confirm_button"), bt.NoticeConfirm(notice_id)),),)
    if kind == "answer" and not choices:  # the family's own words, voice message or photo
        return ((Choice(message("notice.reply.button"), bt.NoticeReply(notice_id)),),)
    if kind == "answer":
        return tuple(
            (Choice(message("notice.choice_label", choice=label), bt.NoticeAnswer(notice_id, index)),)
            for index, label in enumerate(choices)
        )
    return ()


async def send(services: Services, actor: Actor, draft: Draft) -> tuple[int, int]:
    """Stores the notice and queues it, one row per family of the audience; returns (notice id, families)."""
    chosen = await audience(services, actor, draft.audience)
    if draft.kind not in KINDS or (draft.media_kind is not None and draft.media_kind not in MEDIA):
        raise AccessDenied
    db = services.db
    now = services.now()
    families = await store.families(db, chosen.scope, left_behind_only=chosen.left_behind_only)
    if not families:
        return 0, 0
    remind_at = now + REMIND_AFTER if draft.kind != "read" else None
    media = {"kind": draft.media_kind, "file_id": draft.media_file} if draft.media_kind and draft.media_file else None
    async with db.transaction():
        notice_id = await store.create(
            db,
            school_id=chosen.school_id,
            sender_id=actor.user_id,
            kind=draft.kind,
            audience=chosen.code,
            text=draft.text,
            media_kind=draft.media_kind,
            media_file=draft.media_file,
            choices=list(draft.choices),
            remind_at=remind_at,
            recipients=families,
            now=now,
        )
        lead = "answer_free" if draft.kind == "answer" and not draft.choices else draft.kind
        text = message("notice.body", lead=message(f"notice.lead.{lead}"), text=draft.text)
        buttons = _buttons(notice_id, draft.kind, draft.choices)
        worded: dict[str | None, Outgoing] = {}  # one wording per language, not per family
        rows = []
        for family in families:
            if family.language not in worded:
                worded[family.language] = services.render(Notification(family.user_id, family.language, text, buttons))
            out = worded[family.language]
            rows.append((family.user_id, out.text, out.markup))
        await outbox.enqueue_notices(
            db, kind=NOTICE, dedup_key=f"n{notice_id}", school_id=chosen.school_id, messages=rows, media=media, now=now
        )
        await audit.record(
            db,
            at=now,
            actor_id=actor.user_id,
            action="parents.notice",
            child_id=None,
            detail=f"notice={notice_id} audience={chosen.code} families={len(families)}",
        )
    return notice_id, len(families)


async def answer(services: Services, user_id: int, notice_id: int, choice: int | None) -> tuple[str, str | None]:
    """A family's ✅ or answer: ('done' | 'again' | 'not_sent' | 'gone', the chosen answer's words)."""
    notice = await store.get(services.db, notice_id)
    if notice is None:
        return "gone", None
    if notice.kind == "confirm":
        choice = None
    elif notice.kind != "answer" or choice is None or not 0 <= choice < len(notice.choices):
        return "gone", None
    outcome = await store.answer(services.db, notice_id, user_id, choice, services.now())
    return outcome, None if choice is None else notice.choices[choice]


async def may_reply(services: Services, user_id: int, notice_id: int) -> str:
    """Whether a family may answer this notice in its own words: 'waiting', or 'again' / 'not_sent' / 'gone'."""
    notice = await store.get(services.db, notice_id)
    if notice is None or notice.kind != "answer" or notice.choices:
        return "gone"
    return await store.is_waiting(services.db, notice_id, user_id)


async def reply_freely(
    services: Services, user_id: int, notice_id: int, words: str, attachment: Attachment | None = None
) -> str:
    """A family's own answer (a voice message or photo by its file_id, `words` its caption): 'done' or why not."""
    check = await may_reply(services, user_id, notice_id)
    if check != "waiting":
        return check
    return await store.answer_freely(
        services.db, notice_id, user_id, text=words, media_kind=attachment.kind if attachment else None,
        media_file=attachment.file_id if attachment else None, seconds=attachment.seconds if attachment else None,
        now=services.now(),
    )  # fmt: skip


async def free_answers(
    services: Services, actor: Actor, notice_id: int, user_id: int | None = None
) -> list[FreeAnswer]:
    """The families' own answers to a notice the actor follows (one family's, with `user_id`)."""
    await authorised(services, actor, Access.SEND_NOTICE)
    notice = await store.get(services.db, notice_id)
    if notice is None or not _may_follow(actor, notice):
        raise NotFound
    return await store.free_answers(services.db, notice_id, user_id)


async def answer_back(
    services: Services, actor: Actor, notice_id: int, user_id: int, words: str, attachment: Attachment | None,
    key: str,
) -> bool:  # fmt: skip
    """The notice's sender (or an admin of its school) answers one family's own answer, in words, a voice message
    or a photo, through the outbox; `key` names the answer (the sender's message), so that handling it twice sends
    it once. False: already sent."""
    found = await free_answers(services, actor, notice_id, user_id)
    notice = await store.get(services.db, notice_id)
    if not found or notice is None:
        raise NotFound
    db = services.db
    sender = await people.get_user(db, actor.user_id)
    said = found[0].text or message(f"voice.said.{found[0].media_kind or 'voice'}")
    text = message(
        f"notice.back.{attachment.kind if attachment else 'text'}", teacher=sender.full_name if sender else "",
        notice=notice.text[:60], said=said, message=words,
    )  # fmt: skip
    language = await recipients_store.user_language(db, user_id)
    async with db.transaction():
        queued = await message_kinds.queue(
            services, Notification(user_id, language, text), kind=ANSWER_BACK, dedup_key=f"{notice_id}:{user_id}:{key}",
            school_id=notice.school_id, attachment=attachment,
        )  # fmt: skip
        if queued:
            await audit.record(
                db, at=services.now(), actor_id=actor.user_id, action=ANSWER_BACK, child_id=None,
                detail=f"notice={notice_id} family={user_id}",
            )  # fmt: skip
    return queued


def _may_follow(actor: Actor, notice: Notice) -> bool:
    """The sender follows their notice; the school's admins follow every notice of their school."""
    return notice.sender_id == actor.user_id or notice.school_id in actor.admin_schools


async def sent(services: Services, actor: Actor) -> list[tuple[Notice, int, int]]:
    await authorised(services, actor, Access.SEND_NOTICE)
    return await store.sent_by(services.db, actor.user_id, LIST_LIMIT)


async def status(services: Services, actor: Actor, notice_id: int) -> tuple[Notice, list[ClassStatus], dict[int, int]]:
    """The notice, who has answered by class, and how many chose each answer."""
    await authorised(services, actor, Access.SEND_NOTICE)
    notice = await store.get(services.db, notice_id)
    if notice is None or not _may_follow(actor, notice):
        raise NotFound
    return notice, await store.status(services.db, notice_id), await store.choice_counts(services.db, notice_id)


async def queue_reminders(services: Services) -> int:
    """Tick: the one reminder of each notice whose time has come, to the families that have not answered; the
    notice is marked reminded in the same transaction, and the outbox's key makes a second run a no-op."""
    db = services.db
    now = services.now()
    queued = 0
    for notice in await store.due_reminders(db, now):
        text = message("notice.reminder", text=notice.text)
        buttons = _buttons(notice.id, notice.kind, notice.choices)
        async with db.transaction():
            rows = []
            for user_id, language in await store.unanswered(db, notice.id):
                out = services.render(Notification(user_id, language, text, buttons))
                rows.append((user_id, out.text, out.markup))
            queued += await outbox.enqueue_notices(
                db,
                kind=REMINDER,
                dedup_key=f"n{notice.id}",
                school_id=notice.school_id,
                messages=rows,
                media=None,
                now=now,
            )
            await store.mark_reminded(db, notice.id, now)
    return queued


# --- the weekly update's ✅ ---------------------------------------------------------------------------------

WEEKLY_UNREAD = "parents.weekly_unread"
UNREAD_WEEKS = 4


async def acknowledge_weekly(services: Services, user_id: int, message_id: int) -> bool:
    """A family pressed ✅ on a weekly update; False when the message is not one (an old or forged button)."""
    week = await store.week_of_message(services.db, user_id, message_id)
    if week is None:
        return False
    await store.acknowledge_week(services.db, user_id, week, services.now())
    return True


async def weekly_read_rates(
    services: Services, scope: ChildFilter, weeks: int = UNREAD_WEEKS
) -> list[tuple[int, str, int, int]]:
    """For /stats: per class of `scope`, (class id, label, weekly updates delivered, acknowledged) over the latest
    `weeks` weeks. Figures that leave a school go through the small-count rule (bot.domain.stats.hidden_cells)."""
    return await store.weekly_read_rates(services.db, scope, await store.recent_weeks(services.db, weeks))


async def queue_unread(services: Services) -> int:
    """Tick: a family that has acknowledged none of the last four weekly updates delivered to it is named to the
    child's head teacher, once per silence (the key is their last ✅, or none)."""
    db = services.db
    weeks = await store.recent_weeks(db, UNREAD_WEEKS)
    if len(weeks) < UNREAD_WEEKS:
        return 0
    now = services.now()
    queued = 0
    for user_id, child_id, class_id in await store.weekly_unread(db, weeks):
        teachers = await recipients_store.head_teachers(db, class_id)
        if not teachers:
            continue
        parent = await people.get_user(db, user_id)
        child_name = await children_store.child_name(db, child_id) or ""
        key = f"{user_id}:{child_id}:{await store.last_ack(db, user_id) or 'never'}"
        languages = await recipients_store.user_languages(db, teachers)
        text = message("weekly.unread_to_teacher", parent=parent.full_name if parent else "", child=child_name)
        for teacher in teachers:
            out = services.render(Notification(teacher, languages.get(teacher), text))
            if await outbox.enqueue(
                db, recipient_id=teacher, kind=WEEKLY_UNREAD, dedup_key=key, text=out.text, markup=out.markup, now=now
            ):
                queued += 1
    return queued
