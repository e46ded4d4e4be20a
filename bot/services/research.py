"""Research data (四.2): an admin exports a de-identified dataset of their schools' children for a stated research
topic (bot.domain.research says what it holds and why it names nobody); the export and its topic are recorded
and audited, with no child named in the audit."""

from __future__ import annotations

from bot.domain import research as rules
from bot.domain import surveys as survey_rules
from bot.domain.roles import Access, Actor, scope_for
from bot.domain.validation import clean_text
from bot.services import Services
from bot.services.access import authorised
from bot.storage import audit
from bot.storage import research as store
from bot.storage import surveys as surveys_store

TOPIC_LIMIT = 200


def _choice(answers: dict[int, int], index: int) -> str:
    choices = survey_rules.TEMPLATES[survey_rules.RESCREEN][index].choices
    given = answers.get(index)
    return choices[given] if given is not None and 0 <= given < len(choices) else ""


async def dataset(services: Services, actor: Actor, topic: str) -> tuple[int, rules.Dataset]:
    """The de-identified dataset for `topic` (checked as typed text); returns (export id, dataset)."""
    await authorised(services, actor, Access.RESEARCH_EXPORT)
    topic = clean_text(topic, max_length=TOPIC_LIMIT)
    db = services.db
    source = await store.source_rows(db, scope_for(actor, Access.RESEARCH_EXPORT))
    answers = await surveys_store.latest_template_answers(db, survey_rules.RESCREEN, [r.child_id for r in source])
    rows = [
        rules.Row(
            grade=r.grade, sex=r.sex, parents_away=r.parents_away, birth_year=r.birth_date[:4],
            away_since=rules.month_of(r.away_since), boarding=r.boarding, risk=r.risk, visits=r.visits,
            checkins=r.checkins, concerns=r.concerns, carer=_choice(answers.get(r.child_id, {}), 1),
            change=_choice(answers.get(r.child_id, {}), 2),
        )
        for r in source
    ]  # fmt: skip
    found = rules.deidentify(rows)
    now = services.now()
    async with db.transaction():
        export_id = await store.record(
            db, actor_id=actor.user_id, topic=topic, children=len(found.rows), suppressed=found.left_out, now=now
        )
        await audit.record(
            db, at=now, actor_id=actor.user_id, action="research.export", child_id=None,
            detail=f"research={export_id} children={len(found.rows)} left_out={found.left_out} topic={topic}",
        )  # fmt: skip
    return export_id, found
