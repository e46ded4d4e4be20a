"""The audit trail: who read or changed which child's record, and when."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.domain.clock import to_db
from bot.storage.db import Database

# Every action code an audit row may carry, declared once: /audit shows each by its catalogue name
# (`audit.action.<code>`), and a test checks that every code written anywhere is declared here and named.
# Rows with a code no longer declared (older versions) are shown with the raw code.
ACTIONS: tuple[str, ...] = (
    "view", "list", "create", "edit", "denied", "export", "import_check", "stats", "stats_list",
    "invite_guardian", "bind_guardian",
    "consent", "mydata", "request.correction", "request.erasure", "erase", "audit.view", "backup.download",
    "concern.report", "concern.ack", "concern.assign", "concern.close", "risk.set",
    "counsel.add", "counsel.read",
    "mailbox.read", "mailbox.reply", "mailbox.close", "mailbox.denied",
    "green.answer", "green.call_answer", "green.contact_overview", "green.parent_message", "green.parent_note",
    "green.plan_set", "green.plan_stop",
    "care.checkin", "care.concern_answer", "care.flagged_list", "care.visit", "care.followup_done",
    "care.pairing_view", "care.pair", "care.unpair", "care.buddy", "care.buddy_end", "care.buddy_view",
    "care.boarding_request", "care.boarding_decide", "care.enrolment_view", "care.enrolment", "care.timeline",
    "transfer.propose", "transfer.accept", "transfer.decline", "transfer.withdraw",
    "attendance.list", "attendance.mark", "attendance.case_open", "attendance.case_list", "attendance.case_view",
    "attendance.attempt", "attendance.case_close", "attendance.monthly",
    "lookup", "lookup_list",
    "school.add", "school.invite_admin", "school.weekly_update", "school.quiet_hours", "school.term_starts",
    "parents.designation", "parents.notice", "parents.notice_answer_back",
    "summary_export",
    "concern.police", "concern.feedback", "concern.register", "civil.roster",
    "activity.record", "consent.photos", "mailbox.paper",
    "letters.send", "letters.answer", "letters.view", "letters.heard",
    "survey.send", "survey.answer", "survey.confirm", "survey.decline", "research.export",
    "plan.view", "plan.open", "plan.ask_close", "plan.close",
    "referral.create", "referral.status", "referral.partner_joined",
)  # fmt: skip


async def record(
    db: Database, *, at: datetime, actor_id: int | None, action: str, child_id: int | None, detail: str = ""
) -> None:
    """Appends one audit row. `detail` names fields or ids, never personal values. In a transaction the row goes
    with its next statement or its COMMIT (audit_log has no constraint a row could break)."""
    await db.defer(
        "INSERT INTO audit_log (at, actor_id, action, child_id, detail) VALUES (?, ?, ?, ?, ?)",
        (to_db(at), actor_id, action, child_id, detail),
    )


async def record_many(
    db: Database, *, at: datetime, actor_id: int | None, action: str, child_ids: list[int], detail: str = ""
) -> None:
    """One audit row per child, one statement in one transaction (a page of /mychildren shows 40 children)."""
    async with db.transaction():
        await db.executemany(
            "INSERT INTO audit_log (at, actor_id, action, child_id, detail) VALUES (?, ?, ?, ?, ?)",
            [(to_db(at), actor_id, action, child_id, detail) for child_id in child_ids],
        )


async def for_child(db: Database, child_id: int) -> list[tuple[str, int | None, str, str]]:
    rows = await db.fetchall(
        "SELECT at, actor_id, action, detail FROM audit_log WHERE child_id = ? ORDER BY id", (child_id,)
    )
    return [(r["at"], r["actor_id"], r["action"], r["detail"]) for r in rows]


async def audit_page(db: Database, child_id: int, *, limit: int, offset: int) -> tuple[list[sqlite3.Row], int]:
    rows = await db.fetchall(
        "SELECT a.at, a.actor_id, a.action, a.detail, u.full_name FROM audit_log a "
        "LEFT JOIN users u ON u.id = a.actor_id WHERE a.child_id = ? ORDER BY a.id DESC LIMIT ? OFFSET ?",
        (child_id, limit, offset),
    )
    total = await db.fetchval("SELECT COUNT(*) FROM audit_log WHERE child_id = ?", (child_id,))
    return rows, int(total or 0)
