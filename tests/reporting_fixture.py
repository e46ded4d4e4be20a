"""A small school whose figures are computed by hand, for the /stats, /export and /import tests.

一年级1班: A (father away, guardian 奶奶 with phone, paired), B (both away, no guardian, no phone)
三年级1班: E (both away, guardian with phone, boarding requested)
三年级2班: C (mother away, guardian named, no phone, bound parent active, paired)
           D (both away, guardian named, no phone, bound parent unreachable)
           F (father away, no guardian name, guardian phone, boarding yes)

By hand: total 6; father 2 (A, F), mother 1 (C), both 3 (B, D, E); no designated guardian 2 (B, F);
no reachable guardian 2 (B, D); paired 2 of 6 (A, C), so 33.3%; boarding requested 1, boarding 1.
一年级: 2 (father 1, both 1); 三年级: 4 (father 1, mother 1, both 2).
三年级2班 alone: 3 (father 1, mother 1, both 1); no designated 1 (F); unreachable 1 (D); paired 1 (C).

Care records (today 2026-03-02 in Shanghai; the 30-day window is 2026-02-01 … 2026-03-02; this term 2025-2 runs
2026-02-01 … 2026-08-31, the last one 2025-1 2025-09-01 … 2026-01-31):
- Pairings: A every 14 days since 2026-01-01 (30 days in the window: 2 due), C every 7 days since 2026-02-20
  (11 days: 1 due). A's mentor visited 02-05, 02-20, 02-25 (3, counted up to 2) and 01-20 (outside); C had a
  phone call by the head teacher on 02-21 (no pairing). Due 3, done 2: 66.7%. Visits and talks in the window: 4.
  Overdue today: C (02-21 + 7 = 02-28 < 03-02); A is not (02-25 + 14 = 03-11).
- Check-ins in the window: A 02-10, B 02-15 (flagged), D 2026-03-01T17:00Z (03-02 local), E 2026-01-31T16:30Z
  (02-01 00:30 local): 4, 1 flagged. Outside: C 01-15, F 2026-01-31T15:59Z (01-31 23:59 local).
- Boarding requests: E 02-10 (open), A 02-05 declined 02-06, F 01-20 granted 02-03. This term: 2 requested,
  1 granted, 1 open. Last term: 1 requested, 0 granted.
- Enrolment: A–E enrolled 2025-09-01, F 2025-09-02. C dropped out 2025-10-10 and came back 11-01; E transferred
  2025-12-01 and came back 2026-01-10; B dropped out 2026-01-31 (last day of term 1); D dropped out 2026-02-01
  (first day of term 2). Term 2025-1: enrolled at start A–E = 5, dropouts B, C = 2 (40.0%). Term 2025-2:
  enrolled at start A, C, D, E, F = 5 (D leaves on day one, so still counted), dropouts D = 1 (20.0%).
  三年级2班 in term 2025-2: 3 enrolled (C, D, F), 1 dropout (33.3%).
- Family calls, the 4 weeks 02-02 … 03-01: A weekly on Mondays since 2026-01-01 (02-02, 02-09, 02-16, 02-23),
  C every 3 days since 02-20 (02-20, 02-23, 02-26, 03-01): agreed 1, 1, 2, 4 = 8. Confirmed "called": A 02-02,
  02-16, 02-23 (by two parents: once), C 02-26; C 03-01 "no answer": 1, 0, 1, 2 = 4 of 8 (50.0%).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.clock import to_db
from bot.storage import children, people
from tests.conftest import ADMIN_ID
from tests.harness import Harness, TestUser
from tests.helpers import make_head_teacher

TEACHER_ID = 2001
MENTOR_ID = 2500
PARENT_OK = 3001
PARENT_GONE = 3002


@dataclass
class School:
    admin: TestUser
    teacher: TestUser
    ids: dict[str, int]
    classes: dict[str, int]


BASE = {
    "sex": "male",
    "birth_date": "2015-03-08",
    "boarding": "no",
}


async def build_school(h: Harness) -> School:
    admin = h.user(ADMIN_ID, "王校长")
    await admin.send("/start")
    teacher = await make_head_teacher(h, admin, TEACHER_ID)  # heads 三年级2班
    db = h.db
    now = h.clock()
    c11 = (await people.ensure_class(db, 1, "一年级", "1班")).id
    c31 = (await people.ensure_class(db, 1, "三年级", "1班")).id
    c32 = (await people.ensure_class(db, 1, "三年级", "2班")).id
    await db.execute("UPDATE grades SET sort_order = 1 WHERE name = '一年级'")
    await db.execute("UPDATE grades SET sort_order = 3 WHERE name = '三年级'")
    specs: dict[str, dict[str, str | int | None]] = {
        "A": {"name": "安安", "class_id": c11, "parents_away": "father", "guardian_name": "奶奶",
              "guardian_relation": "祖母", "guardian_phone": "13800000001", "father_name": "安父",
              "father_work_place": "广东东莞", "father_phone": "13900000001", "away_since": "2020-02-01",
              "personality": "开朗", "notes": "<b>不是标签</b> & 符号"},
        "B": {"name": "贝贝", "class_id": c11, "parents_away": "both", "sex": "female", "birth_date": "2016-07-15"},
        "E": {"name": "恩恩", "class_id": c31, "parents_away": "both", "guardian_name": "外公",
              "guardian_phone": "0718-1234567", "boarding": "requested"},
        "C": {"name": "晨晨", "class_id": c32, "parents_away": "mother", "guardian_name": "爷爷"},
        "D": {"name": "丁丁", "class_id": c32, "parents_away": "both", "guardian_name": "姑姑"},
        "F": {"name": "方方", "class_id": c32, "parents_away": "father", "guardian_phone": "13800000006",
              "boarding": "yes"},
    }  # fmt: skip
    ids = {}
    for key, values in specs.items():
        ids[key] = await children.insert_child(db, BASE | values, created_by=ADMIN_ID, now=now)
    for user_id, status in ((MENTOR_ID, "active"), (PARENT_OK, "active"), (PARENT_GONE, "unreachable")):
        await db.execute(
            "INSERT INTO users (id, full_name, status, created_at) VALUES (?, ?, ?, ?)",
            (user_id, f"用户{user_id}", status, to_db(now)),
        )
    await people.bind_guardian(db, user_id=PARENT_OK, child_id=ids["C"], relationship="母亲", now=now)
    await people.bind_guardian(db, user_id=PARENT_GONE, child_id=ids["D"], relationship="母亲", now=now)
    pairing = {}
    for key, cadence, started in (("A", 14, "2026-01-01T02:00:00+00:00"), ("C", 7, "2026-02-20T02:00:00+00:00")):
        pairing[key] = await db.insert(
            "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (?, ?, ?, ?)",
            (MENTOR_ID, ids[key], cadence, started),
        )
    await add_care_records(h, ids, pairing)
    admin.new_messages()
    teacher.new_messages()
    return School(admin, teacher, ids, {"一年级1班": c11, "三年级1班": c31, "三年级2班": c32})


async def add_care_records(h: Harness, ids: dict[str, int], pairing: dict[str, int]) -> None:
    db = h.db
    stamp = to_db(h.clock())
    visits = [
        ("A", "home_visit", "2026-02-05", MENTOR_ID, pairing["A"]),
        ("A", "school_talk", "2026-02-20", MENTOR_ID, pairing["A"]),
        ("A", "home_visit", "2026-02-25", MENTOR_ID, pairing["A"]),
        ("A", "home_visit", "2026-01-20", MENTOR_ID, pairing["A"]),
        ("C", "phone_call", "2026-02-21", TEACHER_ID, None),
    ]
    for key, kind, day, author, pairing_id in visits:
        await db.execute(
            "INSERT INTO visits (child_id, kind, visit_date, participants, notes, author_id, pairing_id, created_at)"
            " VALUES (?, ?, ?, '奶奶', '谈了学习', ?, ?, ?)",
            (ids[key], kind, day, author, pairing_id, stamp),
        )
    checkins = [
        ("A", "2026-02-10T02:00:00+00:00", 0),
        ("B", "2026-02-15T02:00:00+00:00", 1),
        ("D", "2026-03-01T17:00:00+00:00", 0),
        ("E", "2026-01-31T16:30:00+00:00", 0),
        ("C", "2026-01-15T02:00:00+00:00", 0),
        ("F", "2026-01-31T15:59:00+00:00", 0),
    ]
    for key, at, worry in checkins:
        await db.execute(
            "INSERT INTO checkins (child_id, author_id, at, study, life, mood, health, note, worry)"
            " VALUES (?, ?, ?, 3, 2, ?, 3, '还好', ?)",
            (ids[key], TEACHER_ID, at, 1 if worry else 3, worry),
        )
    requests = [
        ("E", "2026-02-10T02:00:00+00:00", "requested", None),
        ("A", "2026-02-05T02:00:00+00:00", "declined", "2026-02-06T02:00:00+00:00"),
        ("F", "2026-01-20T02:00:00+00:00", "granted", "2026-02-03T02:00:00+00:00"),
    ]
    for key, at, status, decided in requests:
        await db.execute(
            "INSERT INTO boarding_requests (child_id, requested_at, requested_by, status, decided_by, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (ids[key], at, TEACHER_ID, status, TEACHER_ID if decided else None, decided),
        )
    events = [(k, "enrolled", "2025-09-01") for k in "ABCDE"] + [
        ("F", "enrolled", "2025-09-02"),
        ("C", "dropped_out", "2025-10-10"),
        ("C", "enrolled", "2025-11-01"),
        ("E", "transferred", "2025-12-01"),
        ("E", "enrolled", "2026-01-10"),
        ("B", "dropped_out", "2026-01-31"),
        ("D", "dropped_out", "2026-02-01"),
    ]
    for key, status, day in events:
        await db.execute(
            "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_by, recorded_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (ids[key], status, day, TEACHER_ID, stamp),
        )

    plans = [("A", "weekly", 0, None, "2026-01-01"), ("C", "interval", None, 3, "2026-02-20")]
    for key, rhythm, weekday, interval, start in plans:
        await db.execute(
            "INSERT INTO family_call_plans (child_id, rhythm, weekday, interval_days, at_time, start_date,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, '20:00', ?, ?, ?)",
            (ids[key], rhythm, weekday, interval, start, stamp, stamp),
        )
    answers = [
        ("A", PARENT_OK, "2026-02-02", "called"),
        ("A", PARENT_OK, "2026-02-16", "called"),
        ("A", PARENT_OK, "2026-02-23", "called"),
        ("A", PARENT_GONE, "2026-02-23", "called"),
        ("C", PARENT_OK, "2026-02-26", "called"),
        ("C", PARENT_OK, "2026-03-01", "no_answer"),
    ]
    for key, user_id, day, outcome in answers:
        await db.execute(
            "INSERT INTO family_call_answers (child_id, user_id, slot, outcome, at) VALUES (?, ?, ?, ?, ?)",
            (ids[key], user_id, f"{day}T12:00:00+00:00", outcome, stamp),
        )
