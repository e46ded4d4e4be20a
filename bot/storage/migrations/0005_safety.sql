-- Safety and trust (issue 6): concerns (强制报告), risk levels, counselling records, the anonymous mailbox
-- (倾诉信箱), guardian consent and data requests. Times are UTC ISO-8601 strings.

-- A safety concern about one child, reported by any staff member. It stays open until someone acknowledges it
-- (re-sent to every admin each round until then) and cannot be closed without an outcome.
CREATE TABLE concerns (
    id               INTEGER PRIMARY KEY,
    child_id         INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    reporter_id      INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('alone', 'missing', 'injured', 'abuse', 'guardian', 'other')),
    description      TEXT NOT NULL,
    occurred_on      TEXT NOT NULL,               -- local date
    checkin_id       INTEGER,                     -- the flagged check-in it was opened from, if any
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'closed')),
    created_at       TEXT NOT NULL,
    acknowledged_by  INTEGER,
    acknowledged_at  TEXT,
    assigned_to      INTEGER,
    resend_round     INTEGER NOT NULL DEFAULT 0,
    last_sent_at     TEXT NOT NULL,
    outcome          TEXT CHECK (outcome IN ('school', 'guardian', 'police', 'civil', 'referred')),
    outcome_note     TEXT,                        -- the police / civil affairs reference, or to whom referred
    closed_by        INTEGER,
    closed_at        TEXT,
    CHECK ((status = 'closed') = (outcome IS NOT NULL))
);
CREATE INDEX concerns_child ON concerns (child_id, status);
CREATE INDEX concerns_unacknowledged ON concerns (status, last_sent_at) WHERE status = 'open';

-- The risk level the head teacher or an admin set, with a reason. Open concerns raise it (computed, not stored).
CREATE TABLE child_risk (
    child_id INTEGER PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    level    TEXT NOT NULL CHECK (level IN ('high', 'medium', 'low')),
    reason   TEXT NOT NULL,
    set_by   INTEGER NOT NULL,
    set_at   TEXT NOT NULL
);

-- 心理疏导 sessions: read by counsellors only; never exported. `shared` lets others see that one took place.
CREATE TABLE counselling_sessions (
    id            INTEGER PRIMARY KEY,
    child_id      INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    counsellor_id INTEGER NOT NULL,
    session_date  TEXT NOT NULL,
    topic         TEXT NOT NULL,
    notes         TEXT NOT NULL,
    followup      TEXT,
    shared        INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE INDEX counselling_child ON counselling_sessions (child_id, session_date);

-- 倾诉信箱. No Telegram id in clear anywhere: `writer_hash` is HMAC-SHA256(secret, user id), to find a writer's
-- own tickets and rate-limit them; `writer_box` is the writer's chat id sealed with a key derived from the
-- same secret (randomised, so two tickets of one writer do not look alike), only to deliver counsellors' replies.
CREATE TABLE mailbox_tickets (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,             -- the opaque ticket number counsellors see
    writer_hash TEXT NOT NULL,
    writer_box  BLOB NOT NULL,
    urgent      INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX mailbox_writer ON mailbox_tickets (writer_hash, created_at);
CREATE INDEX mailbox_open ON mailbox_tickets (status, urgent, updated_at);

CREATE TABLE mailbox_messages (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES mailbox_tickets(id) ON DELETE CASCADE,
    from_writer   INTEGER NOT NULL,
    counsellor_id INTEGER,                        -- NULL for the writer's own messages
    body          TEXT NOT NULL,
    urgent        INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE INDEX mailbox_messages_ticket ON mailbox_messages (ticket_id, id);

-- Guardian consent to keeping the child's record: given in the bot by a bound guardian, or on paper and
-- noted by the head teacher. One current row per child.
CREATE TABLE consents (
    child_id    INTEGER PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    method      TEXT NOT NULL CHECK (method IN ('bot', 'paper')),
    given_by    TEXT NOT NULL,                    -- the guardian's relationship or name as recorded
    guardian_id INTEGER,                          -- the bound guardian's user id, for consent in the bot
    recorded_by INTEGER NOT NULL,
    given_at    TEXT NOT NULL
);

-- A guardian's requests from the chat: to correct the record, or to erase it. Admins handle them.
CREATE TABLE data_requests (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    requester_id INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('correction', 'erasure')),
    detail       TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    handled_by   INTEGER,
    handled_at   TEXT
);
CREATE INDEX data_requests_open ON data_requests (handled_at, created_at);
