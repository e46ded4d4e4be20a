"""A synthetic county database for the reporting benchmarks: built fast with executemany in a few transactions.

100 schools (one township each), 50,000 children in 6 grades × 2 classes per school, 100,000 guardian bindings (5%
unreachable), 5,000 staff (a head teacher per class, an admin and a counsellor per school, the rest mentors and
subject teachers), the county office (user 2), a mentor for 60% of the children, and 1,000,000 care records
(check-ins and visits) when the care tables exist. `schools=1` is the county of one school the older benchmarks
used (every class in school 1, 167 classes per grade).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import textwrap
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.config import Config, load_config
from bot.domain.clock import to_db
from bot.services.designations import school_year
from bot.storage.db import Database

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
GRADES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "小明红刚丽华军芳强敏静磊洋艳勇杰娟涛超秀霞平"
COUNTY_OFFICE = 2  # the county office's user (county_staff)
STAFF_BASE = 10_000  # staff are users 10,000 …; the admin of school s is ADMIN_BASE + s
ADMIN_BASE = 9_000


def write_config(folder: Path) -> Config:
    path = folder / "config.toml"
    path.write_text(
        textwrap.dedent(
            """
            [telegram]
            token = "123456:BENCH-token"
            [school]
            name = "示范县"
            admins = [1]
            [county]
            name = "示范县"
            staff = [2]
            [storage]
            database = "county.db"
            [import]
            max_file_mb = 20
            """
        ),
        encoding="utf-8",
    )
    return load_config(path, environ={})


def _chunks(rows: Iterator[tuple[object, ...]], size: int = 50_000) -> Iterator[list[tuple[object, ...]]]:
    chunk: list[tuple[object, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def school_admin(school_id: int) -> int:
    """The user id of a school's admin in the synthetic county."""
    return ADMIN_BASE + school_id


def populate(
    path: Path, *, children: int = 50_000, care_records: int = 1_000_000, schools: int = 100, seed: int = 7
) -> dict[str, int]:
    """Fills a migrated database; returns what was written."""
    rng = random.Random(seed)
    stamp = to_db(NOW)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA journal_mode = WAL")
    counts: dict[str, int] = {}
    # About 50 children a class: 2 classes per grade in a school of 500, 167 in the single school of 50,000.
    per_grade_classes = max(1, round(children / (schools * len(GRADES) * 50)))
    conn.execute("BEGIN")
    conn.execute("UPDATE schools SET name = '示范县第1小学', township = '第1镇', county = '示范县' WHERE id = 1")
    conn.executemany(
        "INSERT INTO schools (id, name, township, county, created_at) VALUES (?, ?, ?, '示范县', ?)",
        [(s, f"示范县第{s}小学", f"第{s}镇", stamp) for s in range(2, schools + 1)],
    )
    conn.executemany(
        "INSERT INTO grades (id, name, sort_order) VALUES (?, ?, ?)", [(i + 1, g, i) for i, g in enumerate(GRADES)]
    )
    class_rows = [
        (len(GRADES) * per_grade_classes * s + g * per_grade_classes + c + 1, s + 1, g + 1, f"{c + 1}班")
        for s in range(schools)
        for g in range(len(GRADES))
        for c in range(per_grade_classes)
    ]
    conn.executemany("INSERT INTO classes (id, school_id, grade_id, name) VALUES (?, ?, ?, ?)", class_rows)
    class_ids = [r[0] for r in class_rows]
    school_of = {r[0]: r[1] for r in class_rows}
    staff = 5_000
    conn.executemany(
        "INSERT INTO users (id, full_name, created_at) VALUES (?, ?, ?)",
        [(STAFF_BASE + i, f"教师{i}", stamp) for i in range(staff)]
        + [(school_admin(s), f"校长{s}", stamp) for s in range(1, schools + 1)]
        + [(COUNTY_OFFICE, "县教育局", stamp)],
    )
    conn.executemany(
        "INSERT INTO staff_roles (user_id, role, class_id, granted_at) VALUES (?, 'head_teacher', ?, ?)",
        [(STAFF_BASE + i, cid, stamp) for i, cid in enumerate(class_ids)],
    )
    conn.executemany(
        "INSERT INTO staff_roles (user_id, role, school_id, granted_at) VALUES (?, ?, ?, ?)",
        [(school_admin(s), "admin", s, stamp) for s in range(1, schools + 1)]
        + [(STAFF_BASE + len(class_ids) + s, "counsellor", s, stamp) for s in range(1, schools + 1)],
    )
    conn.execute("INSERT INTO county_staff (user_id, granted_at) VALUES (?, ?)", (COUNTY_OFFICE, stamp))
    conn.execute("COMMIT")

    def child_rows() -> Iterator[tuple[object, ...]]:
        for i in range(children):
            born = date(2013, 1, 1) + timedelta(days=rng.randrange(6 * 365))
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            klass = class_ids[i * len(class_ids) // children]  # consecutive children share a class and a school
            yield (
                i + 1, name, rng.choice(("male", "female")), born.isoformat(), klass,
                rng.choice(("father", "mother", "both", "both")),
                "奶奶" if rng.random() < 0.9 else None,
                f"138{rng.randrange(10**8):08d}" if rng.random() < 0.8 else None,
                rng.choice(("no", "no", "no", "requested", "yes")),
                "广东东莞", f"139{rng.randrange(10**8):08d}", stamp, stamp,
            )  # fmt: skip

    conn.execute("BEGIN")
    for chunk in _chunks(child_rows()):
        conn.executemany(
            "INSERT INTO children (id, name, sex, birth_date, class_id, parents_away, guardian_name, guardian_phone,"
            " boarding, father_work_place, father_phone, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            chunk,
        )
    guardians = children * 2
    conn.executemany(
        "INSERT INTO users (id, full_name, status, created_at) VALUES (?, ?, ?, ?)",
        (
            (100_000 + i, f"家长{i}", "unreachable" if rng.random() < 0.05 else "active", stamp)
            for i in range(guardians)
        ),
    )
    conn.executemany(
        "INSERT INTO guardians (user_id, child_id, relationship, bound_at) VALUES (?, ?, ?, ?)",
        ((100_000 + i, i % children + 1, "母亲" if i < children else "父亲", stamp) for i in range(guardians)),
    )
    # Every family named its carer in writing this school year (委托照护), as a county in its steady state has: the
    # yearly request, a once-a-year batch, is not what the benchmarks measure.
    year = school_year(date.today())
    conn.executemany(
        "INSERT INTO guardian_designations (child_id, carer_name, relation, phone, address, conditions, changed,"
        " school_year, confirmed_on, confirmed_by, created_at) VALUES (?, '王桂兰', 'grandmother_paternal',"
        " '13900001111', '水井村3组', 'capable,no_harm,no_habits,no_neglect,considered', 1, ?, ?, ?, ?)",
        ((c, year, date.today().isoformat(), 100_000 + c - 1, stamp) for c in range(1, min(children, guardians) + 1)),
    )
    paired = [c for c in range(1, children + 1) if rng.random() < 0.6]
    conn.executemany(
        "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (?, ?, ?, ?)",
        ((10_000 + rng.randrange(staff), c, rng.choice((7, 14, 30)), to_db(NOW - timedelta(days=200))) for c in paired),
    )
    conn.execute("COMMIT")
    counts.update(children=children, guardians=guardians, staff=staff, pairings=len(paired), classes=len(class_ids))
    counts.update(schools=schools)
    counts.update(_care(conn, rng, children=children, staff=staff, total=care_records, school_of=school_of))
    conn.execute("ANALYZE")
    conn.close()
    return counts


def _care(
    conn: sqlite3.Connection, rng: random.Random, *, children: int, staff: int, total: int, school_of: dict[int, int]
) -> dict[str, int]:
    """Check-ins and visits over the last year (half each; a visit by the mentor carries the pairing), boarding
    requests for one child in ten, and enrolment events (a dropout or a transfer for one child in fifty)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "visits" not in tables:
        return {}
    pairings = dict(conn.execute("SELECT child_id, id FROM pairings WHERE ended_at IS NULL").fetchall())
    year_minutes = 365 * 24 * 60

    def checkins() -> Iterator[tuple[object, ...]]:
        for _ in range(total // 2):
            at = NOW - timedelta(minutes=rng.randrange(year_minutes))
            mood = rng.choice((1, 2, 3, 3, 3))
            yield (rng.randrange(1, children + 1), 10_000 + rng.randrange(staff), to_db(at), 3, 3, mood, 3,
                   int(mood == 1), "")  # fmt: skip

    def visits() -> Iterator[tuple[object, ...]]:
        for _ in range(total - total // 2):
            child = rng.randrange(1, children + 1)
            day = (NOW - timedelta(days=rng.randrange(365))).date().isoformat()
            pairing = pairings.get(child) if rng.random() < 0.7 else None
            yield (child, rng.choice(("home_visit", "phone_call", "school_talk")), day, "奶奶", "",
                   10_000 + rng.randrange(staff), pairing, to_db(NOW))  # fmt: skip

    conn.execute("BEGIN")
    for chunk in _chunks(checkins()):
        conn.executemany(
            "INSERT INTO checkins (child_id, author_id, at, study, life, mood, health, worry, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            chunk,
        )
    for chunk in _chunks(visits()):
        conn.executemany(
            "INSERT INTO visits (child_id, kind, visit_date, participants, notes, author_id, pairing_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            chunk,
        )
    requests = []
    for child in range(1, children + 1, 10):
        at = NOW - timedelta(days=rng.randrange(365))
        status = rng.choice(("requested", "granted", "declined"))
        decided = None if status == "requested" else to_db(at + timedelta(days=3))
        requests.append((child, to_db(at), status, decided))
    conn.executemany(
        "INSERT INTO boarding_requests (child_id, requested_at, status, decided_at) VALUES (?, ?, ?, ?)", requests
    )
    child_school = {
        cid: school_of[klass] for cid, klass in conn.execute("SELECT id, class_id FROM children").fetchall()
    }
    events = [(c, "enrolled", "2024-09-01", to_db(NOW), child_school[c]) for c in range(1, children + 1)]
    events += [
        (c, rng.choice(("dropped_out", "transferred")), (NOW - timedelta(days=rng.randrange(365))).date().isoformat(),
         to_db(NOW), child_school[c])
        for c in range(1, children + 1, 50)
    ]  # fmt: skip
    conn.executemany(
        "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_at, school_id)"
        " VALUES (?, ?, ?, ?, ?)",
        events,
    )
    plans = [(c, rng.randrange(7), "2025-09-01", to_db(NOW)) for c in range(1, children + 1) if rng.random() < 0.8]
    conn.executemany(
        "INSERT INTO family_call_plans (child_id, rhythm, weekday, at_time, start_date, created_at, updated_at)"
        " VALUES (?, 'weekly', ?, '20:00', ?, ?, ?)",
        [(c, w, start, at, at) for c, w, start, at in plans],
    )
    answers = [
        (c, 100_000 + c - 1, to_db(NOW - timedelta(days=7 * week + w)), "called", to_db(NOW))
        for c, w, _, _ in plans
        for week in range(1, 5)
        if rng.random() < 0.7
    ]
    conn.executemany(
        "INSERT INTO family_call_answers (child_id, user_id, slot, outcome, at) VALUES (?, ?, ?, ?, ?)", answers
    )
    conn.execute("COMMIT")
    return {
        "family_call_plans": len(plans),
        "family_call_answers": len(answers),
        "checkins": total // 2,
        "visits": total - total // 2,
        "boarding_requests": len(requests),
        "enrolment_events": len(events),
    }


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def open_county(folder: Path, **kwargs: int) -> tuple[Config, Database, dict[str, int], float]:
    """A migrated, populated database; returns (config, db, counts, build seconds)."""
    config = write_config(folder)
    db = await Database.open(config.storage.database)
    await db.close()
    started = time.perf_counter()
    counts = await asyncio.to_thread(populate, config.storage.database, **kwargs)
    built = time.perf_counter() - started
    db = await Database.open(config.storage.database)
    return config, db, counts, built


def temp_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="shouwang-bench-")
