"""The faster /stats SQL (0006_stats_speed.sql, and the summaries kept by triggers of 0007_stats_summaries.sql)
gives exactly the figures of the straightforward SQL it replaced: random archives with edge cases at local
midnights and term boundaries, every scope, several days — and again after random updates, deletions and an
erasure, which the triggers must follow."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.clock import to_db
from bot.domain.stats import Scope
from bot.storage import db as db_module
from bot.storage import scopes
from bot.storage import stats as store
from bot.storage.db import Database
from bot.storage.erasure import erase_child, rows_mentioning_child

LOCAL = "+28800 seconds"  # Asia/Shanghai


DAYS = (date(2026, 3, 2), date(2026, 2, 20), date(2026, 2, 1))  # the "todays" the figures are checked on


def _edge(rng: random.Random, day: date) -> str:
    """Local midnight starting `day` as a stored instant, exactly or a second either side."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=8)
    return to_db(midnight + timedelta(seconds=rng.choice((0, -1, 1))))


def _moment(rng: random.Random, around: date) -> str:
    """A stored instant near `around`, often exactly on a local midnight or a second either side of it."""
    midnight = datetime(around.year, around.month, around.day, tzinfo=UTC) - timedelta(hours=8)
    shift = rng.choice((timedelta(0), timedelta(seconds=-1), timedelta(seconds=1), timedelta(hours=rng.randrange(24))))
    return to_db(midnight + timedelta(days=rng.randrange(-40, 5)) + shift)


async def _random_school(db: Database, seed: int, *, enrolment: bool = True, schools: bool = True) -> None:
    """A school of 40 children and their records; `schools` False: as the schema was before there were schools."""
    rng = random.Random(seed)
    today = date(2026, 3, 2)
    stamp = to_db(datetime(2026, 1, 1, tzinfo=UTC))
    await db.execute("INSERT INTO users (id, full_name, created_at) VALUES (1, 'admin', ?)", (stamp,))
    for grade in (1, 2):
        await db.execute("INSERT INTO grades (id, name, sort_order) VALUES (?, ?, ?)", (grade, f"G{grade}", grade))
        for n in (1, 2):
            if schools:
                await db.execute(
                    "INSERT INTO classes (id, school_id, grade_id, name) VALUES (?, 1, ?, ?)",
                    (grade * 10 + n, grade, f"{n}"),
                )
            else:
                await db.execute(
                    "INSERT INTO classes (id, grade_id, name) VALUES (?, ?, ?)", (grade * 10 + n, grade, f"{n}")
                )
    for child in range(1, 41):
        await db.execute(
            "INSERT INTO children (id, name, sex, birth_date, class_id, parents_away, guardian_name, boarding,"
            " created_at, updated_at) VALUES (?, ?, 'male', '2015-01-01', ?, ?, ?, ?, ?, ?)",
            (child, f"c{child}", rng.choice((11, 12, 21, 22)), rng.choice(("father", "mother", "both")),
             rng.choice((None, "", "奶奶")), rng.choice(("no", "requested", "yes")), stamp, stamp),
        )  # fmt: skip
        if rng.random() < 0.3:
            await db.execute(
                "INSERT INTO consents (child_id, method, given_by, recorded_by, given_at)"
                " VALUES (?, 'paper', 'x', 1, ?)",
                (child, stamp),
            )
        if rng.random() < 0.8:
            cadence = rng.choice((1, 3, 7, 14, 30, 45))
            # Often started right at the overdue cut-off (today - cadence) of one of the checked days.
            if rng.random() < 0.6:
                started = _edge(rng, rng.choice(DAYS) - timedelta(days=cadence))
            else:
                started = _moment(rng, today - timedelta(days=rng.randrange(60)))
            pairing = await db.insert(
                "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (1, ?, ?, ?)",
                (child, cadence, started),
            )
            for _ in range(rng.randrange(4)):
                day = today - timedelta(days=rng.randrange(50))
                await db.execute(
                    "INSERT INTO visits (child_id, kind, visit_date, author_id, pairing_id, created_at)"
                    " VALUES (?, 'home_visit', ?, 1, ?, ?)",
                    (child, day.isoformat(), pairing if rng.random() < 0.7 else None, stamp),
                )
        if rng.random() < 0.8:
            weekly = rng.random() < 0.5
            start = today - timedelta(days=rng.randrange(60))
            await db.execute(
                "INSERT INTO family_call_plans (child_id, rhythm, weekday, interval_days, at_time, start_date, active,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, '20:00', ?, ?, ?, ?)",
                (child, "weekly" if weekly else "interval", rng.randrange(7) if weekly else None,
                 None if weekly else rng.randrange(1, 10), start.isoformat(), int(rng.random() < 0.9), stamp, stamp),
            )  # fmt: skip
        for _ in range(rng.choice((0, 0, 1, 2, 3)) if enrolment else 0):  # besides the registration's "enrolled"
            await db.execute(
                "INSERT INTO enrolment_events (child_id, status, effective_date, recorded_at) VALUES (?, ?, ?, ?)",
                (child, rng.choice(("enrolled", "enrolled", "dropped_out", "transferred", "graduated")),
                 _term_day(rng).isoformat(), stamp),
            )  # fmt: skip
        for _ in range(rng.randrange(6)):
            if rng.random() < 0.5:  # on a week boundary of one of the checked days
                slot = _edge(rng, rng.choice(DAYS) - timedelta(days=7 * rng.randrange(5) - 1))
            else:
                slot = _moment(rng, today - timedelta(days=rng.randrange(30)))
            for _ in range(rng.choice((1, 1, 2))):  # two parents may both confirm the same slot
                await db.execute(
                    "INSERT INTO family_call_answers (child_id, user_id, slot, outcome, at) VALUES (?, 1, ?, ?, ?)",
                    (child, slot, rng.choice(("called", "called", "no_answer")), stamp),
                )


TERMS = (
    (date(2025, 9, 1), date(2026, 1, 31)),
    (date(2026, 2, 1), date(2026, 7, 31)),
    (date(2025, 12, 31), date(2026, 1, 1)),
)


def _term_day(rng: random.Random) -> date:
    """A date on, or a day either side of, one of the terms' first days (where "enrolled at the start" turns)."""
    start, _ = rng.choice(TERMS)
    return start + timedelta(days=rng.choice((-1, 0, 0, 1, -30)))


def _reference_agreed(scope: Scope, weeks: list[tuple[date, date]]) -> tuple[str, dict[str, Any]]:
    """The per-plan SQL that 0006 replaced with a grouped one."""
    plans, params = scopes.child_filter(scope, "f.child_id")
    sums = []
    for n, (start, end) in enumerate(weeks):
        params[f"s{n}"], params[f"e{n}"] = start.isoformat(), end.isoformat()
        for i in range(7):
            day = start + timedelta(days=i)
            params[f"w{n}d{day.weekday()}"] = day.isoformat()
        weekday = "CASE f.weekday " + " ".join(f"WHEN {d} THEN :w{n}d{d}" for d in range(7)) + " END"
        first = f"MAX(julianday(:s{n}), julianday(f.start_date)) - julianday(f.start_date)"
        last = f"julianday(:e{n}) - julianday(f.start_date)"
        sums.append(
            f"COALESCE(SUM(CASE WHEN f.rhythm = 'weekly' THEN {weekday} >= f.start_date WHEN {last} < 0 THEN 0"
            f" ELSE CAST({last} AS INTEGER) / f.interval_days"
            f" - (CAST({first} AS INTEGER) + f.interval_days - 1) / f.interval_days + 1 END), 0)"
        )
    return f"SELECT {', '.join(sums)} FROM family_call_plans f WHERE f.active = 1 AND {plans}", params


async def _reference(db: Database, scope: Scope, today: date) -> dict[str, Any]:
    window = store.CareWindow(today - timedelta(days=29), today, LOCAL)
    pairs, named = scopes.child_filter(scope, "p.child_id")
    overdue = await db.fetchval(
        "SELECT COUNT(*) FROM pairings p WHERE p.ended_at IS NULL AND "
        + pairs
        + " AND "
        + store._OVERDUE_PAIRING.replace("po.", "p."),
        {"end": window.end_iso, "local": LOCAL, **named},
    )
    children, named = scopes.child_filter(scope)
    no_consent = await db.fetchval(
        f"SELECT COUNT(*) FROM children ch WHERE {children} AND {store.LIST_CONDITIONS['ncs']}", named
    )
    weeks = [(today - timedelta(days=7 * n), today - timedelta(days=7 * n - 6)) for n in range(4, 0, -1)]
    sql, params = _reference_agreed(scope, weeks)
    agreed = await db.fetchone(sql, params)
    assert agreed is not None
    answers, named = scopes.child_filter(scope, "a.child_id")
    rows = await db.fetchall(
        "SELECT CAST((julianday(date(a.slot, :local)) - :first_day) / 7 AS INTEGER) AS week, COUNT(*) AS n"
        " FROM (SELECT DISTINCT a.child_id, a.slot FROM family_call_answers a"
        f" WHERE {answers} AND a.outcome = 'called' AND a.slot >= :from_at AND a.slot < :to_at) a GROUP BY week",
        {
            **named,
            "local": LOCAL,
            "first_day": weeks[0][0].toordinal() + 1721424.5,
            "from_at": scopes.utc_bound(weeks[0][0], LOCAL),
            "to_at": scopes.utc_bound(weeks[-1][1], LOCAL, 1),
        },
    )
    confirmed = {int(r["week"]): int(r["n"]) for r in rows}
    children, named = scopes.child_filter(scope)
    grades = await db.fetchall(
        "SELECT c.grade_id, SUM(ch.parents_away = 'father'), SUM(ch.parents_away = 'mother'),"
        " SUM(ch.parents_away = 'both') FROM children ch JOIN classes c ON c.id = ch.class_id"
        f" WHERE {children} GROUP BY c.grade_id ORDER BY 1",
        named,
    )
    boarding = await db.fetchone(
        "SELECT COALESCE(SUM(ch.boarding = 'requested'), 0), COALESCE(SUM(ch.boarding = 'yes'), 0)"
        f" FROM children ch WHERE {children}",
        named,
    )
    assert boarding is not None
    enrolled = []
    for start, _ in TERMS:
        enrolled.append(
            await db.fetchval(
                f"SELECT COUNT(*) FROM children ch WHERE {children} AND (SELECT e.status FROM enrolment_events e"
                " WHERE e.child_id = ch.id"
                " AND (e.effective_date < :start OR (e.effective_date = :start AND e.status = 'enrolled'))"
                " ORDER BY e.effective_date DESC, e.id DESC LIMIT 1) = 'enrolled'",
                {"start": start.isoformat(), **named},
            )
        )
    return {
        "by_grade": [tuple(r) for r in grades],
        "boarding": tuple(boarding),
        "enrolled": enrolled,
        "overdue": int(overdue),
        "no_consent": int(no_consent),
        "weeks": [(start, int(agreed[n]), confirmed.get(n, 0)) for n, (start, _) in enumerate(weeks)],
    }


# The county's whole-table fast paths, a school's filtered ones, its grades and its classes.
SCOPES = [Scope("county"), Scope("school", 1), Scope("grade", 1, 1), Scope("grade", 2, 1)]
SCOPES += [Scope("class", c) for c in (11, 12, 21, 22)]


async def _assert_fast_equals_reference(db: Database) -> None:
    for today in DAYS:
        window = store.CareWindow(today - timedelta(days=29), today, LOCAL)
        weeks = [(today - timedelta(days=7 * n), today - timedelta(days=7 * n - 6)) for n in range(4, 0, -1)]
        for scope in SCOPES:
            expected = await _reference(db, scope, today)
            figures = await store.visit_figures(db, scope, window)
            summary = await store.summary(db, scope)
            got = {
                "by_grade": [(g.grade_id, g.father, g.mother, g.both) for g in summary.by_grade],
                "boarding": (summary.boarding_requested, summary.boarding_yes),
                "enrolled": [
                    (await store.term_figures(db, scope, start, end, LOCAL))["enrolled_at_start"]
                    for start, end in TERMS
                ],
                "overdue": figures["overdue"],
                "no_consent": summary.no_consent,
                "weeks": await store.call_weeks(db, scope, weeks, LOCAL),
            }
            assert got == expected, (scope, today)
            # The overdue figure and the overdue list (the per-child SQL over the visits) agree.
            _, listed = await store.attention_list(db, scope, "ovd", limit=1, offset=0, window=window)
            assert listed == figures["overdue"]


async def _change_at_random(db: Database, seed: int) -> None:
    """Updates and deletions of every kind the triggers of 0007 follow, and two erasures."""
    rng = random.Random(seed)
    stamp = to_db(datetime(2026, 2, 1, tzinfo=UTC))

    async def ids(sql: str) -> list[int]:
        return [r[0] for r in await db.fetchall(sql)]

    for child in rng.sample(await ids("SELECT id FROM children"), 10):
        await db.execute(
            "UPDATE children SET class_id = ?, parents_away = ?, boarding = ? WHERE id = ?",
            (rng.choice((11, 12, 21, 22)), rng.choice(("father", "mother", "both")),
             rng.choice(("no", "requested", "yes")), child),
        )  # fmt: skip
    for visit in rng.sample(await ids("SELECT id FROM visits"), 8):
        await db.execute("DELETE FROM visits WHERE id = ?", (visit,))
    for visit in rng.sample(await ids("SELECT id FROM visits"), 8):
        day = date(2026, 3, 2) - timedelta(days=rng.randrange(40))
        await db.execute("UPDATE visits SET visit_date = ? WHERE id = ?", (day.isoformat(), visit))
    for child in rng.sample(await ids("SELECT child_id FROM pairings WHERE ended_at IS NULL"), 5):
        await db.execute("UPDATE pairings SET ended_at = ? WHERE child_id = ? AND ended_at IS NULL", (stamp, child))
        if rng.random() < 0.6:
            await db.execute(
                "INSERT INTO pairings (mentor_id, child_id, cadence_days, started_at) VALUES (1, ?, ?, ?)",
                (child, rng.choice((3, 7, 30)), _edge(rng, rng.choice(DAYS) - timedelta(days=7))),
            )
    # A pairing ended by mistake is made active again (visits happened meanwhile).
    reopened = await ids(
        "SELECT MAX(p.id) FROM pairings p WHERE p.ended_at IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM pairings a WHERE a.child_id = p.child_id AND a.ended_at IS NULL) GROUP BY p.child_id"
    )
    for pairing in reopened[:2]:
        await db.execute(
            "INSERT INTO visits (child_id, kind, visit_date, author_id, created_at)"
            " SELECT child_id, 'phone_call', '2026-02-27', 1, ? FROM pairings WHERE id = ?",
            (stamp, pairing),
        )
        await db.execute("UPDATE pairings SET ended_at = NULL WHERE id = ?", (pairing,))
    assert reopened
    for event in rng.sample(await ids("SELECT id FROM enrolment_events"), 8):
        await db.execute("DELETE FROM enrolment_events WHERE id = ?", (event,))
    for event in rng.sample(await ids("SELECT id FROM enrolment_events"), 8):
        await db.execute(
            "UPDATE enrolment_events SET effective_date = ? WHERE id = ?", (_term_day(rng).isoformat(), event)
        )
    for answer in rng.sample(await ids("SELECT id FROM family_call_answers WHERE outcome = 'called'"), 6):
        await db.execute("DELETE FROM family_call_answers WHERE id = ?", (answer,))
    for answer in rng.sample(await ids("SELECT id FROM family_call_answers"), 6):
        await db.execute(
            "UPDATE family_call_answers SET outcome = ? WHERE id = ?", (rng.choice(("called", "no_answer")), answer)
        )
    for child in rng.sample(await ids("SELECT id FROM children"), 2):
        async with db.transaction():
            await erase_child(db, child)
        assert await rows_mentioning_child(db, child) == {}


async def test_fast_figures_equal_the_straightforward_sql(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "speed.db")
    try:
        await _random_school(db, seed=5)
        await _assert_fast_equals_reference(db)
        # The figures are not vacuous.
        school = await _reference(db, Scope("school", 1), date(2026, 3, 2))
        assert school["overdue"] > 0 and school["no_consent"] > 0
        assert any(a for _, a, _ in school["weeks"]) and any(c for _, _, c in school["weeks"])
        assert len(set(school["enrolled"])) > 1  # the terms' starts see different enrolments
    finally:
        await db.close()


async def test_summaries_follow_updates_deletions_and_erasure(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "changed.db")
    try:
        await _random_school(db, seed=11)
        for seed in (1, 2):
            await _change_at_random(db, seed)
            await _assert_fast_equals_reference(db)
    finally:
        await db.close()


async def test_summaries_are_built_for_an_existing_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A school upgrading with records already kept: 0007 builds its summaries from them."""
    path = tmp_path / "upgrade.db"
    every_migration = db_module.migration_files()
    monkeypatch.setattr(db_module, "migration_files", lambda: [m for m in every_migration if m[0] < "0007"])
    db = await Database.open(path)
    await _random_school(db, seed=3, enrolment=False, schools=False)
    await db.close()
    monkeypatch.setattr(db_module, "migration_files", lambda: every_migration)
    db = await Database.open(path)
    try:
        assert await db.fetchval("SELECT COUNT(*) FROM class_tallies") > 0
        await _assert_fast_equals_reference(db)
    finally:
        await db.close()


async def test_overdue_with_a_cadence_that_appears_only_in_sql(tmp_path: Path) -> None:
    """No active pairing in the scope: the count falls back to the SQL arithmetic (and is 0, not an error)."""
    db = await Database.open(tmp_path / "empty.db")
    try:
        window = store.CareWindow(date(2026, 2, 1), date(2026, 3, 2), LOCAL)
        assert (await store.visit_figures(db, Scope("school", 1), window))["overdue"] == 0
    finally:
        await db.close()
