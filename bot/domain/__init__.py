"""Plain Python rules about children, guardians, roles and schedules: no Telegram, no SQL."""
