"""Help plans for a child at high risk (评估帮扶): the assessment, the actions with their owners and due dates, the
review date, and the closing an admin approves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.clock import to_db
from bot.domain.roles import ChildFilter
from bot.storage.db import Database
from bot.storage.scopes import children_within

OPEN, CLOSING, CLOSED = "open", "closing", "closed"


@dataclass(frozen=True)
class PlanAction:
    id: int
    what: str
    owner_id: int
    owner_name: str
    due_on: date


@dataclass(frozen=True)
class HelpPlan:
    id: int
    child_id: int
    assessment: str
    review_on: date
    status: str
    outcome: str | None
    created_by: int
    actions: tuple[PlanAction, ...]


@dataclass(frozen=True)
class DueAction:
    """An action whose owner is to be reminded today."""

    id: int
    child_id: int
    what: str
    owner_id: int
    due_on: date
    school_id: int  # whose quiet hours the reminder keeps


@dataclass(frozen=True)
class DueReview:
    plan_id: int
    child_id: int
    class_id: int
    created_by: int
    review_on: date
    school_id: int


async def insert_plan(
    db: Database,
    *,
    child_id: int,
    assessment: str,
    review_on: date,
    actions: list[tuple[str, int, date]],
    created_by: int,
    now: datetime,
    flow_token: str | None,
) -> int | None:
    """Stores a plan and its actions (in the caller's transaction); the plan saved first under this flow token if
    there is one; None if the child already has an open plan."""
    if flow_token is not None:
        saved = await db.fetchval("SELECT id FROM help_plans WHERE flow_token = ?", (flow_token,))
        if saved is not None:
            return int(saved)
    if await db.fetchval("SELECT 1 FROM help_plans WHERE child_id = ? AND status != 'closed'", (child_id,)):
        return None
    plan_id = await db.insert(
        "INSERT INTO help_plans (child_id, assessment, review_on, created_by, created_at, flow_token)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (child_id, assessment, review_on.isoformat(), created_by, to_db(now), flow_token),
    )
    for what, owner_id, due_on in actions:
        await db.execute(
            "INSERT INTO help_plan_actions (plan_id, what, owner_id, due_on) VALUES (?, ?, ?, ?)",
            (plan_id, what, owner_id, due_on.isoformat()),
        )
    return plan_id


async def _plan(db: Database, where: str, value: int) -> HelpPlan | None:
    row = await db.fetchone(
        "SELECT id, child_id, assessment, review_on, status, outcome, created_by FROM help_plans"
        f" WHERE {where} ORDER BY id DESC LIMIT 1",
        (value,),
    )
    if row is None:
        return None
    actions = await db.fetchall(
        "SELECT a.id, a.what, a.owner_id, COALESCE(u.full_name, '') AS owner_name, a.due_on"
        " FROM help_plan_actions a LEFT JOIN users u ON u.id = a.owner_id WHERE a.plan_id = ? ORDER BY a.due_on, a.id",
        (row["id"],),
    )
    return HelpPlan(
        id=row["id"],
        child_id=row["child_id"],
        assessment=row["assessment"],
        review_on=date.fromisoformat(row["review_on"]),
        status=row["status"],
        outcome=row["outcome"],
        created_by=row["created_by"],
        actions=tuple(
            PlanAction(a["id"], a["what"], a["owner_id"], a["owner_name"], date.fromisoformat(a["due_on"]))
            for a in actions
        ),
    )


async def open_plan(db: Database, child_id: int) -> HelpPlan | None:
    """The child's plan not yet closed (open, or waiting for the approval of its closing)."""
    return await _plan(db, "child_id = ? AND status != 'closed'", child_id)


async def get_plan(db: Database, plan_id: int) -> HelpPlan | None:
    return await _plan(db, "id = ?", plan_id)


async def ask_close(db: Database, plan_id: int, outcome: str, user_id: int) -> bool:
    """Open → closing, with the outcome; False if the plan is not open."""
    changed = await db.execute(
        "UPDATE help_plans SET status = 'closing', outcome = ?, close_asked_by = ? WHERE id = ? AND status = 'open'",
        (outcome, user_id, plan_id),
    )
    return changed == 1


async def approve_close(db: Database, plan_id: int, user_id: int, now: datetime) -> bool:
    """Closing → closed; False if its closing was not asked (or already approved)."""
    changed = await db.execute(
        "UPDATE help_plans SET status = 'closed', approved_by = ?, closed_at = ? WHERE id = ? AND status = 'closing'",
        (user_id, to_db(now), plan_id),
    )
    return changed == 1


async def due_actions(db: Database, today: date) -> list[DueAction]:
    """The actions of plans not closed that are due by `today` and whose owner was not reminded yet."""
    rows = await db.fetchall(
        "SELECT a.id, p.child_id, a.what, a.owner_id, a.due_on, c.school_id FROM help_plan_actions a"
        " JOIN help_plans p ON p.id = a.plan_id JOIN children ch ON ch.id = p.child_id"
        " JOIN classes c ON c.id = ch.class_id"
        " WHERE a.reminded_at IS NULL AND a.due_on <= ? AND p.status != 'closed' ORDER BY a.id",
        (today.isoformat(),),
    )
    return [
        DueAction(r["id"], r["child_id"], r["what"], r["owner_id"], date.fromisoformat(r["due_on"]), r["school_id"])
        for r in rows
    ]


async def mark_action_reminded(db: Database, action_id: int, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE help_plan_actions SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL", (to_db(now), action_id)
    )
    return changed == 1


async def due_reviews(db: Database, today: date) -> list[DueReview]:
    rows = await db.fetchall(
        "SELECT p.id, p.child_id, ch.class_id, p.created_by, p.review_on, c.school_id FROM help_plans p"
        " JOIN children ch ON ch.id = p.child_id JOIN classes c ON c.id = ch.class_id"
        " WHERE p.review_reminded_at IS NULL AND p.review_on <= ? AND p.status != 'closed' ORDER BY p.id",
        (today.isoformat(),),
    )
    return [
        DueReview(
            r["id"], r["child_id"], r["class_id"], r["created_by"], date.fromisoformat(r["review_on"]), r["school_id"]
        )
        for r in rows
    ]


async def mark_review_reminded(db: Database, plan_id: int, now: datetime) -> bool:
    changed = await db.execute(
        "UPDATE help_plans SET review_reminded_at = ? WHERE id = ? AND review_reminded_at IS NULL",
        (to_db(now), plan_id),
    )
    return changed == 1


async def high_risk_ids(db: Database, scope: ChildFilter, limit: int) -> list[int]:
    """Children of `scope` at high risk (set so, or with a concern not closed), by name."""
    within, params = children_within(scope)
    rows = await db.fetchall(
        "SELECT ch.id FROM children ch LEFT JOIN child_risk r ON r.child_id = ch.id"
        " WHERE (r.level = 'high' OR EXISTS (SELECT 1 FROM concerns k WHERE k.child_id = ch.id"
        f" AND k.status != 'closed')) AND {within} ORDER BY ch.name, ch.id LIMIT ?",
        [*params, limit],
    )
    return [r["id"] for r in rows]


async def staff_of_school(db: Database, school_id: int) -> list[tuple[int, str]]:
    """(user id, name) of everyone holding a staff role in the school: who may own a plan's action."""
    rows = await db.fetchall(
        "SELECT DISTINCT u.id, u.full_name FROM staff_roles r LEFT JOIN classes c ON c.id = r.class_id"
        " JOIN users u ON u.id = r.user_id WHERE COALESCE(r.school_id, c.school_id) = ? ORDER BY u.full_name, u.id",
        (school_id,),
    )
    return [(r["id"], r["full_name"]) for r in rows]
