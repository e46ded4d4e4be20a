"""The civil-affairs roster (花名册) and summary (汇总表) of the left-behind children an actor reports on.

The roster is the one place besides the archive's edit step where the ID number is opened: it is the form the
county files with civil affairs. Who may: those who may export figures (Access.REPORTS), for the children that
access reaches; every child listed is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain import civil_forms
from bot.domain.clock import age_on
from bot.domain.models import Child
from bot.domain.roles import Access, Actor, ChildFilter, may_do, scope_for
from bot.services import AccessDenied, Services, identity
from bot.storage import audit, children, enrolment

MAX_CHILDREN = 100_000


@dataclass(frozen=True)
class Entry:
    """One child on the roster: the archive, the ID number in full (None if not recorded), the age and stage."""

    child: Child
    id_number: str | None
    age: int
    stage: str

    def counted(self) -> civil_forms.Counted:
        return civil_forms.Counted(
            age=self.age,
            sex=self.child.sex,
            stage=self.stage,
            boarding=self.child.boarding,
            guardianship_type=self.child.guardianship_type,
            illness_disability=self.child.illness_disability,
            guardianship_assessment=self.child.guardianship_assessment,
        )


def local_today(services: Services) -> date:
    return services.now().astimezone(services.config.school.timezone).date()


async def entries(services: Services, scope: ChildFilter, today: date) -> list[Entry]:
    """The children of `scope` of the forms' ages (0–16 on `today`), in grade and class order, numbers opened."""
    found = await children.listed(services.db, "", scope, limit=MAX_CHILDREN)
    in_age = [(c, age_on(c.birth_date, today)) for c in found]
    in_age = [(c, age) for c, age in in_age if 0 <= age <= civil_forms.OLDEST]
    ids = [c.id for c, _ in in_age]
    sealed = await children.sealed_ids(services.db, ids)
    grades = await children.class_grades(services.db, sorted({c.class_id for c, _ in in_age}))
    statuses = await enrolment.current_statuses(services.db, ids)
    secret = services.config.security.secret

    def stage(child: Child) -> str:
        # A child the dropout ledger closed as dropped out is counted as such (辍学), not by their grade.
        if statuses.get(child.id) == "dropped_out":
            return "dropout"
        return civil_forms.stage_of_grade(grades.get(child.class_id, ""))

    return [Entry(c, identity.unseal(secret, sealed.get(c.id)), age, stage(c)) for c, age in in_age]


async def roster(services: Services, actor: Actor) -> tuple[list[Entry], date]:
    """The roster of the children the actor reports on (refused without REPORTS), audited once per child."""
    if not may_do(actor, Access.REPORTS):
        await audit.record(
            services.db, at=services.now(), actor_id=actor.user_id, action="denied", child_id=None,
            detail="civil.roster",
        )  # fmt: skip
        raise AccessDenied
    today = local_today(services)
    found = await entries(services, scope_for(actor, Access.REPORTS), today)
    if found:
        await audit.record_many(
            services.db, at=services.now(), actor_id=actor.user_id, action="civil.roster",
            child_ids=[e.child.id for e in found], detail="roster",
        )  # fmt: skip
    return found, today


def summary(found: list[Entry], total_label: str) -> list[civil_forms.SummaryRow]:
    """The summary's rows: one per class (in roster order), then the total."""
    by_class: dict[tuple[int, int], tuple[str, list[civil_forms.Counted]]] = {}
    for entry in found:
        key = (entry.child.school_id, entry.child.class_id)
        by_class.setdefault(key, (entry.child.class_label, []))[1].append(entry.counted())
    return civil_forms.summarise(by_class.values(), total_label)
