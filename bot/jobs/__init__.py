"""Scheduler ticks, run by PTB's JobQueue (APScheduler underneath)."""
