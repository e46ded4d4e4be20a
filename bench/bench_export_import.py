"""Export of 5,000 children (goal under 10 s) and import of 5,000 rows (goal under 10 s).

Run: .venv/bin/python -m bench.bench_export_import
The export is the whole /export path behind the button (figures, roster, workbook, audit rows); the import is the
check (parse + validate + stage) and the confirmation (one transaction), into a database with the same classes.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench.county import NOW, open_county, temp_folder, write_config
from bot.domain.roles import Actor
from bot.domain.stats import last_days, school_scope
from bot.services import Services
from bot.services import stats as stats_service
from bot.storage.db import Database
from bot.texts import Texts
from bot.views import WorkbookWords
from bot.views import stats as stats_view

CHILDREN = 5_000


async def main() -> None:
    texts = Texts("zh_CN")
    admin = Actor(user_id=1, admin_schools=frozenset({1}), staff_schools=frozenset({1}))
    with temp_folder() as folder:
        config, db, counts, built = await open_county(Path(folder), children=CHILDREN, care_records=100_000, schools=1)
        print(f"built {counts} in {built:.1f} s")
        services = Services(config=config, db=db, clock=lambda: NOW)
        started = time.perf_counter()
        file_name, content, exported = await stats_view.export(
            services, admin, school_scope(1), last_days(NOW.date(), 30), texts
        )
        export_seconds = time.perf_counter() - started
        print(f"export of {exported} children: {export_seconds:.2f} s, {len(content) / 1e6:.1f} MB ({file_name})")
        classes = await db.fetchall(
            "SELECT g.name AS grade, c.name AS name FROM classes c JOIN grades g ON g.id = c.grade_id"
        )
        await db.close()

    with temp_folder() as folder:
        config = write_config(Path(folder))
        db = await Database.open(config.storage.database)
        async with db.transaction():
            for row in classes:
                await db.execute("INSERT OR IGNORE INTO grades (name) VALUES (?)", (row["grade"],))
                await db.execute(
                    "INSERT INTO classes (school_id, grade_id, name) SELECT 1, id, ? FROM grades WHERE name = ?",
                    (row["name"], row["grade"]),
                )
            await db.execute("INSERT INTO users (id, full_name, created_at) VALUES (1, 'admin', '2026-01-01')")
        services = Services(config=config, db=db, clock=lambda: NOW)
        started = time.perf_counter()
        batch_id, report = await stats_service.check_import(services, admin, content, file_name, WorkbookWords("zh_CN"))
        checked = time.perf_counter() - started
        assert batch_id is not None
        started = time.perf_counter()
        added, left_out = await stats_service.confirm_import(services, admin, batch_id)
        confirmed = time.perf_counter() - started
        print(
            f"import of {len(report.good)} rows ({len(report.skipped)} skipped): check {checked:.2f} s,"
            f" confirm {confirmed:.2f} s, total {checked + confirmed:.2f} s; {added} added, {len(left_out)} left out"
        )
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
