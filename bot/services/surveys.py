"""Surveys (问卷): an admin (their school) or a head teacher (their class) sends a short choice questionnaire, a
ready one (the termly re-screening, 摸底排查) or one typed in the chat, to head teachers about each child of
their class, or to the families of a class. Every questionnaire is a row of the outbox (quiet hours, once each:
the notices' delivery); the sender sees, by class, who has not answered; one reminder after REMIND_AFTER. A
re-screening answer that differs from the card proposes the change to the child's head teacher, who confirms it
(the card changes, audited) or declines it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot import buttons as bt
from bot.domain import surveys as rules
from bot.domain.messages import Buttons, Choice, Message, Notification, Value, message
from bot.domain.roles import Access, Actor, ChildFilter, scope_for
from bot.services import NotFound, Services
from bot.services.access import authorised, authorised_child, offered
from bot.storage import audit, outbox, people
from bot.storage import children as children_store
from bot.storage import notices as families_store
from bot.storage import recipients as recipients_store
from bot.storage import surveys as store

REMIND_AFTER = timedelta(hours=48)
QUESTION = "survey.question"
REMINDER = "survey.reminder"
PROPOSAL = "survey.proposal"
LIST_LIMIT = 10

Survey = store.Survey
ClassStatus = store.ClassStatus


@dataclass(frozen=True)
class Audience:
    """Who a questionnaire goes to: its code (what the button carries), the kind of respondent, the children."""

    code: str
    kind: str  # "teachers": each child's head teacher, about the child; "parents": each family, once
    school_id: int
    scope: ChildFilter
    label: tuple[str, dict[str, str]]


async def audiences(services: Services, actor: Actor) -> list[Audience]:
    """Per school the actor administers, the head teachers of the whole school; per class in reach, its head
    teacher and its families."""
    await authorised(services, actor, Access.SEND_SURVEY)
    scope = scope_for(actor, Access.SEND_SURVEY)
    classes = await people.list_classes(services.db, scope)
    found = [
        Audience(f"ts{school_id}", "teachers", school_id, ChildFilter(school_ids=frozenset({school_id})),
                 ("survey.audience.school_teachers", {}))
        for school_id in sorted(scope.school_ids)
    ]  # fmt: skip
    for klass in classes:
        one = ChildFilter(class_ids=frozenset({klass.id}))
        found.append(Audience(f"tc{klass.id}", "teachers", klass.school_id, one,
                              ("survey.audience.class_teacher", {"label": klass.label})))  # fmt: skip
        found.append(Audience(f"pc{klass.id}", "parents", klass.school_id, one,
                              ("survey.audience.class_parents", {"label": klass.label})))  # fmt: skip
    return found


async def audience(services: Services, actor: Actor, code: str) -> Audience:
    """The audience a code names, if the actor may send to it (codes come from the client)."""
    return offered(await audiences(services, actor), code)


async def _requests(services: Services, chosen: Audience) -> list[tuple[int, int, int]]:
    """(respondent, child, class) of each questionnaire the audience gets: a head teacher per child of their class
    (the school's admins where a class has none), or a family once, about their (first) child there."""
    db = services.db
    if chosen.kind == "parents":
        found = []
        for family in await families_store.families(db, chosen.scope, left_behind_only=False):
            child_id = await store.family_child(db, family.user_id, chosen.scope)
            if child_id is not None:
                found.append((family.user_id, child_id, family.class_id))
        return found
    teachers: dict[int, list[int]] = {}
    found = []
    for child_id, class_id, _name in await store.children_of(db, chosen.scope):
        if class_id not in teachers:
            teachers[class_id] = await recipients_store.head_teachers(db, class_id) or await people.admin_ids(
                db, chosen.school_id
            )
        found.extend((teacher, child_id, class_id) for teacher in teachers[class_id][:1])
    return found


async def count(services: Services, actor: Actor, code: str) -> int:
    return len(await _requests(services, await audience(services, actor, code)))


def title_of(survey: Survey) -> Value:
    return message(f"survey.{survey.template}.title") if survey.template else survey.title


def question_text(survey: Survey, index: int) -> Value:
    question = survey.questions[index]
    return message(f"survey.{survey.template}.{question.code}") if survey.template else question.code


def choice_text(survey: Survey, index: int, choice: int) -> Value:
    question = survey.questions[index]
    if survey.template:
        return message(f"survey.{survey.template}.{question.code}.{question.choices[choice]}")
    return question.choices[choice]


def _ask(survey: Survey, child_name: str, index: int, *, reminder: bool = False) -> Message:
    return message(
        "survey.remind" if reminder else "survey.ask",
        title=title_of(survey),
        child=child_name,
        number=index + 1,
        total=len(survey.questions),
        question=question_text(survey, index),
    )


def _choices(survey: Survey, request_id: int, index: int) -> Buttons:
    return tuple(
        (Choice(message("survey.choice", choice=choice_text(survey, index, choice)),
                bt.SurveyAnswer(request_id, index, choice)),)
        for choice in range(len(survey.questions[index].choices))
    )  # fmt: skip


async def send(
    services: Services, actor: Actor, code: str, template: str | None, typed: tuple[str, tuple[rules.Question, ...]]
) -> tuple[int, int]:
    """Stores the questionnaire and queues one row per request; returns (survey id, questionnaires)."""
    chosen = await audience(services, actor, code)
    if template is not None:
        if template not in rules.TEMPLATES:  # the draft's code: a forged or retired one sends nothing
            raise NotFound
        title, questions = "", rules.TEMPLATES[template]
    else:
        title, questions = typed
        if not questions:
            raise NotFound
    db = services.db
    now = services.now()
    requests = await _requests(services, chosen)
    if not requests:
        return 0, 0
    async with db.transaction():
        survey_id = await store.create(
            db, school_id=chosen.school_id, sender_id=actor.user_id, audience=chosen.kind, scope=chosen.code,
            template=template, title=title, questions=questions, remind_at=now + REMIND_AFTER, now=now,
        )  # fmt: skip
        survey = await store.get(db, survey_id)
        assert survey is not None
        languages = await recipients_store.user_languages(db, sorted({r for r, _c, _k in requests}))
        for respondent, child_id, class_id in requests:
            request_id = await store.add_request(db, survey_id, respondent, child_id, class_id)
            await _queue(services, survey, request_id, respondent, languages.get(respondent), child_id, QUESTION)
        await audit.record(
            db, at=now, actor_id=actor.user_id, action="survey.send", child_id=None,
            detail=f"survey={survey_id} audience={chosen.code} requests={len(requests)}",
        )  # fmt: skip
    return survey_id, len(requests)


async def _queue(
    services: Services, survey: Survey, request_id: int, respondent: int, language: str | None, child_id: int,
    kind: str,
) -> int:  # fmt: skip
    """One questionnaire's first unanswered question as a row of the outbox, once per request and kind, in the
    school's quiet hours (the notices' delivery)."""
    name = await children_store.child_name(services.db, child_id) or ""
    index = len(await store.answers(services.db, request_id))
    out = services.render(
        Notification(respondent, language, _ask(survey, name, index, reminder=kind == REMINDER),
                     _choices(survey, request_id, index))
    )  # fmt: skip
    return await outbox.enqueue_notices(
        services.db, kind=kind, dedup_key=f"r{request_id}", school_id=survey.school_id,
        messages=[(respondent, out.text, out.markup)], media=None, now=services.now(),
    )  # fmt: skip


@dataclass(frozen=True)
class Answered:
    """What a press did: 'next' (the next question follows), 'done', 'again' (answered already), 'gone'."""

    outcome: str
    ask: Notification | None = None  # the next question
    proposals: tuple[Notification, ...] = ()  # the changes the one who answered is to confirm


async def answer(services: Services, actor: Actor, request_id: int, question: int, choice: int) -> Answered:
    """A respondent's press: records it (the first answer stands) and returns the next question, or, the last one
    answered, completes the questionnaire and proposes what a re-screening changes on the card."""
    db = services.db
    request = await store.get_request(db, request_id)
    survey = await store.get(db, request.survey_id) if request is not None else None
    if request is None or survey is None or request.respondent_id != actor.user_id:
        return Answered("gone")
    if survey.audience == "teachers":  # still the child's teacher (a class changes hands; a child moves)
        await authorised_child(services, actor, request.child_id, Access.LOG_CARE, detail="survey")
    if not (0 <= question < len(survey.questions) and 0 <= choice < len(survey.questions[question].choices)):
        return Answered("gone")
    now = services.now()
    async with db.transaction():
        if not await store.answer(db, request_id, question, choice, now):
            return Answered("again")
        answers = await store.answers(db, request_id)
        if len(answers) < len(survey.questions):
            name = await children_store.child_name(db, request.child_id) or ""
            index = min(set(range(len(survey.questions))) - set(answers))
            ask = Notification(actor.user_id, actor.language, _ask(survey, name, index),
                               _choices(survey, request_id, index))  # fmt: skip
            return Answered("next", ask)
        await store.complete(db, request_id, now)
        await audit.record(
            db, at=now, actor_id=actor.user_id, action="survey.answer", child_id=request.child_id,
            detail=f"survey={survey.id}",
        )  # fmt: skip
        proposed = await _propose(services, survey, request, answers) if survey.template == rules.RESCREEN else []
        others = [(proposal, note) for proposal, note in proposed if note.recipient != actor.user_id]
        await _queue_proposals(services, others, survey.school_id)
    return Answered("done", proposals=tuple(note for _p, note in proposed if note.recipient == actor.user_id))


def carer_word(services: Services, code: str) -> str:
    """The carer as the card keeps it: the catalogue's word in the school's language."""
    return services.render(Notification(0, None, message(f"survey.{rules.RESCREEN}.carer.{code}"))).text


async def _propose(
    services: Services, survey: Survey, request: store.Request, answers: dict[int, int]
) -> list[tuple[int, Notification]]:
    """Stores what the answers would change on the card and words it for the child's head teachers (the school's
    admins where there is none): (proposal, notification) each; inside the caller's transaction."""
    db = services.db
    child = await children_store.get_child(db, request.child_id)
    if child is None:
        return []
    teachers = await recipients_store.head_teachers(db, child.class_id) or await people.admin_ids(db, child.school_id)
    languages = await recipients_store.user_languages(db, teachers)
    found: list[tuple[int, Notification]] = []
    for field, value in rules.proposals(answers, child.parents_away):
        if field == rules.CARER and carer_word(services, value) == (child.guardian_relation or ""):
            continue
        proposal_id = await store.propose(db, request.id, child.id, field, value, services.now())
        text = message("survey.proposal", child=child.name, change=_change(field, value))
        buttons = ((Choice(message("survey.confirm_button"), bt.SurveyDecide(proposal_id, 1)),
                    Choice(message("survey.decline_button"), bt.SurveyDecide(proposal_id, 0))),)  # fmt: skip
        found.extend(
            (proposal_id, Notification(teacher, languages.get(teacher), text, buttons)) for teacher in teachers
        )
    return found


def _change(field: str, value: str) -> Message:
    if field == "parents_away":
        return message("survey.change.parents_away", value=message(f"choice.parents_away.{value}"))
    if field == rules.CARER:
        return message("survey.change.carer", value=message(f"survey.{rules.RESCREEN}.carer.{value}"))
    return message("survey.change.not_left_behind")


async def _queue_proposals(services: Services, proposals: list[tuple[int, Notification]], school_id: int) -> int:
    """The proposals to those who did not answer themselves, through the outbox (the one who answered and may
    confirm sees them at once); inside the caller's transaction."""
    queued = 0
    for proposal_id, note in proposals:
        out = services.render(note)
        queued += await outbox.enqueue(
            services.db, recipient_id=note.recipient, kind=PROPOSAL, dedup_key=f"p{proposal_id}", text=out.text,
            markup=out.markup, now=services.now(), school_id=school_id,
        )  # fmt: skip
    return queued


async def decide(services: Services, actor: Actor, proposal_id: int, confirm: bool) -> tuple[str, str]:
    """The head teacher confirms (the card changes, audited) or declines a proposed change: ('done' | 'again',
    the child's name)."""
    db = services.db
    proposal = await store.get_proposal(db, proposal_id)
    if proposal is None:
        raise NotFound
    child = await authorised_child(services, actor, proposal.child_id, Access.CONFIRM_SURVEY_CHANGE)
    now = services.now()
    async with db.transaction():
        if not await store.decide(db, proposal_id, "confirmed" if confirm else "declined", actor.user_id, now):
            return "again", child.name
        if confirm:
            field, value = _applied(services, proposal, child.notes, now)
            await children_store.update_field(db, child.id, field, value, now)
            await audit.record(db, at=now, actor_id=actor.user_id, action="edit", child_id=child.id, detail=field)
        await audit.record(
            db, at=now, actor_id=actor.user_id, action="survey.confirm" if confirm else "survey.decline",
            child_id=child.id, detail=f"proposal={proposal_id} field={proposal.field}",
        )  # fmt: skip
    return "done", child.name


def _applied(services: Services, proposal: store.Proposal, notes: str | None, now: object) -> tuple[str, str]:
    """The card field a confirmed proposal writes, and its new value."""
    if proposal.field == "parents_away":
        return "parents_away", proposal.value
    if proposal.field == rules.CARER:
        return rules.CARER, carer_word(services, proposal.value)
    month = services.today()
    line = services.render(Notification(0, None, message("survey.note.not_left_behind", month=str(month)[:7]))).text
    return "notes", f"{notes}\n{line}" if notes else line


# --- following a questionnaire ------------------------------------------------------------------------------


def _may_follow(actor: Actor, survey: Survey) -> bool:
    """The sender follows their questionnaire; the school's admins follow every one of their school."""
    return survey.sender_id == actor.user_id or survey.school_id in actor.admin_schools


async def sent(services: Services, actor: Actor) -> list[tuple[Survey, int, int]]:
    await authorised(services, actor, Access.SEND_SURVEY)
    return await store.sent_by(services.db, actor.user_id, actor.admin_schools, LIST_LIMIT)


async def followed(services: Services, actor: Actor, survey_id: int) -> Survey:
    await authorised(services, actor, Access.SEND_SURVEY)
    survey = await store.get(services.db, survey_id)
    if survey is None or not _may_follow(actor, survey):
        raise NotFound
    return survey


async def status(
    services: Services, actor: Actor, survey_id: int
) -> tuple[Survey, list[ClassStatus], dict[tuple[int, int], int]]:
    """The questionnaire, who has answered by class, and how many chose each choice of each question."""
    survey = await followed(services, actor, survey_id)
    return survey, await store.status(services.db, survey_id), await store.choice_counts(services.db, survey_id)


async def answered_rows(
    services: Services, actor: Actor, survey_id: int
) -> tuple[Survey, list[tuple[str, str, dict[int, int]]]]:
    """For the sheet: each answered questionnaire (class, child, answers); audited as an export."""
    survey = await followed(services, actor, survey_id)
    rows = await store.answered_rows(services.db, survey_id)
    await audit.record(
        services.db, at=services.now(), actor_id=actor.user_id, action="export", child_id=None,
        detail=f"survey={survey_id} rows={len(rows)}",
    )  # fmt: skip
    return survey, rows


async def queue_reminders(services: Services) -> int:
    """Tick: the one reminder of each questionnaire whose time has come, to the requests not yet answered; marked
    reminded in the same transaction, and the outbox's key makes a second run a no-op."""
    db = services.db
    queued = 0
    for survey in await store.due_reminders(db, services.now()):
        async with db.transaction():
            waiting = await store.unanswered(db, survey.id)
            languages = await recipients_store.user_languages(db, sorted({r.respondent_id for r in waiting}))
            for request in waiting:
                queued += await _queue(services, survey, request.id, request.respondent_id,
                                       languages.get(request.respondent_id), request.child_id, REMINDER)  # fmt: skip
            await store.mark_reminded(db, survey.id, services.now())
    return queued
