-- Care records (issue 3): check-ins, visits and talks, follow-up actions, student buddies (手拉手),
-- boarding requests and enrolment history. The staff–child pairing (结对帮扶) is `pairings` from 0001.
--
-- Conventions (as in 0001):
--   * `*_at` columns are UTC ISO-8601 instants written by bot.domain.clock.to_db ("2026-09-01T00:30:00+00:00").
--   * `*_date` / `*_on` columns are ISO calendar dates ("2026-09-01") in the school's local time zone, as the
--     person recording them meant them (a home visit "yesterday" is yesterday in Asia/Shanghai).
--   * Every row is written by bot/storage/care.py and audited in audit_log (action names start with "care.").
--   * `flow_token` is a random token of the conversation that produced the row; it is UNIQUE so that a double
--     tap on "save" (or a retried update after a crash) can never store the same record twice.
--   * Rows are never deleted by the bot (apart from ON DELETE CASCADE when a child's archive is erased on
--     request); history is kept by ending rows (`ended_on`, `done_at`, `decided_at`) or appending events.
--   * Counselling records are NOT here: they belong to counsellors (a later issue) and the timeline reads
--     only these tables.

-- A teacher's short check-in on one child: four ratings on a 1..3 scale
--   3 = good (好 🙂), 2 = so-so (一般 😐), 1 = needs attention (需关注 😟).
-- A rating of 1 for mood or health, or a note the teacher marked as a worry, sets `worry = 1` ("flagged").
-- `concern_wanted`: NULL = the question "raise a concern?" was not asked (not flagged), 0 = the teacher said
-- not now, 1 = the teacher wants a concern raised. The concerns feature (issue 6) offers to open a concern
-- from flagged check-ins (bot.services.care.flagged_checkins) and may record its own link to the check-in id.
-- `quick = 1` marks the "all fine" fast path (all four ratings 3, no note).
CREATE TABLE checkins (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    author_id      INTEGER NOT NULL REFERENCES users(id),
    at             TEXT NOT NULL,
    study          INTEGER NOT NULL CHECK (study BETWEEN 1 AND 3),
    life           INTEGER NOT NULL CHECK (life BETWEEN 1 AND 3),
    mood           INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 3),
    health         INTEGER NOT NULL CHECK (health BETWEEN 1 AND 3),
    note           TEXT,
    voice_file_id  TEXT,                 -- a Telegram voice note, kept as its file id (never downloaded)
    worry          INTEGER NOT NULL DEFAULT 0 CHECK (worry IN (0, 1)),
    concern_wanted INTEGER CHECK (concern_wanted IN (0, 1)),
    quick          INTEGER NOT NULL DEFAULT 0 CHECK (quick IN (0, 1)),
    flow_token     TEXT UNIQUE
);
CREATE INDEX checkins_child_at ON checkins (child_id, at);
CREATE INDEX checkins_author_at ON checkins (author_id, at);
CREATE INDEX checkins_worry ON checkins (at) WHERE worry = 1;

-- Home visits (家访), phone calls with a parent or guardian, and talks at school with the mentor.
-- `visit_date` is the local date the contact happened (never in the future, never before the child's birth).
-- `pairing_id` is the child's active pairing when the contact was recorded, if the author was the mentor:
-- "visits done vs due" per pairing counts rows with that pairing_id; the due count for a pairing over a period
-- is the period's days (clipped to started_at..ended_at) divided by pairings.cadence_days.
-- "Overdue" on /mychildren: the latest visit_date of ANY kind, by anyone, for the child, on or after the pairing
-- start (or the pairing start date if none) + cadence_days is before today's local date (bot.domain.care.is_overdue).
CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('home_visit', 'phone_call', 'school_talk')),
    visit_date   TEXT NOT NULL,
    participants TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    author_id    INTEGER NOT NULL REFERENCES users(id),
    pairing_id   INTEGER REFERENCES pairings(id),
    created_at   TEXT NOT NULL,
    flow_token   TEXT UNIQUE
);
CREATE INDEX visits_child_date ON visits (child_id, visit_date);
CREATE INDEX visits_author_date ON visits (author_id, visit_date);
CREATE INDEX visits_pairing ON visits (pairing_id) WHERE pairing_id IS NOT NULL;

-- A follow-up action agreed at a visit. It stays in its owner's list (/followups) until done_at is set.
-- Overdue follow-up: done_at IS NULL AND due_date < today's local date.
CREATE TABLE followups (
    id         INTEGER PRIMARY KEY,
    visit_id   INTEGER NOT NULL REFERENCES visits(id) ON DELETE CASCADE,
    child_id   INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    owner_id   INTEGER NOT NULL REFERENCES users(id),
    action     TEXT NOT NULL,
    due_date   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    done_at    TEXT,
    done_by    INTEGER REFERENCES users(id)
);
CREATE INDEX followups_owner_open ON followups (owner_id, due_date) WHERE done_at IS NULL;
CREATE INDEX followups_child ON followups (child_id, created_at);

-- 手拉手: a left-behind child paired with a classmate, recorded by the head teacher. The buddy is either a
-- registered child (`buddy_child_id`) or just a name (`buddy_name`; most classmates are not in the archive);
-- `buddy_class_id` is the buddy's class (normally the child's own). One active buddy per child; a change ends
-- the old row (`ended_on`), so history is kept.
CREATE TABLE buddy_pairs (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    buddy_child_id INTEGER REFERENCES children(id) ON DELETE SET NULL,
    buddy_name     TEXT NOT NULL,
    buddy_class_id INTEGER REFERENCES classes(id),
    started_on     TEXT NOT NULL,
    ended_on       TEXT,
    created_by     INTEGER REFERENCES users(id),
    created_at     TEXT NOT NULL,
    ended_by       INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX buddy_pairs_active_child ON buddy_pairs (child_id) WHERE ended_on IS NULL;
CREATE INDEX buddy_pairs_child ON buddy_pairs (child_id, started_on);

-- Boarding (寄宿) requests. At most one open ('requested') request per child. Deciding sets status, decided_by
-- and decided_at and updates children.boarding ('requested' while open, 'yes' when granted, 'no' when declined).
-- Stats: requests per term = rows by requested_at; grants = status 'granted' by decided_at.
CREATE TABLE boarding_requests (
    id           INTEGER PRIMARY KEY,
    child_id     INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    requested_at TEXT NOT NULL,
    requested_by INTEGER REFERENCES users(id),
    status       TEXT NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'granted', 'declined')),
    decided_by   INTEGER REFERENCES users(id),
    decided_at   TEXT,
    note         TEXT,
    CHECK ((status = 'requested') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX boarding_requests_open ON boarding_requests (child_id) WHERE status = 'requested';
CREATE INDEX boarding_requests_child_at ON boarding_requests (child_id, requested_at);
CREATE INDEX boarding_requests_status ON boarding_requests (status, requested_at);

-- Enrolment history: append-only events, never updated or deleted. A child's status on a day D is the status
-- of its latest event with effective_date <= D (ties broken by the larger id). Re-enrolment is a new
-- 'enrolled' event.
--
-- Registering a child counts as 'enrolled' on the date of children.created_at: the trigger below appends that
-- event for every new child (whatever registers it: /register, /import, tests), and the backfill gives every
-- child already in the archive its event. That date is the UTC date of created_at (SQLite has no time zones);
-- for a term-level rate the few hours' difference never matters. reason is NULL and recorded_by is the
-- registering user for these events; `source` tells them apart from ones a teacher recorded.
--
-- Stats per term [start, end]: enrolled at start = children whose status on `start` is 'enrolled';
-- dropouts in the term = events with status 'dropped_out' and effective_date in [start, end] (a child counted
-- once: the latest such event); the dropout rate = dropouts / enrolled at start (plus children enrolled
-- during the term, if the reader prefers).
CREATE TABLE enrolment_events (
    id             INTEGER PRIMARY KEY,
    child_id       INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('enrolled', 'transferred', 'graduated', 'dropped_out')),
    effective_date TEXT NOT NULL,
    reason         TEXT,
    recorded_by    INTEGER REFERENCES users(id),
    recorded_at    TEXT NOT NULL,
    source         TEXT NOT NULL DEFAULT 'recorded' CHECK (source IN ('registration', 'recorded')),
    flow_token     TEXT UNIQUE
);
CREATE INDEX enrolment_events_child ON enrolment_events (child_id, effective_date, id);
CREATE INDEX enrolment_events_status_date ON enrolment_events (status, effective_date);

CREATE TRIGGER children_enrolled_on_registration AFTER INSERT ON children
BEGIN
    INSERT INTO enrolment_events (child_id, status, effective_date, reason, recorded_by, recorded_at, source)
    VALUES (NEW.id, 'enrolled', date(NEW.created_at), NULL, NEW.created_by, NEW.created_at, 'registration');
END;

INSERT INTO enrolment_events (child_id, status, effective_date, reason, recorded_by, recorded_at, source)
SELECT id, 'enrolled', date(created_at), NULL, created_by, created_at, 'registration' FROM children;

-- Each child's current enrolment status (the latest event). Children with no event cannot exist (trigger).
CREATE VIEW child_enrolment_current AS
SELECT e.child_id, e.status, e.effective_date, e.reason, e.recorded_by, e.recorded_at
FROM enrolment_events AS e
WHERE e.id = (
    SELECT e2.id FROM enrolment_events AS e2
    WHERE e2.child_id = e.child_id
    ORDER BY e2.effective_date DESC, e2.id DESC
    LIMIT 1
);
