"""Surveys (问卷): short choice questionnaires, the ready ones, the typed ones, and what a re-screening answer
proposes to change on a card. Plain rules: no words (the catalogue words a ready questionnaire), no SQL."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.archive import PARENTS_AWAY
from bot.domain.validation import InvalidInput, clean_text

MAX_QUESTIONS = 5
MIN_CHOICES, MAX_CHOICES = 2, 6
QUESTION_LIMIT = 120
CHOICE_LIMIT = 20
TITLE_LIMIT = 30


@dataclass(frozen=True)
class Question:
    """A question and its choices: words as typed, or (in a ready questionnaire) codes the catalogue words as
    `survey.<template>.<code>` and `survey.<template>.<code>.<choice>`."""

    code: str
    choices: tuple[str, ...]


# The termly re-screening (摸底排查): who is away, who cares for the child now, what changed at home.
RESCREEN = "rescreen"
NOT_AWAY = "none"
TEMPLATES: dict[str, tuple[Question, ...]] = {
    RESCREEN: (
        Question("away", (*PARENTS_AWAY, NOT_AWAY)),
        Question("carer", ("grandparents", "relative", "parent", "other")),
        Question("change", ("none", "parent_left", "parent_back", "hardship")),
    ),
}

# A re-screening answer that differs from the card proposes one change: the card's field and its new value.
NOT_LEFT_BEHIND = "not_left_behind"  # the card keeps no "no longer left behind": the school's notes say so
CARER = "guardian_relation"


def parse_typed(text: str) -> tuple[str, tuple[Question, ...]]:
    """A questionnaire typed in one message: the title on the first line, then each question on a line of its own
    followed by its choices, one per line, a blank line between questions. Raises InvalidInput with the reason's
    catalogue key."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    if len(blocks) < 2:
        raise InvalidInput("survey.bad.shape")
    title_lines = [line for line in blocks[0].splitlines() if line.strip()]
    if len(title_lines) != 1:
        raise InvalidInput("survey.bad.shape")
    title = clean_text(title_lines[0], max_length=TITLE_LIMIT)
    questions = []
    for block in blocks[1:]:
        lines = [clean_text(line, max_length=QUESTION_LIMIT) for line in block.splitlines() if line.strip()]
        choices = tuple(lines[1:])
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            raise InvalidInput("survey.bad.choices")
        if any(len(choice) > CHOICE_LIMIT for choice in choices) or len(set(choices)) != len(choices):
            raise InvalidInput("survey.bad.choices")
        questions.append(Question(lines[0], choices))
    if len(questions) > MAX_QUESTIONS:
        raise InvalidInput("survey.bad.questions")
    return title, tuple(questions)


def proposals(answers: dict[int, int], parents_away: str) -> list[tuple[str, str]]:
    """What a completed re-screening proposes to change on the child's card: (field, value code). Who is away
    changes `parents_away` (or, nobody away, a line in the notes); the carer is proposed as the card's guardian
    relation (the view words it when it is confirmed)."""
    found: list[tuple[str, str]] = []
    away, carer = TEMPLATES[RESCREEN][0], TEMPLATES[RESCREEN][1]
    if 0 in answers and 0 <= answers[0] < len(away.choices):
        said = away.choices[answers[0]]
        if said == NOT_AWAY:
            found.append((NOT_LEFT_BEHIND, said))
        elif said != parents_away:
            found.append(("parents_away", said))
    if 1 in answers and 0 <= answers[1] < len(carer.choices):
        found.append((CARER, carer.choices[answers[1]]))
    return found
