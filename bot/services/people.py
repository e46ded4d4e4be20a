"""Who someone is (the Actor the policy judges, their language and message settings) and the schools' grades and
classes, as handlers need them: they ask here, never the storage."""

from __future__ import annotations

from bot.domain.models import SchoolClass, User
from bot.domain.roles import Actor, ChildFilter
from bot.services import Services
from bot.storage import people


async def load_actor(services: Services, user_id: int) -> Actor:
    """Everything that decides what this user may do, read fresh (roles can change between updates)."""
    return await people.load_actor(services.db, user_id)


async def keeper_ids(services: Services) -> list[int]:
    """Who looks after the installation: the county office, else the (one school's) administrators."""
    return await people.keeper_ids(services.db)


async def get_user(services: Services, user_id: int) -> User | None:
    return await people.get_user(services.db, user_id)


async def set_language(services: Services, user_id: int, language: str) -> None:
    """Stores someone's choice of language (a stranger is stored by id and language only)."""
    await people.set_language(services.db, user_id, language, services.now())


async def get_class(services: Services, class_id: int) -> SchoolClass | None:
    return await people.get_class(services.db, class_id)


async def list_classes(services: Services, scope: ChildFilter) -> list[SchoolClass]:
    """The classes wholly in `scope` (a scope of the access policy), in grade order."""
    return await people.list_classes(services.db, scope)


async def ensure_class(services: Services, school_id: int, grade_name: str, class_name: str) -> SchoolClass:
    """Finds or creates a class of one school by name (and its grade, the county's level)."""
    return await people.ensure_class(services.db, school_id, grade_name, class_name)
