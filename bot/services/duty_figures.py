"""The figures of what the school owes families and the county, for /stats: children whose family has not named
the carer in writing (委托照护), how many weekly updates families acknowledged, and this month's ledger of keeping
children in school (控辍保学). Counts only; the caller has checked that the reader may see the scope."""

from __future__ import annotations

from bot.domain.stats import Scope
from bot.services import Services, attendance, designations, notices
from bot.storage import scopes
from bot.storage import stats as store


async def add_duty_figures(services: Services, scope: Scope, summary: store.Summary) -> None:
    """Adds the figures to `summary.care` (and the per-class read rates to `summary.read_rates`)."""
    within = await scopes.filter_of(services.db, scope)
    care = summary.care
    care["no_written"] = await designations.children_without_designation(services, within)
    rates = await notices.weekly_read_rates(services, within)
    summary.read_rates = [(label, sent, read) for _, label, sent, read in rates]
    care["weekly_sent"] = sum(sent for _, sent, _ in summary.read_rates)
    care["weekly_read"] = sum(read for _, _, read in summary.read_rates)
    day = attendance.today(services)
    month = await attendance.month_figures(services, within, day.year, day.month)
    care.update(
        month_suspected=month.suspected,
        month_open=month.open_at_end,
        month_returned=month.returned,
        month_dropped=month.dropped_out,
        month_attempts=month.attempts,
        month_absent=sum(month.absence_days.values()),
    )
