"""Erasing a child: every row about them, queued messages about them, and the drafts that name them."""

from __future__ import annotations

import json
from typing import Any

from bot.storage.db import Database

# Tables that never hold a child's data themselves even if a column is called child_id.
_KEEP = frozenset({"audit_log", "schema_migrations"})


async def _child_tables(db: Database) -> list[tuple[str, str]]:
    """(table, WHERE clause) for every row about the child, deepest dependants first.

    Found at erasure time from sqlite_master and the pragmas, so tables added by later migrations are covered:
    every column named child_id, every foreign key to children, and rows that depend on those by foreign key.
    The child id is bound as the named parameter :child.
    """
    names = [
        r["name"]
        for r in await db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        if r["name"] not in _KEEP
    ]
    clauses: dict[str, list[str]] = {"children": ["id = :child"]}
    order: list[str] = ["children"]
    columns = {name: [c["name"] for c in await db.fetchall(f'PRAGMA table_info("{name}")')] for name in names}
    keys = {name: await db.fetchall(f'PRAGMA foreign_key_list("{name}")') for name in names}
    for name in names:
        if name != "children" and "child_id" in columns[name]:
            clauses.setdefault(name, []).append("child_id = :child")
            order.append(name)
    changed = True
    while changed:
        changed = False
        for name in names:
            for fk in keys[name]:
                parent, source, target = fk["table"], fk["from"], fk["to"] or "id"
                if parent not in clauses or parent == name:
                    continue
                clause = (
                    f'"{source}" IN (SELECT "{target}" FROM "{parent}" WHERE '
                    + " OR ".join(f"({c})" for c in clauses[parent])
                    + ")"
                )
                if clause not in clauses.get(name, []) and len(clause) < 4000:
                    clauses.setdefault(name, []).append(clause)
                    if name not in order:
                        order.append(name)
                    changed = True
    return [(name, " OR ".join(f"({c})" for c in clauses[name])) for name in reversed(order)]


async def erase_child(db: Database, child_id: int) -> dict[str, int]:
    """Deletes every row about the child in every table but the audit log; the caller holds a transaction.
    Returns the number of rows deleted per table (names only: the counts go to the audit detail)."""
    deleted: dict[str, int] = {}
    # Rows of dependants are deleted before their parents; defer the checks to the commit all the same, so
    # an order we did not foresee cannot fail half-way.
    await db.execute("PRAGMA defer_foreign_keys = ON")
    for table, where in await _child_tables(db):
        count = await db.execute(f'DELETE FROM "{table}" WHERE {where}', {"child": child_id})
        if count:
            deleted[table] = count
    await db.execute("DELETE FROM audit_log WHERE child_id = ?", (child_id,))
    return deleted


async def rows_mentioning_child(db: Database, child_id: int) -> dict[str, int]:
    """Rows still found about a child (for the erasure check): same discovery as erase_child."""
    found: dict[str, int] = {}
    for table, where in await _child_tables(db):
        count = int(await db.fetchval(f'SELECT COUNT(*) FROM "{table}" WHERE {where}', {"child": child_id}) or 0)
        if count:
            found[table] = count
    return found


async def forget_queued_messages(db: Database, child_id: int) -> None:
    """Queued alerts name the child in their text: drop those of the child's concerns (if the outbox exists)."""
    exists = await db.fetchval("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'outbox'")
    if not exists:
        return
    columns = {c["name"] for c in await db.fetchall('PRAGMA table_info("outbox")')}
    if "dedup_key" not in columns:
        return
    for row in await db.fetchall("SELECT id FROM concerns WHERE child_id = ?", (child_id,)):
        await db.execute("DELETE FROM outbox WHERE dedup_key LIKE ?", (f"concern:{row['id']}:%",))
    for row in await db.fetchall("SELECT id FROM data_requests WHERE child_id = ?", (child_id,)):
        await db.execute("DELETE FROM outbox WHERE dedup_key LIKE ?", (f"request:{row['id']}:%",))
    # voice: messages between the child's parents and the school, queued or sent, keep a voice message's or
    # photo's file_id and name the child in their caption: dropped with the messages themselves.
    await db.execute(
        "DELETE FROM outbox WHERE kind IN ('green.parent_msg', 'green.answer') AND dedup_key IN ("
        " SELECT CAST(id AS TEXT) FROM green_messages WHERE child_id = :child"
        " OR thread_id IN (SELECT id FROM green_messages WHERE child_id = :child))",
        {"child": child_id},
    )
    # Voice letters: queued or sent, the letter to the parents and their answers to the teacher carry the file_ids
    # and name the child.
    if await db.fetchval("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'voice_letters'"):
        await db.execute(
            "DELETE FROM outbox WHERE (kind = 'voice.letter' AND dedup_key IN ("
            " SELECT CAST(id AS TEXT) FROM voice_letters WHERE child_id = :child))"
            " OR (kind = 'voice.letter_answer' AND dedup_key IN (SELECT CAST(a.id AS TEXT) FROM voice_letter_answers a"
            " JOIN voice_letters l ON l.id = a.letter_id WHERE l.child_id = :child))",
            {"child": child_id},
        )
    # A care activity's photo may show the child: it is forgotten (and no longer goes to other families).
    if await db.fetchval("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'activities'"):
        taken = "SELECT activity_id FROM activity_children WHERE child_id = :child"
        await db.execute(
            f"DELETE FROM outbox WHERE kind = 'parents.activity_photo' AND dedup_key IN (SELECT 'a' || activity_id"
            f" FROM ({taken}))",
            {"child": child_id},
        )
        await db.execute(f"UPDATE activities SET photo_file = NULL WHERE id IN ({taken})", {"child": child_id})
    # surveys: a queued questionnaire, its reminder and a proposed change name the child.
    if await db.fetchval("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'survey_requests'"):
        await db.execute(
            "DELETE FROM outbox WHERE (kind IN ('survey.question', 'survey.reminder') AND dedup_key IN ("
            " SELECT 'r' || id FROM survey_requests WHERE child_id = :child)) OR (kind = 'survey.proposal'"
            " AND dedup_key IN (SELECT 'p' || id FROM survey_proposals WHERE child_id = :child))",
            {"child": child_id},
        )
    # support network: a help plan's reminders and closing notices, a referral's "joined", name the child.
    await db.execute(
        "DELETE FROM outbox WHERE (kind = 'plan.action_due' AND dedup_key IN (SELECT CAST(a.id AS TEXT)"
        " FROM help_plan_actions a JOIN help_plans p ON p.id = a.plan_id WHERE p.child_id = :child))"
        " OR (kind IN ('plan.review_due', 'plan.close_asked', 'plan.closed') AND dedup_key IN ("
        " SELECT CAST(id AS TEXT) FROM help_plans WHERE child_id = :child))"
        " OR (kind IN ('referral.joined', 'referral.closed') AND dedup_key IN ("
        " SELECT CAST(id AS TEXT) FROM referrals WHERE child_id = :child))",
        {"child": child_id},
    )


def scrub_draft(data: dict[str, Any], child_id: int, name: str, spared: frozenset[str] = frozenset()) -> bool:
    """Drops the draft entries (top-level keys of a user's or chat's data) that mention the child: its name in
    any text, or its id under a key naming a child. `spared`: longer names of other children that contain the name
    (王小明 when 小明 is erased): a draft about them is not about this child. Returns True if anything was dropped."""
    others = sorted(spared, key=len, reverse=True)

    def mentions(value: Any, key: str = "") -> bool:
        if isinstance(value, str):
            for other in others:
                value = value.replace(other, "")
            return bool(name) and name in value
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return value == child_id and "child" in key
        if isinstance(value, dict):
            return any(mentions(v, str(k)) for k, v in value.items())
        if isinstance(value, list | tuple):
            return any(mentions(v, key) for v in value)
        return False

    doomed = [key for key, value in data.items() if mentions(value, str(key))]
    for key in doomed:
        del data[key]
    return bool(doomed)


async def names_containing(db: Database, child_id: int, name: str) -> frozenset[str]:
    """Other children's names that contain this child's name and are longer (a namesake is not spared)."""
    rows = await db.fetchall(
        "SELECT DISTINCT name FROM children WHERE instr(name, ?) > 0 AND name != ? AND id != ?", (name, name, child_id)
    )
    return frozenset(r["name"] for r in rows) if name else frozenset()


async def scrub_persisted_drafts(db: Database, child_id: int, name: str) -> int:
    """Applies scrub_draft to the stored user and chat data; returns how many rows changed."""
    spared = await names_containing(db, child_id, name)
    changed = 0
    for table, column in (("ptb_user_data", "user_id"), ("ptb_chat_data", "chat_id")):
        for row in await db.fetchall(f"SELECT {column} AS key, data FROM {table}"):
            data = json.loads(row["data"])
            if isinstance(data, dict) and scrub_draft(data, child_id, name, spared):
                await db.execute(
                    f"UPDATE {table} SET data = ? WHERE {column} = ?",
                    (json.dumps(data, ensure_ascii=False), row["key"]),
                )
                changed += 1
    return changed


async def left_school(db: Database) -> list[tuple[int, str, str]]:
    """(id, name, date) of children whose current enrolment status is not 'enrolled' (care schema, if present)."""
    exists = await db.fetchval("SELECT 1 FROM sqlite_master WHERE name = 'child_enrolment_current'")
    if not exists:
        return []
    rows = await db.fetchall(
        "SELECT ch.id, ch.name, e.effective_date FROM child_enrolment_current e JOIN children ch ON ch.id = e.child_id "
        "WHERE e.status != 'enrolled' ORDER BY e.effective_date"
    )
    return [(r["id"], r["name"], r["effective_date"]) for r in rows]
