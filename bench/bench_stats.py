"""/stats on a synthetic county (100 schools, 50,000 children, 1,000,000 care records).

Goals: the county's figures p95 under 200 ms, a school's under 50 ms.

Run: .venv/bin/python -m bench.bench_stats [--runs 30] [--schools 100] [--children 50000] [--care 1000000]
     [--keep FOLDER] [--plan]
Times the service call behind /stats (`services.stats.summary`, every figure of a scope, plus the drill-down
buttons), as the county office for the county and as each school's admin for their school, one grade and one
class; then one page of a list and the chart. With --keep, the county is built once in FOLDER and reused by later
runs (the build takes minutes); --plan prints the query plans of the county's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from bench.county import COUNTY_OFFICE, NOW, open_county, percentile, school_admin, temp_folder, write_config
from bot.domain.roles import Actor
from bot.domain.stats import COUNTY, Scope, school_scope
from bot.services import Services
from bot.services import people as people_service
from bot.services import stats as stats_service
from bot.storage.db import Database
from bot.texts import Texts
from bot.views import stats as stats_view


async def _time_summary(services: Services, texts: Texts, cases: list[tuple[Actor, Scope]]) -> tuple[list[float], int]:
    samples = []
    total = 0
    for actor, scope in cases:
        started = time.perf_counter()
        _, data = await stats_service.summary(services, actor, scope)
        stats_view.figures(texts, data)
        await stats_service.drill_down(services, actor, scope)
        samples.append((time.perf_counter() - started) * 1000)
        total = data.total
    return samples, total


def _line(label: str, samples: list[float], extra: str = "") -> str:
    return (
        f"/stats {label:7s}: p50 {percentile(samples, 0.5):7.1f} ms  p95 {percentile(samples, 0.95):7.1f} ms"
        f"  max {max(samples):7.1f} ms  ({len(samples)} runs{extra})"
    )


async def main(runs: int, schools: int, children: int, care: int, keep: Path | None, reuse: bool, plan: bool) -> None:
    with temp_folder() as scratch:
        folder = keep or Path(scratch)
        if reuse:
            config = write_config(folder)
            db = await Database.open(config.storage.database)
            print(f"reusing {config.storage.database}")
        else:
            config, db, counts, built = await open_county(folder, schools=schools, children=children, care_records=care)
            print(f"built {counts} in {built:.1f} s")
        services = Services(config=config, db=db, clock=lambda: NOW)
        texts = Texts("zh_CN")
        schools = int(await db.fetchval("SELECT COUNT(*) FROM schools"))
        office = await people_service.load_actor(services, COUNTY_OFFICE)
        admins = [await people_service.load_actor(services, school_admin(s)) for s in range(1, schools + 1)]
        samples, total = await _time_summary(services, texts, [(office, COUNTY)] * runs)
        print(_line("county", samples, f", {total} children"))
        # What the county office's /stats shows: every school's line side by side, small counts hidden.
        tables = []
        for _ in range(runs):
            started = time.perf_counter()
            await stats_service.county_figures(services, office, COUNTY)
            tables.append((time.perf_counter() - started) * 1000)
        print(_line("table", tables, " — the county office's table, every school side by side"))
        # Every school in turn, each by its own admin: a school's figures are the ones its admin asks for.
        cases = [(admins[n % schools], school_scope(n % schools + 1)) for n in range(max(runs, schools))]
        samples, total = await _time_summary(services, texts, cases)
        print(_line("school", samples, f", {total} children in the last"))
        samples, _ = await _time_summary(services, texts, [(office, school_scope(1))] * runs)
        print(_line("school*", samples, " — a school's figures read by the county office"))
        grade = Scope("grade", 3, 1)
        samples, total = await _time_summary(services, texts, [(admins[0], grade)] * runs)
        print(_line("grade", samples, f", {total} children"))
        first_class = int(await db.fetchval("SELECT MIN(id) FROM classes WHERE school_id = 1"))
        samples, total = await _time_summary(services, texts, [(admins[0], Scope("class", first_class))] * runs)
        print(_line("class", samples, f", {total} children"))
        lists = []
        for _ in range(runs):
            for kind in ("nog", "unr", "nom"):
                started = time.perf_counter()
                await stats_service.attention(services, admins[0], school_scope(1), kind, page=0, page_size=30)
                lists.append((time.perf_counter() - started) * 1000)
        print(f"  list page school: p50 {percentile(lists, 0.5):7.1f} ms  p95 {percentile(lists, 0.95):7.1f} ms")
        charts = []
        for _ in range(5):
            started = time.perf_counter()
            await stats_view.chart(services, office, COUNTY, texts)
            charts.append((time.perf_counter() - started) * 1000)
        print(f"chart county : p50 {percentile(charts, 0.5):7.1f} ms  max {max(charts):7.1f} ms (5 runs)")
        if plan:
            await _plans(db)
        await db.close()


async def _plans(db: Database) -> None:
    """The query plans of the figures a school's /stats reads most (for finding a missing index)."""
    for sql in (
        "SELECT COUNT(*) FROM children ch JOIN classes c ON c.id = ch.class_id WHERE c.school_id = 1"
        " AND COALESCE(ch.guardian_name, '') = ''",
        "SELECT COUNT(*) FROM pairings p WHERE p.ended_at IS NULL"
        " AND p.child_id IN (SELECT ch.id FROM children ch JOIN classes c ON c.id = ch.class_id WHERE c.school_id = 1)",
    ):
        print(sql)
        for row in await db.fetchall("EXPLAIN QUERY PLAN " + sql):
            print("   ", row[3])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--care", type=int, default=1_000_000, help="check-ins and visits over the year")
    parser.add_argument("--keep", help="build the county in this folder once, and reuse it")
    parser.add_argument("--plan", action="store_true", help="print the query plans of a school's figures")
    arguments = parser.parse_args()
    keep = Path(arguments.keep) if arguments.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    reuse = bool(keep and (keep / "county.db").exists())
    asyncio.run(
        main(arguments.runs, arguments.schools, arguments.children, arguments.care, keep, reuse, arguments.plan)
    )
