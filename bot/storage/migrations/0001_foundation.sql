-- People, roles, classes, the child archive (一人一档), invitations, audit, and PTB persistence.
-- Times are UTC ISO-8601 strings; dates (birth, away since) are ISO dates.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,          -- the Telegram user id
    full_name     TEXT NOT NULL DEFAULT '',
    language      TEXT,                          -- NULL: the school's default
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unreachable')),
    weekly_paused INTEGER NOT NULL DEFAULT 0,
    opted_out     INTEGER NOT NULL DEFAULT 0,    -- "stop all messages": only replies to what they send
    created_at    TEXT NOT NULL
);

CREATE TABLE grades (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE classes (
    id       INTEGER PRIMARY KEY,
    grade_id INTEGER NOT NULL REFERENCES grades(id),
    name     TEXT NOT NULL,
    UNIQUE (grade_id, name)
);

-- Staff roles. class_id is set for head_teacher and subject_teacher, NULL for admin and counsellor.
CREATE TABLE staff_roles (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    role       TEXT NOT NULL CHECK (role IN ('admin', 'head_teacher', 'subject_teacher', 'counsellor')),
    class_id   INTEGER REFERENCES classes(id),
    granted_by INTEGER REFERENCES users(id),
    granted_at TEXT NOT NULL,
    CHECK ((role IN ('head_teacher', 'subject_teacher')) = (class_id IS NOT NULL))
);
CREATE UNIQUE INDEX staff_roles_unique ON staff_roles (user_id, role, COALESCE(class_id, 0));
CREATE INDEX staff_roles_class ON staff_roles (class_id, role);

CREATE TABLE children (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    sex                TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date         TEXT NOT NULL,
    class_id           INTEGER NOT NULL REFERENCES classes(id),
    parents_away       TEXT NOT NULL CHECK (parents_away IN ('father', 'mother', 'both')),
    away_since         TEXT,
    personality        TEXT,
    interests          TEXT,
    strengths          TEXT,
    health             TEXT,
    father_name        TEXT,
    father_work_place  TEXT,
    father_phone       TEXT,
    mother_name        TEXT,
    mother_work_place  TEXT,
    mother_phone       TEXT,
    guardian_name      TEXT,
    guardian_relation  TEXT,
    guardian_address   TEXT,
    guardian_phone     TEXT,
    boarding           TEXT NOT NULL DEFAULT 'no' CHECK (boarding IN ('no', 'requested', 'yes')),
    notes              TEXT,
    created_by         INTEGER REFERENCES users(id),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX children_class ON children (class_id);
CREATE INDEX children_name ON children (name);

-- A parent or guardian bound to a child through an invitation. Unbinding keeps the row.
CREATE TABLE guardians (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    child_id     INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    relationship TEXT NOT NULL,
    bound_at     TEXT NOT NULL,
    unbound_at   TEXT
);
CREATE UNIQUE INDEX guardians_active ON guardians (user_id, child_id) WHERE unbound_at IS NULL;
CREATE INDEX guardians_child ON guardians (child_id);

-- 结对帮扶: one active mentor per child; a change ends the old row, so history is kept.
CREATE TABLE pairings (
    id           INTEGER PRIMARY KEY,
    mentor_id    INTEGER NOT NULL REFERENCES users(id),
    child_id     INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    cadence_days INTEGER NOT NULL CHECK (cadence_days > 0),
    started_at   TEXT NOT NULL,
    ended_at     TEXT,
    created_by   INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX pairings_active_child ON pairings (child_id) WHERE ended_at IS NULL;
CREATE INDEX pairings_mentor ON pairings (mentor_id) WHERE ended_at IS NULL;

CREATE TABLE invitations (
    code         TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('staff', 'guardian')),
    role         TEXT,
    class_id     INTEGER REFERENCES classes(id),
    child_id     INTEGER REFERENCES children(id) ON DELETE CASCADE,
    relationship TEXT,
    created_by   INTEGER NOT NULL REFERENCES users(id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_by      INTEGER REFERENCES users(id),
    used_at      TEXT
);

-- Who read or changed which child's record, and when. Detail names fields, never their values.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor_id INTEGER,
    action   TEXT NOT NULL,
    child_id INTEGER,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_child ON audit_log (child_id, at);
CREATE INDEX audit_actor ON audit_log (actor_id, at);

-- python-telegram-bot persistence, as JSON.
CREATE TABLE ptb_conversations (
    name  TEXT NOT NULL,
    key   TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE TABLE ptb_user_data (
    user_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
CREATE TABLE ptb_chat_data (
    chat_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
