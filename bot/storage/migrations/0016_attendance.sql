-- 控辍保学: the day's absentees, the suspected-dropout ledger (疑似辍学) and each attempt to bring a child back
-- (劝返). A school day is Monday to Friday; a child is absent on a day or not (one row per child and day, a
-- second marking of the same day updates it).
CREATE TABLE absences (
    id         INTEGER PRIMARY KEY,
    child_id   INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    day        TEXT NOT NULL,                 -- the school's local date, ISO
    reason     TEXT NOT NULL CHECK (reason IN ('sick', 'leave', 'unknown')),
    marked_by  INTEGER REFERENCES users(id),
    marked_at  TEXT NOT NULL,
    UNIQUE (child_id, day)
);
CREATE INDEX absences_day ON absences (day, child_id);

-- A case opens when a child has been absent without a reason three school days in a row, and stays open until
-- the child is back at school (动态销号) or has dropped out (then an enrolment event records it). A child has at
-- most one open case.
CREATE TABLE dropout_cases (
    id                  INTEGER PRIMARY KEY,
    child_id            INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    school_id           INTEGER NOT NULL REFERENCES schools(id),
    class_id            INTEGER NOT NULL REFERENCES classes(id),
    opened_on           TEXT NOT NULL,        -- the third school day absent, local ISO date
    opened_at           TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'returned', 'dropped_out')),
    closed_on           TEXT,
    closed_by           INTEGER REFERENCES users(id),
    closed_at           TEXT,
    enrolment_event_id  INTEGER REFERENCES enrolment_events(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX dropout_cases_one_open ON dropout_cases (child_id) WHERE status = 'open';
CREATE INDEX dropout_cases_school ON dropout_cases (school_id, opened_on);

CREATE TABLE return_attempts (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES dropout_cases(id) ON DELETE CASCADE,
    attempt_date TEXT NOT NULL,               -- local ISO date
    by_id        INTEGER REFERENCES users(id),
    method       TEXT NOT NULL CHECK (method IN ('call', 'visit', 'village')),
    result       TEXT NOT NULL,               -- as typed, short
    outcome      TEXT NOT NULL CHECK (outcome IN ('returned', 'not_yet', 'dropped_out')),
    created_at   TEXT NOT NULL,
    flow_token   TEXT UNIQUE
);
CREATE INDEX return_attempts_case ON return_attempts (case_id, attempt_date);
