"""The records services hand to handlers, under the names handlers give them in their signatures (a handler
never imports storage)."""

from __future__ import annotations

from bot.storage.care_summaries import CareSummary
from bot.storage.checkins import Checkin
from bot.storage.concerns import Concern
from bot.storage.stats import Summary

__all__ = ["CareSummary", "Checkin", "Concern", "Summary"]
