"""The leadership group's figures, each a single SQL aggregate over a scope (school, grade or class)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.stats import Scope, Term
from bot.storage.consent import consented_child_filter_sql
from bot.storage.db import Database
from bot.storage.scopes import CHILDREN_FROM, child_filter, utc_bound

# Each condition is written exactly as the partial indexes of 0004_reporting.sql, so SQLite uses them.
_NO_NAME = "COALESCE(ch.guardian_name, '') = ''"
_NO_PHONE = "COALESCE(ch.guardian_phone, '') = ''"
# "No reachable guardian": no second guardian's phone on the card, and no bound guardian account that
# Telegram has not reported as unreachable.
_NO_ACCOUNT = (
    "NOT EXISTS (SELECT 1 FROM guardians gd JOIN users u ON u.id = gd.user_id"
    " WHERE gd.child_id = ch.id AND gd.unbound_at IS NULL AND u.status = 'active')"
)
# Guardian consent: until it is recorded, /stats lists the child so the school can collect it.
_NO_CONSENT = "NOT " + consented_child_filter_sql("ch.id")
_UNPAIRED = "NOT EXISTS (SELECT 1 FROM pairings p WHERE p.child_id = ch.id AND p.ended_at IS NULL)"

# Lists of children that need action, by short code (used in callback data).
LIST_CONDITIONS: dict[str, str] = {
    "nog": _NO_NAME,
    "unr": f"{_NO_PHONE} AND {_NO_ACCOUNT}",
    "nom": _UNPAIRED,
    "ncs": _NO_CONSENT,
}


@dataclass(frozen=True)
class GradeRow:
    grade_id: int
    grade_name: str
    father: int
    mother: int
    both: int

    @property
    def total(self) -> int:
        return self.father + self.mother + self.both


@dataclass
class ChildCounts:
    """Children of a scope by which parents are away (father, mother, both), and those with no designated or no
    reachable guardian: counts only, never a name."""

    father: int = 0
    mother: int = 0
    both: int = 0
    no_designated: int = 0
    unreachable: int = 0

    @property
    def total(self) -> int:
        return self.father + self.mother + self.both


@dataclass
class Summary(ChildCounts):
    """Every figure of /stats for one scope. Care figures stay None while their tables do not exist."""

    paired: int = 0
    no_consent: int = 0
    boarding_requested: int = 0
    boarding_yes: int = 0
    by_grade: list[GradeRow] = field(default_factory=list)
    care: dict[str, int] = field(default_factory=dict)
    weekly_calls: list[tuple[date, int, int]] = field(default_factory=list)  # (week start, agreed, confirmed)
    term: Term | None = None  # the term of the enrolment, dropout and boarding-request figures
    read_rates: list[tuple[str, int, int]] = field(default_factory=list)  # (class, weekly updates sent, read)
    activity_months: list[tuple[str, int]] = field(default_factory=list)  # (YYYY-MM, care activities) this term

    @property
    def no_mentor(self) -> int:
        return self.total - self.paired


async def _count(db: Database, scope: Scope, condition: str) -> int:
    where, params = child_filter(scope)
    return int(await db.fetchval(f"SELECT COUNT(*) FROM children ch WHERE {where} AND {condition}", params))


async def _consented(db: Database, scope: Scope) -> int:
    """Children of the scope whose consent is recorded: a pass over the consents, not over every archive."""
    where, params = child_filter(scope)
    return int(
        await db.fetchval(
            f"SELECT COUNT(*) FROM consents cs JOIN children ch ON ch.id = cs.child_id WHERE {where}", params
        )
    )


async def summary(db: Database, scope: Scope) -> Summary:
    """The children figures of a scope: by kind, by grade, guardians, pairings, boarding.

    Each figure is one aggregate that an index answers (0004_reporting.sql) or a summary kept by triggers
    (0007_stats_summaries.sql); none reads every archive row.
    """
    _, params = child_filter(scope)
    # Per class from the tallies the triggers of 0007 keep, so no figure here counts archive rows one by one.
    tallies = {
        "county": "1 = 1",
        "school": "c.school_id = :scope_id",
        "grade": "c.grade_id = :scope_id AND c.school_id = :scope_school",
        "class": "x.class_id = :scope_id",
    }[scope.kind]
    grades = await db.fetchall(
        "SELECT g.id, g.name, SUM(x.father) AS father, SUM(x.mother) AS mother, SUM(x.both_away) AS both_away,"
        " SUM(x.boarding_requested) AS requested, SUM(x.boarding_yes) AS boarding FROM class_tallies x"
        f" JOIN classes c ON c.id = x.class_id JOIN grades g ON g.id = c.grade_id WHERE {tallies} GROUP BY g.id"
        " HAVING SUM(x.father + x.mother + x.both_away) > 0 ORDER BY g.sort_order, g.name",
        params,
    )
    by_grade = [GradeRow(r["id"], r["name"], r["father"], r["mother"], r["both_away"]) for r in grades]
    total = sum(g.total for g in by_grade)
    pairing_filter, pairing_params = child_filter(scope, "p.child_id")
    paired = await db.fetchval(
        f"SELECT COUNT(*) FROM pairings p WHERE p.ended_at IS NULL AND {pairing_filter}", pairing_params
    )
    return Summary(
        father=sum(g.father for g in by_grade),
        mother=sum(g.mother for g in by_grade),
        both=sum(g.both for g in by_grade),
        no_designated=await _count(db, scope, LIST_CONDITIONS["nog"]),
        unreachable=await _count(db, scope, LIST_CONDITIONS["unr"]),
        paired=int(paired),
        no_consent=total - await _consented(db, scope),
        boarding_requested=sum(r["requested"] for r in grades),
        boarding_yes=sum(r["boarding"] for r in grades),
        by_grade=by_grade,
    )


@dataclass(frozen=True)
class ListedChild:
    child_id: int
    name: str
    class_label: str
    detail: str = ""  # e.g. the date of the last visit, for the overdue list


async def attention_list(
    db: Database, scope: Scope, kind: str, *, limit: int, offset: int, window: CareWindow
) -> tuple[list[ListedChild], int]:
    """One page of the children of a scope that need action of `kind`, and how many there are."""
    condition = _OVERDUE if kind == "ovd" else LIST_CONDITIONS[kind]
    where, named = child_filter(scope)
    params: dict[str, Any] = {"end": window.end_iso, "local": window.local, **named} if kind == "ovd" else named
    clause = f" WHERE {where} AND {condition}"
    total = await db.fetchval("SELECT COUNT(*) FROM children ch" + clause, params)
    rows = await db.fetchall(
        "SELECT ch.id, ch.name, g.name || c.name AS label" + CHILDREN_FROM + clause + " ORDER BY g.sort_order, g.name,"
        " c.name, ch.name, ch.id LIMIT :limit OFFSET :offset",
        {**params, "limit": limit, "offset": offset},
    )
    return [ListedChild(r["id"], r["name"], r["label"]) for r in rows], int(total)


# --- care records (0002_care.sql) --------------------------------------------------------------------


@dataclass(frozen=True)
class CareWindow:
    """The local dates a figure covers, and the SQLite modifier that turns a stored UTC instant into local time."""

    start: date
    end: date
    local: str  # e.g. "+28800 seconds" for Asia/Shanghai

    @property
    def start_iso(self) -> str:
        return self.start.isoformat()

    @property
    def end_iso(self) -> str:
        return self.end.isoformat()


def local_modifier(tz: Any, moment: datetime) -> str:
    offset = moment.astimezone(tz).utcoffset()
    return f"{int(offset.total_seconds()) if offset else 0:+d} seconds"


# Overdue (as bot.domain.care.is_overdue): the latest contact of any kind on or after the pairing's start (or the
# start itself) plus the cadence is before today; that is, the start is before today - cadence and no contact
# happened since then.
_OVERDUE_PAIRING = (
    "date(po.started_at, :local) < date(:end, '-' || po.cadence_days || ' days')"
    " AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.child_id = po.child_id"
    " AND v.visit_date >= date(:end, '-' || po.cadence_days || ' days'))"
)
_OVERDUE = (
    f"EXISTS (SELECT 1 FROM pairings po WHERE po.child_id = ch.id AND po.ended_at IS NULL AND {_OVERDUE_PAIRING})"
)

# Visits due of a pairing in the window: the days it was active within it, divided by its cadence (whole
# visits). Most pairings span the whole window, so the date functions run only for those that do not.
_DUE = (
    "CAST(((CASE WHEN p.ended_at IS NULL THEN :end_day ELSE MIN(:end_day, julianday(date(p.ended_at, :local))) END)"
    " - (CASE WHEN p.started_at < :start_at THEN :start_day ELSE julianday(date(p.started_at, :local)) END) + 1)"
    " / p.cadence_days AS INTEGER)"
)


async def visit_figures(db: Database, scope: Scope, window: CareWindow) -> dict[str, int]:
    """Visits due and done in the window, overdue pairings today, check-ins (and worrying ones) in the window."""
    pairs, named = child_filter(scope, "p.child_id")
    params = {
        "start": window.start_iso,
        "end": window.end_iso,
        "local": window.local,
        "start_at": utc_bound(window.start, window.local),
        "end_at": utc_bound(window.end, window.local, 1),
        "start_day": _julian(window.start),
        "end_day": _julian(window.end),
        **named,
    }
    active = f"{pairs} AND (p.ended_at IS NULL OR p.ended_at >= :start_at) AND p.started_at < :end_at"
    # Done: visits recorded against each pairing in the window, counted up to what was due. For the school, the
    # window's visits grouped per pairing from a covering index (0006) joined to their pairings, due apart; for a
    # grade or class, due and done in one pass over its pairings, an index lookup per pairing.
    if scope.kind == "county":
        due = await db.fetchval(f"SELECT COALESCE(SUM(MAX({_DUE}, 0)), 0) FROM pairings p WHERE {active}", params)
        done = await db.fetchval(
            f"SELECT COALESCE(SUM(MIN(d.n, MAX({_DUE}, 0))), 0) FROM (SELECT v.pairing_id, COUNT(*) AS n FROM visits v"
            " WHERE v.pairing_id IS NOT NULL AND v.visit_date BETWEEN :start AND :end GROUP BY v.pairing_id) d"
            f" JOIN pairings p ON p.id = d.pairing_id WHERE {active}",
            params,
        )
    else:
        care = await db.fetchone(
            "SELECT COALESCE(SUM(x.due), 0) AS due, COALESCE(SUM(MIN(x.n, x.due)), 0) AS done FROM"
            f" (SELECT MAX({_DUE}, 0) AS due, (SELECT COUNT(*) FROM visits v WHERE v.pairing_id = p.id"
            f" AND v.visit_date BETWEEN :start AND :end) AS n FROM pairings p WHERE {active}) x",
            params,
        )
        assert care is not None
        due, done = care["due"], care["done"]
    # One active pairing per child (unique index), so counting pairings counts children, without a pass over them.
    overdue = await _overdue_count(db, pairs, params, window)
    visits_filter, _ = child_filter(scope, "v.child_id")
    # A grade: one pass over the window's check-ins (a covering index), keeping its children's; cheaper than a range
    # per child that reads each check-in's row for `worry`.
    plus = "+" if scope.kind == "grade" else ""
    visits = await db.fetchval(
        f"SELECT COUNT(*) FROM visits v WHERE {visits_filter} AND v.visit_date BETWEEN :start AND :end", params
    )
    checkins_filter, _ = child_filter(scope, f"{plus}k.child_id")
    checkins = await db.fetchone(
        "SELECT COUNT(*) AS n, COALESCE(SUM(k.worry), 0) AS worry FROM checkins k"
        f" WHERE {checkins_filter} AND k.at >= :start_at AND k.at < :end_at",
        params,
    )
    assert checkins is not None
    return _figures(
        visits_due=due, visits_done=done, visits_all=visits, overdue=overdue, checkins=checkins["n"],
        worries=checkins["worry"],
    )  # fmt: skip


async def _overdue_count(db: Database, pairs: str, params: dict[str, Any], window: CareWindow) -> int:
    """Active pairings of `pairs` overdue today."""
    condition, named = await overdue_condition(db, pairs, params, window)
    return int(await db.fetchval(f"SELECT COUNT(*) FROM pairings p WHERE {condition}", named))


async def overdue_condition(
    db: Database, pairs: str, params: dict[str, Any], window: CareWindow
) -> tuple[str, dict[str, Any]]:
    """Active pairings overdue today (as _OVERDUE_PAIRING), with the date arithmetic done once per distinct cadence
    in Python rather than per pairing in SQL: the cut-off day, and its local midnight as a stored UTC instant (a
    stored instant falls on a local day before the cut-off exactly when it is before that midnight). A cadence
    that appears between the two queries falls back to the SQL arithmetic, so the count stays exact. "No contact
    since the cut-off" reads the child's latest contact kept on the pairing (0007), not the visits."""
    cadences = [int(r[0]) for r in await db.fetchall(
        f"SELECT DISTINCT p.cadence_days FROM pairings p WHERE p.ended_at IS NULL AND {pairs}", params)]  # fmt: skip
    fallback = "date(:end, '-' || p.cadence_days || ' days')"
    named: dict[str, Any] = {**params, "utc": f"{-int(window.local.split()[0]):+d} seconds"}
    day_cases, at_cases = [], []
    for n, cadence in enumerate(cadences):
        try:
            day = window.end - timedelta(days=cadence)
        except OverflowError:  # a cadence of millennia: left to the SQL arithmetic
            continue
        named[f"c{n}"], named[f"d{n}"], named[f"a{n}"] = cadence, day.isoformat(), utc_bound(day, window.local)
        day_cases.append(f"WHEN :c{n} THEN :d{n}")
        at_cases.append(f"WHEN :c{n} THEN :a{n}")

    def cases(whens: list[str], otherwise: str) -> str:
        return f"CASE p.cadence_days {' '.join(whens)} ELSE {otherwise} END" if whens else otherwise

    cut_day = cases(day_cases, fallback)
    cut_at = cases(at_cases, f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {fallback}, :utc)")
    condition = (
        f"p.ended_at IS NULL AND {pairs} AND p.started_at < {cut_at} AND COALESCE(p.last_visit_date, '') < {cut_day}"
    )
    return condition, named


def _figures(**values: Any) -> dict[str, int]:
    """Figures by name, each of SQLite's numbers as a whole number."""
    return {name: int(value) for name, value in values.items()}


def _julian(day: date) -> float:
    """SQLite's julianday() of a date at midnight."""
    return day.toordinal() + 1721424.5


def _enrolled_before(alias: str) -> str:
    """The enrolment event `alias` says "enrolled" and is the one in force as day :start begins."""
    return (
        f"{alias}.status = 'enrolled' AND {alias}.effective_date < :start"
        f" AND ({alias}.next_effective_date IS NULL OR {alias}.next_effective_date >= :start)"
    )


async def term_figures(db: Database, scope: Scope, start: date, end: date, local: str) -> dict[str, int]:
    """Enrolment and dropout for a term, and boarding requests and grants in it (0002_care.sql's definitions).

    Enrolled at the start: the status as the first day begins, so a child who leaves on the first day counts as
    enrolled at the start and as a dropout of the term (the rate can never exceed 100%)."""
    _, named = child_filter(scope)
    params = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "from_at": utc_bound(start, local),
        "to_at": utc_bound(end, local, 1),
        **named,
    }
    # The status as the first day begins: the latest event before it, or an "enrolled" on that day. For the county
    # and a school, the events in force (each knows its successor's date, 0007) counted over one index range, plus
    # children enrolled on the day itself not already counted; for a grade or class, a lookup per child is cheaper.
    # The term's dropouts and the boarding requests are few: for a grade, one pass over them keeping its children's
    # ("+" keeps SQLite from looking them up child by child); for a class, the lookup per child.
    # A school counts its own enrolment events (where each happened), so a child who moved on still counts in the
    # old school's term up to the transfer; a grade or class counts the children it holds now.
    plus = "+" if scope.kind == "grade" else ""
    events, _ = child_filter(scope, f"{plus}e.child_id")
    if scope.kind == "school":
        events = "e.school_id = :scope_id"
    if scope.kind in ("county", "school"):
        here = "1 = 1" if scope.kind == "county" else "e.school_id = :scope_id"
        enrolled = await db.fetchval(
            f"SELECT (SELECT COUNT(*) FROM enrolment_events e WHERE {here} AND {_enrolled_before('e')})"
            " + (SELECT COUNT(DISTINCT e.child_id) FROM enrolment_events e"
            f" WHERE {here} AND e.status = 'enrolled' AND e.effective_date = :start AND NOT EXISTS (SELECT 1 FROM"
            f" enrolment_events prior WHERE prior.child_id = e.child_id AND {_enrolled_before('prior')}))",
            params,
        )
    else:
        children, _ = child_filter(scope)
        enrolled = await db.fetchval(
            f"SELECT COUNT(*) FROM children ch WHERE {children} AND (SELECT e.status FROM enrolment_events e"
            " WHERE e.child_id = ch.id"
            " AND (e.effective_date < :start OR (e.effective_date = :start AND e.status = 'enrolled'))"
            " ORDER BY e.effective_date DESC, e.id DESC LIMIT 1) = 'enrolled'",
            params,
        )
    dropped = await db.fetchval(
        f"SELECT COUNT(DISTINCT e.child_id) FROM enrolment_events e WHERE {events}"
        " AND e.status = 'dropped_out' AND e.effective_date BETWEEN :start AND :end",
        params,
    )
    requests, _ = child_filter(scope, f"{plus}b.child_id")
    boarding = await db.fetchone(
        "SELECT COALESCE(SUM(b.requested_at >= :from_at AND b.requested_at < :to_at), 0) AS requested,"
        " COALESCE(SUM(b.status = 'granted' AND b.decided_at >= :from_at AND b.decided_at < :to_at), 0) AS granted,"
        f" COALESCE(SUM(b.status = 'requested'), 0) AS open FROM boarding_requests b WHERE {requests}",
        params,
    )
    assert boarding is not None
    return _figures(
        enrolled_at_start=enrolled, dropped_out=dropped, boarding_requests=boarding["requested"],
        boarding_granted=boarding["granted"], boarding_open=boarding["open"],
    )  # fmt: skip


# --- family calls (0003_green_channel.sql) -----------------------------------------------------------


async def call_weeks(
    db: Database, scope: Scope, weeks: list[tuple[date, date]], local: str
) -> list[tuple[date, int, int]]:
    """(week start, calls agreed, calls confirmed) for consecutive 7-day weeks, in two queries whatever their number.

    Agreed: the slots of the active plans that fall in the week (weekly: its weekday; every n days: the dates
    n days apart from the plan's start). Confirmed: distinct slots of the week a parent answered "called"."""
    plans, named = child_filter(scope, "f.child_id")
    answers, _ = child_filter(scope, "a.child_id")
    params: dict[str, Any] = dict(named)
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
            f"COALESCE(SUM(f.n * CASE WHEN f.rhythm = 'weekly' THEN {weekday} >= f.start_date WHEN {last} < 0 THEN 0"
            f" ELSE CAST({last} AS INTEGER) / f.interval_days"
            f" - (CAST({first} AS INTEGER) + f.interval_days - 1) / f.interval_days + 1 END), 0)"
        )
    # The plans grouped by what decides their slots (an index answers it), each group's slots counted once.
    agreed = await db.fetchone(
        f"SELECT {', '.join(sums)} FROM (SELECT f.rhythm, f.weekday, f.interval_days, f.start_date, COUNT(*) AS n"
        f" FROM family_call_plans f WHERE f.active = 1 AND {plans}"
        " GROUP BY f.rhythm, f.weekday, f.interval_days, f.start_date) f",
        params,
    )
    assert agreed is not None
    # Confirmed: (slot, child) answered "called", each once (call_confirmations, 0007), weeks bounded by local
    # midnights as stored UTC instants. The school: one index range per week; a grade or class: its children's
    # confirmations of the four weeks, by week.
    bounds: dict[str, Any] = dict(named)
    for n, (start, end) in enumerate(weeks):
        bounds[f"f{n}"], bounds[f"t{n}"] = utc_bound(start, local), utc_bound(end, local, 1)
    if scope.kind == "county":
        counts = [
            f"(SELECT COUNT(*) FROM call_confirmations a WHERE a.slot >= :f{n} AND a.slot < :t{n})"
            for n in range(len(weeks))
        ]
        row = await db.fetchone(f"SELECT {', '.join(counts)}", bounds)
        assert row is not None
        confirmed = {n: int(row[n]) for n in range(len(weeks))}
    else:
        week = " ".join(f"WHEN a.slot < :t{n} THEN {n}" for n in range(len(weeks)))
        rows = await db.fetchall(
            f"SELECT CASE {week} END AS week, COUNT(*) AS n FROM call_confirmations a WHERE {answers}"
            f" AND a.slot >= :f0 AND a.slot < :t{len(weeks) - 1} GROUP BY week",
            bounds,
        )
        confirmed = {int(r["week"]): int(r["n"]) for r in rows}
    return [(start, int(agreed[n]), confirmed.get(n, 0)) for n, (start, _) in enumerate(weeks)]
