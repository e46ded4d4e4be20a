"""Care reads at county scale (not part of the test suite).

A synthetic county of 50,000 children with 1,000,000 check-ins and visits (bench/county.py):
1. The /mychildren care line for one page (40 children: mentor, last check-in, last visit, overdue).
   Goal: p95 under 50 ms.
2. One page of a child's timeline (every care table of one child, newest first). Goal: p95 under 50 ms.
3. flagged_checkins for an admin (the concerns feature's list). Goal: p95 under 100 ms.

Run: .venv/bin/python -m bench.bench_care [--children 50000] [--records 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from pathlib import Path

from bench.county import NOW, open_county, percentile, temp_folder
from bot.domain.roles import Actor
from bot.services import Services
from bot.services import care as care_service

ROUNDS = 200


async def main(children: int, records: int) -> None:
    rng = random.Random(3)
    admin = Actor(user_id=1, admin_schools=frozenset({1}), staff_schools=frozenset({1}))
    with temp_folder() as folder:
        config, db, counts, built = await open_county(Path(folder), children=children, care_records=records, schools=1)
        print(f"built {counts} in {built:.1f} s")
        services = Services(config=config, db=db, clock=lambda: NOW)
        ids = [row["id"] for row in await db.fetchall("SELECT id FROM children")]

        samples = []
        for _ in range(ROUNDS):
            page = rng.sample(ids, 40)
            started = time.perf_counter()
            summaries = await care_service.summaries(services, page)
            [care_service.overdue(services, s) for s in summaries.values()]
            samples.append(time.perf_counter() - started)
        print(f"/mychildren care line, 40 children: p50 {percentile(samples, 0.5) * 1000:.1f} ms,"
              f" p95 {percentile(samples, 0.95) * 1000:.1f} ms (goal p95 < 50 ms)")  # fmt: skip

        samples = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            await care_service.timeline(services, admin, rng.choice(ids), limit=8, offset=0)
            samples.append(time.perf_counter() - started)
        print(f"timeline page: p50 {percentile(samples, 0.5) * 1000:.1f} ms,"
              f" p95 {percentile(samples, 0.95) * 1000:.1f} ms (goal p95 < 50 ms)")  # fmt: skip

        samples = []
        for _ in range(ROUNDS // 4):
            started = time.perf_counter()
            await care_service.flagged_checkins(services, admin, limit=50)
            samples.append(time.perf_counter() - started)
        print(f"flagged check-ins (admin, 50): p50 {percentile(samples, 0.5) * 1000:.1f} ms,"
              f" p95 {percentile(samples, 0.95) * 1000:.1f} ms (goal p95 < 100 ms)")  # fmt: skip
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    asyncio.run(main(args.children, args.records))
