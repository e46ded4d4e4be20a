"""The county's table: every school's figures side by side, one grouped aggregate per figure (counts only;
the small-count rule is the service's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.storage.db import Database
from bot.storage.stats import LIST_CONDITIONS, CareWindow, ChildCounts, overdue_condition


@dataclass(kw_only=True)
class SchoolFigures(ChildCounts):
    """One school's line of the county's table (or the county's total): counts only, never a name."""

    school_id: int
    name: str
    overdue: int = 0
    dropped_out: int = 0
    concerns: list[int] = field(default_factory=list)  # open concerns, by age band


async def county_table(
    db: Database, *, school_id: int | None, window: CareWindow, term_start: date, term_end: date, bands: list[date]
) -> list[SchoolFigures]:
    """Each school's figures (every school, or the one `school_id`), a grouped aggregate per figure: children by
    kind (the tallies of 0007), no designated guardian and unreachable ones (the partial indexes of 0004), overdue
    pairings, the term's dropouts at the school (its own enrolment events), open concerns by the age band their
    child is in today (`bands`: the latest birth date of each band after the first, oldest band first)."""
    one = school_id is not None
    params: dict[str, Any] = {"school": school_id, "start": term_start.isoformat(), "end": term_end.isoformat()}
    where = "c.school_id = :school" if one else "1 = 1"
    schools = await db.fetchall(
        "SELECT id, name FROM schools" + (" WHERE id = :school" if one else "") + " ORDER BY township, name, id", params
    )
    found = {
        s["id"]: SchoolFigures(school_id=s["id"], name=s["name"], concerns=[0] * (len(bands) + 1)) for s in schools
    }

    async def per_school(sql: str, named: dict[str, Any], put: Callable[[SchoolFigures, Any], None]) -> None:
        """Each row of `sql` (its school as `s`) put into that school's line (a school not asked for is left out)."""
        for row in await db.fetchall(sql, named):
            if row["s"] in found:
                put(found[row["s"]], row)

    def kinds(line: SchoolFigures, row: Any) -> None:
        line.father, line.mother, line.both = int(row["father"]), int(row["mother"]), int(row["both_away"])

    def count(name: str) -> Callable[[SchoolFigures, Any], None]:
        return lambda line, row: setattr(line, name, int(row["n"]))

    def by_band(line: SchoolFigures, row: Any) -> None:
        line.concerns[int(row["band"])] += int(row["n"])

    await per_school(
        "SELECT c.school_id AS s, SUM(x.father) AS father, SUM(x.mother) AS mother, SUM(x.both_away) AS both_away"
        f" FROM class_tallies x JOIN classes c ON c.id = x.class_id WHERE {where} GROUP BY c.school_id",
        params,
        kinds,
    )
    for name, condition in (("no_designated", LIST_CONDITIONS["nog"]), ("unreachable", LIST_CONDITIONS["unr"])):
        await per_school(
            f"SELECT c.school_id AS s, COUNT(*) AS n FROM children ch JOIN classes c ON c.id = ch.class_id"
            f" WHERE {where} AND {condition} GROUP BY c.school_id",
            params,
            count(name),
        )
    overdue, named = await overdue_condition(db, "1 = 1", {"end": window.end_iso, "local": window.local}, window)
    await per_school(
        "SELECT c.school_id AS s, COUNT(*) AS n FROM pairings p JOIN children ch ON ch.id = p.child_id"
        f" JOIN classes c ON c.id = ch.class_id WHERE {where} AND {overdue} GROUP BY c.school_id",
        {**named, **params},
        count("overdue"),
    )
    await per_school(
        "SELECT e.school_id AS s, COUNT(DISTINCT e.child_id) AS n FROM enrolment_events e WHERE"
        + (" e.school_id = :school AND" if one else "")
        + " e.status = 'dropped_out' AND e.effective_date BETWEEN :start AND :end GROUP BY e.school_id",
        params,
        count("dropped_out"),
    )
    ages = {f"b{n}": day.isoformat() for n, day in enumerate(bands)}
    band = "CASE " + " ".join(f"WHEN ch.birth_date <= :b{n} THEN {len(bands) - n}" for n in range(len(bands)))
    band += " ELSE 0 END"
    await per_school(
        f"SELECT c.school_id AS s, {band} AS band, COUNT(*) AS n FROM concerns k JOIN children ch ON ch.id = k.child_id"
        f" JOIN classes c ON c.id = ch.class_id WHERE {where} AND k.status != 'closed' GROUP BY c.school_id, band",
        {**params, **ages},
        by_band,
    )
    return list(found.values())
