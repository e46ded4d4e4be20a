"""Which period each scheduled job last handled, so a tick after a crash does not do it twice."""

from __future__ import annotations

from datetime import datetime

from bot.domain.clock import to_db
from bot.storage.db import Database


async def job_key(db: Database, job: str) -> str | None:
    value = await db.fetchval("SELECT last_key FROM scheduler_runs WHERE job = ?", (job,))
    return None if value is None else str(value)


async def set_job_key(db: Database, job: str, key: str, now: datetime) -> None:
    await db.execute(
        "INSERT INTO scheduler_runs (job, last_key, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (job) DO UPDATE SET last_key = excluded.last_key, updated_at = excluded.updated_at",
        (job, key, to_db(now)),
    )
