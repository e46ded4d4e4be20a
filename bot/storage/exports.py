"""The rows the exports are made of: a scope's archives (the roster), its visits and its check-ins."""

from __future__ import annotations

import sqlite3
from datetime import date

from bot.domain.models import Child
from bot.domain.stats import Scope
from bot.storage.db import Database
from bot.storage.scopes import CHILDREN_FROM, child_filter, scope_clause, utc_bound


async def children_in_scope(db: Database, scope: Scope) -> list[Child]:
    """Every archive of a scope, in grade, class and name order (for the roster export)."""
    where, params = scope_clause(scope)
    rows = await db.fetchall(
        "SELECT ch.*, g.name || c.name AS class_label" + CHILDREN_FROM + "WHERE " + where + " ORDER BY g.sort_order,"
        " g.name, c.name, ch.name, ch.id",
        params,
    )
    return [Child.from_row(r) for r in rows]


async def visits_between(db: Database, scope: Scope, start: date, end: date) -> list[sqlite3.Row]:
    """Visits, calls and talks of a scope with visit_date in [start, end], oldest first."""
    where, named = child_filter(scope)
    return await db.fetchall(
        "SELECT v.visit_date, ch.id AS child_id, ch.name, g.name || c.name AS class_label, v.kind, v.participants,"
        " v.notes, u.full_name AS author, v.pairing_id IS NOT NULL AS by_mentor"
        " FROM visits v JOIN children ch ON ch.id = v.child_id JOIN classes c ON c.id = ch.class_id"
        " JOIN grades g ON g.id = c.grade_id LEFT JOIN users u ON u.id = v.author_id"
        f" WHERE {where} AND v.visit_date BETWEEN :start AND :end ORDER BY v.visit_date, v.id",
        {"start": start.isoformat(), "end": end.isoformat(), **named},
    )


async def checkins_between(db: Database, scope: Scope, start: date, end: date, local: str) -> list[sqlite3.Row]:
    """Check-ins of a scope made on local days start … end, oldest first."""
    where, named = child_filter(scope)
    return await db.fetchall(
        "SELECT k.at, ch.id AS child_id, ch.name, g.name || c.name AS class_label, k.study, k.life, k.mood, k.health,"
        " k.worry, k.note, u.full_name AS author"
        " FROM checkins k JOIN children ch ON ch.id = k.child_id JOIN classes c ON c.id = ch.class_id"
        " JOIN grades g ON g.id = c.grade_id LEFT JOIN users u ON u.id = k.author_id"
        f" WHERE {where} AND k.at >= :from_at AND k.at < :to_at ORDER BY k.at, k.id",
        {"from_at": utc_bound(start, local), "to_at": utc_bound(end, local, 1), **named},
    )
