"""/stats on a synthetic county database (50,000 children, 1,000,000 care records): goal p95 under 200 ms.

Run: .venv/bin/python -m bench.bench_stats [--runs 30] [--keep FOLDER]
Times the service call behind /stats (every figure of a scope plus one page of a list), for the whole county,
one grade and one class, and the chart rendering. With --keep, the county is built once in FOLDER and reused by
later runs (the build takes minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from bench.county import NOW, open_county, percentile, temp_folder, write_config
from bot.domain.roles import Actor
from bot.domain.stats import Scope
from bot.services import Services
from bot.services import stats as stats_service
from bot.storage.db import Database
from bot.texts import Texts
from bot.views import stats as stats_view


async def main(runs: int, keep: Path | None, reuse: bool) -> None:
    with temp_folder() as scratch:
        folder = keep or Path(scratch)
        if reuse:
            config = write_config(folder)
            db = await Database.open(config.storage.database)
            print(f"reusing {config.storage.database}")
        else:
            config, db, counts, built = await open_county(folder)
            print(f"built {counts} in {built:.1f} s")
        services = Services(config=config, db=db, clock=lambda: NOW)
        admin = Actor(user_id=1, admin=True)
        texts = Texts("zh_CN")
        for label, scope in (("county", Scope("school")), ("grade", Scope("grade", 3)), ("class", Scope("class", 1))):
            samples, lists = [], []
            for _ in range(runs):
                started = time.perf_counter()
                _, data = await stats_service.summary(services, admin, scope)
                stats_view.figures(texts, data)
                await stats_service.drill_down(services, admin, scope)
                samples.append((time.perf_counter() - started) * 1000)
                for kind in ("nog", "unr", "nom"):
                    started = time.perf_counter()
                    await stats_service.attention(services, admin, scope, kind, page=1, page_size=30)
                    lists.append((time.perf_counter() - started) * 1000)
            print(
                f"/stats {label:6s}: p50 {percentile(samples, 0.5):7.1f} ms  p95 {percentile(samples, 0.95):7.1f} ms"
                f"  max {max(samples):7.1f} ms  ({runs} runs, {data.total} children)"
            )
            print(
                f"  list page {label:6s}: p50 {percentile(lists, 0.5):7.1f} ms  p95 {percentile(lists, 0.95):7.1f} ms"
            )
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            await stats_view.chart(services, admin, Scope("school"), texts)
            samples.append((time.perf_counter() - started) * 1000)
        print(f"chart county : p50 {percentile(samples, 0.5):7.1f} ms  max {max(samples):7.1f} ms (5 runs)")
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", help="build the county in this folder once, and reuse it")
    arguments = parser.parse_args()
    keep = Path(arguments.keep) if arguments.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(arguments.runs, keep, reuse=bool(keep and (keep / "county.db").exists())))
