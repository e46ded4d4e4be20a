-- Green channel (绿色通道): the durable outbox, family-call plans and answers, mentor reminders,
-- parent <-> head teacher messages, and notes for parents. Times are UTC ISO strings.

-- Every scheduled or routine message is written here first; one sender drains it.
-- (recipient_id, kind, dedup_key) is unique: the same reminder for the same period can never be queued twice.
-- status: queued -> sending (claimed) -> sent | skipped (stale, opted out, ...) | failed (403, 400, too many
-- retries) | uncertain (the process stopped between the send and the mark; see bot/jobs/outbox.py).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    recipient_id    INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    dedup_key       TEXT NOT NULL,
    text            TEXT NOT NULL,
    markup          TEXT,                        -- an inline keyboard as Bot API JSON
    urgent          INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    not_before      TEXT NOT NULL,               -- when it falls due (routine messages may wait for the morning)
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'skipped', 'failed', 'uncertain')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at      TEXT,
    done_at         TEXT,
    message_id      INTEGER,
    reason          TEXT,                        -- why skipped/failed/uncertain: 'stale', 'blocked', 'opted_out', ...
    UNIQUE (recipient_id, kind, dedup_key)
);
CREATE INDEX outbox_ready ON outbox (status, urgent DESC, next_attempt_at, id);
CREATE INDEX outbox_recipient ON outbox (recipient_id, done_at);

-- 亲情电话: one plan per child. 'weekly': every `weekday` (0 = Monday) at `at_time` local;
-- 'interval': every `interval_days` days at `at_time` local, counted from `start_date`.
CREATE TABLE family_call_plans (
    child_id      INTEGER PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    rhythm        TEXT NOT NULL CHECK (rhythm IN ('weekly', 'interval')),
    weekday       INTEGER CHECK (weekday BETWEEN 0 AND 6),
    interval_days INTEGER CHECK (interval_days BETWEEN 1 AND 60),
    at_time       TEXT NOT NULL,                 -- local HH:MM in the school's time zone
    start_date    TEXT NOT NULL,                 -- local ISO date
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by    INTEGER REFERENCES users(id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK ((rhythm = 'weekly') = (weekday IS NOT NULL)),
    CHECK ((rhythm = 'interval') = (interval_days IS NOT NULL))
);

-- One row per parent's answer to a family-call reminder. `slot` is the UTC ISO time of the call it answers.
CREATE TABLE family_call_answers (
    id       INTEGER PRIMARY KEY,
    child_id INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id),
    slot     TEXT NOT NULL,
    outcome  TEXT NOT NULL CHECK (outcome IN ('called', 'no_answer', 'snoozed')),
    at       TEXT NOT NULL
);
CREATE INDEX family_call_answers_child ON family_call_answers (child_id, outcome, at);

-- The last slot each plan was queued for, so a tick never queues the same call twice and a restart
-- knows what fell due while it was down.
CREATE TABLE family_call_runs (
    child_id  INTEGER PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    last_slot TEXT NOT NULL
);

-- Parent replies to the weekly update and the head teacher's answers, both directions stored.
CREATE TABLE green_messages (
    id         INTEGER PRIMARY KEY,
    thread_id  INTEGER REFERENCES green_messages(id),  -- the parent's message an answer belongs to
    direction  TEXT NOT NULL CHECK (direction IN ('to_staff', 'to_parent')),
    parent_id  INTEGER NOT NULL REFERENCES users(id),
    staff_id   INTEGER REFERENCES users(id),
    child_id   INTEGER REFERENCES children(id) ON DELETE SET NULL,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX green_messages_parent ON green_messages (parent_id, created_at);

-- A note the head teacher writes for a child's parents, shown in the next weekly update.
CREATE TABLE parent_notes (
    id         INTEGER PRIMARY KEY,
    child_id   INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES users(id),
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX parent_notes_child ON parent_notes (child_id, created_at);

-- Periodic jobs that must run once per period (weekly update, digests): the last period done.
CREATE TABLE scheduler_runs (
    job        TEXT PRIMARY KEY,
    last_key   TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
