"""Voice letters (亲情语音信): from the child's card a teacher records the child's voice message for the parents;
it goes to every bound parent through the outbox (quiet hours, once each), led by one line saying what it is. A
parent may answer with a voice message, a photo or words; the answer waits on the card for the child's next
family time, and the teacher who sent the letter is told."""

from __future__ import annotations

from dataclasses import dataclass

from bot import buttons as bt
from bot.domain.messages import Attachment, Choice, Notification, message
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, may
from bot.services import AccessDenied, NotFound, Services, message_kinds
from bot.services.access import authorised_child
from bot.storage import audit, outbox, people
from bot.storage import children as children_store
from bot.storage import guardians as guardians_store
from bot.storage import recipients as recipients_store
from bot.storage import voice_letters as store

LETTER = "voice.letter"
ANSWER = "voice.letter_answer"
LIST_LIMIT = 5
MAX_SECONDS = 600  # Telegram keeps longer voice messages too; ten minutes is more than a child's letter needs

Letter = store.Letter
LetterAnswer = store.LetterAnswer


@dataclass(frozen=True)
class Overview:
    """A child's letters for the school: the latest ones with their answers, and how many answers still wait."""

    child: Child
    letters: list[tuple[Letter, list[LetterAnswer]]]
    waiting: int


async def child_for_letter(services: Services, actor: Actor, child_id: int) -> Child:
    return await authorised_child(services, actor, child_id, Access.VOICE_LETTER)


async def send(services: Services, actor: Actor, child_id: int, file_id: str, seconds: int) -> int:
    """Stores the letter and queues it to each bound parent; returns how many (0: nobody is bound, nothing kept)."""
    child = await child_for_letter(services, actor, child_id)
    db = services.db
    now = services.now()
    parents = await guardians_store.active_guardian_ids(db, child.id)
    if not parents:
        return 0
    languages = await recipients_store.user_languages(db, parents)
    async with db.transaction():
        letter_id = await store.create(
            db, child_id=child.id, sender_id=actor.user_id, file_id=file_id, seconds=seconds,
            families=len(parents), now=now,
        )  # fmt: skip
        text = message("letter.to_parent", child=child.name, seconds=seconds)
        buttons = ((Choice(message("letter.answer_button"), bt.LetterAnswer(letter_id)),),)
        rows = []
        for parent in parents:
            out = services.render(Notification(parent, languages.get(parent), text, buttons))
            rows.append((parent, out.text, out.markup))
        await outbox.enqueue_notices(
            db, kind=LETTER, dedup_key=str(letter_id), school_id=child.school_id, messages=rows,
            media={"kind": "voice", "file_id": file_id}, now=now,
        )  # fmt: skip
        await audit.record(
            db, at=now, actor_id=actor.user_id, action="letters.send", child_id=child.id,
            detail=f"letter={letter_id} families={len(parents)}",
        )  # fmt: skip
    return len(parents)


async def letter_for_parent(services: Services, parent_id: int, letter_id: int) -> Letter:
    """The letter, if it is to one of this parent's children (still bound); NotFound otherwise: the id came from
    the client."""
    letter = await store.get(services.db, letter_id)
    if letter is None or not await guardians_store.is_guardian(services.db, parent_id, letter.child_id):
        raise NotFound
    return letter


async def letter_replied_to(services: Services, parent_id: int, message_id: int) -> int | None:
    """The letter a parent answered with Telegram's own "reply", if the message replied to is one."""
    return await store.letter_of_message(services.db, parent_id, message_id)


async def answer(
    services: Services, parent_id: int, letter_id: int, words: str, attachment: Attachment | None = None
) -> None:
    """Keeps a parent's answer for the child and tells the teacher who sent the letter (a voice message or photo
    by its file_id, the words as its caption)."""
    letter = await letter_for_parent(services, parent_id, letter_id)
    db = services.db
    now = services.now()
    child = await children_store.get_child(db, letter.child_id)
    if child is None:
        raise NotFound
    parent = await people.get_user(db, parent_id)
    async with db.transaction():
        answer_id = await store.add_answer(
            db, letter_id=letter.id, parent_id=parent_id, text=words,
            media_kind=attachment.kind if attachment else None, media_file=attachment.file_id if attachment else None,
            media_seconds=attachment.seconds if attachment else None, now=now,
        )  # fmt: skip
        kind = attachment.kind if attachment else "text"
        text = message(
            f"letter.answer_to_teacher.{kind}", parent=parent.full_name if parent else "", child=child.name,
            message=words, seconds=(attachment.seconds or 0) if attachment else 0,
        )  # fmt: skip
        teacher = letter.sender_id
        await message_kinds.queue(
            services, Notification(teacher, await recipients_store.user_language(db, teacher), text), kind=ANSWER,
            dedup_key=str(answer_id), now=now, school_id=child.school_id, attachment=attachment,
        )  # fmt: skip
        await audit.record(
            db, at=now, actor_id=parent_id, action="letters.answer", child_id=child.id,
            detail=f"letter={letter.id} answer={answer_id}",
        )  # fmt: skip


async def overview(services: Services, actor: Actor, child_id: int) -> Overview:
    child = await child_for_letter(services, actor, child_id)
    letters = await store.for_child(services.db, child.id, LIST_LIMIT)
    _count, waiting = await store.counts(services.db, child.id)
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action="letters.view", child_id=child.id,
        detail=f"letters={len(letters)}",
    )  # fmt: skip
    return Overview(child, letters, waiting)


async def counts(services: Services, actor: Actor, child: Child) -> tuple[int, int] | None:
    """(letters sent, answers waiting) for the card of a reader who may send letters; None for anyone else."""
    if not may(actor, Access.VOICE_LETTER, child.scope):
        return None
    return await store.counts(services.db, child.id)


async def play(services: Services, actor: Actor, answer_id: int) -> LetterAnswer:
    """An answer to play to the child at family time: it no longer waits once played."""
    found = await store.get_answer(services.db, answer_id)
    if found is None:
        raise NotFound
    letter = await store.get(services.db, found.letter_id)
    if letter is None:
        raise NotFound
    try:
        await child_for_letter(services, actor, letter.child_id)
    except AccessDenied:
        raise NotFound from None  # an id from the client: answered like one that names nothing
    now = services.now()
    if await store.mark_heard(services.db, found.id, now):
        await audit.record(
            services.db, at=now, actor_id=actor.user_id, action="letters.heard", child_id=letter.child_id,
            detail=f"answer={found.id}",
        )  # fmt: skip
    return found
