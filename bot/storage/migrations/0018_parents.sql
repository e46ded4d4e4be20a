-- The parents' half of the plan: the written designation of the entrusted carer (委托照护, 未成年人保护法
-- Art. 22-23), notices the school can count on, and the weekly update's acknowledgements.

-- One row per confirmation: a change or a yearly confirmation adds a row, so who confirmed what and when is kept.
CREATE TABLE guardian_designations (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    carer_name   TEXT NOT NULL,
    relation     TEXT NOT NULL,
    phone        TEXT NOT NULL,
    address      TEXT NOT NULL,
    conditions   TEXT NOT NULL,               -- the conditions of the law the parent ticked, comma-separated codes
    changed      INTEGER NOT NULL,            -- 1: new details; 0: the same carer confirmed again
    school_year  INTEGER NOT NULL,            -- the year the school year starts in
    confirmed_on TEXT NOT NULL,               -- local date
    confirmed_by INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX guardian_designations_child ON guardian_designations (child_id, id);

CREATE TABLE notices (
    id           INTEGER PRIMARY KEY,
    school_id    INTEGER NOT NULL,
    sender_id    INTEGER NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('read', 'confirm', 'answer')),
    audience     TEXT NOT NULL,               -- s<school> l<school> g<grade>.<school> c<class> lc<class>
    text         TEXT NOT NULL,
    media_kind   TEXT CHECK (media_kind IN ('photo', 'document', 'voice')),
    media_file   TEXT,                        -- a Telegram file_id
    choices      TEXT,                        -- JSON list of the answers offered ('answer')
    remind_at    TEXT,                        -- when the one reminder goes to those who have not answered
    reminded_at  TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX notices_sender ON notices (sender_id, id);
CREATE INDEX notices_remind ON notices (remind_at) WHERE reminded_at IS NULL;

-- One row per family (a bound parent) a notice went to: the one place its confirmation or answer is kept.
CREATE TABLE notice_recipients (
    notice_id   INTEGER NOT NULL REFERENCES notices(id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    class_id    INTEGER NOT NULL,
    answered_at TEXT,
    choice      INTEGER,
    PRIMARY KEY (notice_id, user_id)
);

CREATE TABLE weekly_acks (
    user_id INTEGER NOT NULL,
    week    TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (user_id, week)
);

-- A photo, document or voice message to send by its Telegram file_id, with the text as its caption (JSON).
ALTER TABLE outbox ADD COLUMN media TEXT;
