"""Shouwang, a Telegram bot that helps a rural school care for its left-behind children."""

import os

# Opt in now to python-telegram-bot's announced behaviour of time periods as datetime.timedelta
# (RetryAfter.retry_after, durations): without it the library itself raises a PTBDeprecationWarning
# on every 429 it parses, and the tests treat warnings as errors. Read `.retry_after` as a timedelta.
os.environ.setdefault("PTB_TIMEDELTA", "true")
