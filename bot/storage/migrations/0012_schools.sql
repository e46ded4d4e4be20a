-- rebuilds tables (classes): run with foreign keys off, every reference checked before commit.
-- A deployment serves a county: many schools. Every class belongs to one school; staff roles, invitations and
-- the mailbox's letters name theirs; the weekly update's day and time, quiet hours and term starts may differ by
-- school (NULL: the config's). A database of one school becomes school 1, named from the config at start.
CREATE TABLE schools (
    id                 INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    township           TEXT NOT NULL DEFAULT '',
    county             TEXT NOT NULL DEFAULT '',
    weekly_update_day  INTEGER CHECK (weekly_update_day BETWEEN 0 AND 6),
    weekly_update_time TEXT,   -- HH:MM, local
    quiet_start        TEXT,   -- HH:MM, local
    quiet_end          TEXT,   -- HH:MM, local
    autumn_term_start  TEXT,   -- MM-DD
    spring_term_start  TEXT,   -- MM-DD
    created_by         INTEGER REFERENCES users(id),
    created_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX schools_name ON schools (county, township, name);
INSERT INTO schools (id, name, created_at) VALUES (1, '', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- Grades stay the county's levels (一年级 … 九年级); a class is a school's.
CREATE TABLE classes_rebuilt (
    id        INTEGER PRIMARY KEY,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    grade_id  INTEGER NOT NULL REFERENCES grades(id),
    name      TEXT NOT NULL,
    UNIQUE (school_id, grade_id, name)
);
INSERT INTO classes_rebuilt (id, school_id, grade_id, name) SELECT id, 1, grade_id, name FROM classes;
DROP TABLE classes;
ALTER TABLE classes_rebuilt RENAME TO classes;
CREATE INDEX classes_school ON classes (school_id);

-- A school-wide role (admin, counsellor) names its school; a class role's school is its class's.
ALTER TABLE staff_roles ADD COLUMN school_id INTEGER REFERENCES schools(id);
UPDATE staff_roles SET school_id = 1 WHERE class_id IS NULL;
DROP INDEX staff_roles_unique;
CREATE UNIQUE INDEX staff_roles_unique ON staff_roles (user_id, role, COALESCE(class_id, 0), COALESCE(school_id, 0));
CREATE INDEX staff_roles_school ON staff_roles (school_id, role) WHERE school_id IS NOT NULL;

-- The county office (县教育局 / 民政): figures of every school, names only one child at a time with a reason.
CREATE TABLE county_staff (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    granted_by INTEGER REFERENCES users(id),
    granted_at TEXT NOT NULL
);

-- A staff invitation names the school it is for (a class invitation's school is its class's).
ALTER TABLE invitations ADD COLUMN school_id INTEGER REFERENCES schools(id);
UPDATE invitations SET school_id = 1 WHERE kind = 'staff' AND class_id IS NULL;

-- Which school's counsellors read a letter (a school names no writer).
ALTER TABLE mailbox_tickets ADD COLUMN school_id INTEGER NOT NULL DEFAULT 1;
CREATE INDEX mailbox_school_open ON mailbox_tickets (school_id, status, urgent, updated_on);

-- The school whose quiet hours a routine message keeps (NULL: the config's).
ALTER TABLE outbox ADD COLUMN school_id INTEGER;

-- The school where an enrolment event happened: a school keeps its transfers out after the child has gone.
ALTER TABLE enrolment_events ADD COLUMN school_id INTEGER;
UPDATE enrolment_events SET school_id = 1;
CREATE INDEX enrolment_events_school ON enrolment_events (school_id, status, effective_date);
DROP TRIGGER children_enrolled_on_registration;
CREATE TRIGGER children_enrolled_on_registration AFTER INSERT ON children
BEGIN
    INSERT INTO enrolment_events (child_id, status, effective_date, reason, recorded_by, recorded_at, source, school_id)
    VALUES (NEW.id, 'enrolled', date(NEW.created_at), NULL, NEW.created_by, NEW.created_at, 'registration',
            (SELECT school_id FROM classes WHERE id = NEW.class_id));
END;

-- 学籍转移: a child moving to another school of the county. The receiving head teacher accepts; until then the
-- child stays where they are.
CREATE TABLE transfers (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    from_school_id INTEGER NOT NULL REFERENCES schools(id),
    from_class_id  INTEGER NOT NULL REFERENCES classes(id),
    to_school_id   INTEGER NOT NULL REFERENCES schools(id),
    to_class_id    INTEGER NOT NULL REFERENCES classes(id),
    status         TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'declined', 'withdrawn')),
    proposed_by    INTEGER NOT NULL REFERENCES users(id),
    proposed_at    TEXT NOT NULL,
    decided_by     INTEGER REFERENCES users(id),
    decided_at     TEXT,
    flow_token     TEXT UNIQUE
);
CREATE UNIQUE INDEX transfers_open_child ON transfers (child_id) WHERE status = 'proposed';
CREATE INDEX transfers_to_class ON transfers (to_class_id) WHERE status = 'proposed';
