"""Who someone is (the Actor the policy judges, their language and message settings) and the school's grades and
classes, as handlers need them: they ask here, never the storage."""

from __future__ import annotations

from bot.domain.models import SchoolClass, User
from bot.domain.roles import Actor
from bot.services import Services
from bot.storage import people
from bot.storage import stats as stats_store


async def load_actor(services: Services, user_id: int) -> Actor:
    """Everything that decides what this user may do, read fresh (roles can change between updates)."""
    return await people.load_actor(services.db, user_id)


async def admin_ids(services: Services) -> list[int]:
    return await people.admin_ids(services.db)


async def get_user(services: Services, user_id: int) -> User | None:
    return await people.get_user(services.db, user_id)


async def set_language(services: Services, user_id: int, language: str) -> None:
    """Stores someone's choice of language (a stranger is stored by id and language only)."""
    await people.set_language(services.db, user_id, language, services.now())


async def get_class(services: Services, class_id: int) -> SchoolClass | None:
    return await people.get_class(services.db, class_id)


async def list_classes(services: Services, class_ids: frozenset[int] | None = None) -> list[SchoolClass]:
    """All classes (class_ids None) or the given ones, in grade order."""
    return await people.list_classes(services.db, class_ids)


async def ensure_class(services: Services, grade_name: str, class_name: str) -> SchoolClass:
    """Finds or creates a grade and class by name."""
    return await people.ensure_class(services.db, grade_name, class_name)


async def class_labels(services: Services) -> dict[int, str]:
    """Every class's label ("三年级2班"), by id."""
    return await stats_store.class_labels(services.db)


async def grades_and_classes(services: Services) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(grade id, grade name, [(class id, class name)]) in grade order."""
    return await stats_store.grades_and_classes(services.db)
