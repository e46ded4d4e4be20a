-- The county office's look-ups: one child's card for a stated reason. The audit row names the reason's code; a
-- reason typed in words ("other") is kept here, so that whoever reviews the look-ups can read why.
CREATE TABLE lookups (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor_id  INTEGER NOT NULL,
    child_id  INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    reason    TEXT NOT NULL CHECK (reason IN ('verify', 'case', 'safety', 'other')),
    note      TEXT
);
CREATE INDEX lookups_actor ON lookups (actor_id, at);

-- An enrolment event recorded by hand counts at the school where it happened (the child's school then).
UPDATE enrolment_events SET school_id =
    (SELECT c.school_id FROM children ch JOIN classes c ON c.id = ch.class_id WHERE ch.id = enrolment_events.child_id)
WHERE school_id IS NULL;

-- Whatever records an event without saying where (a status recorded by hand, an older code path), it happened at
-- the child's school at the time.
CREATE TRIGGER enrolment_events_at_school AFTER INSERT ON enrolment_events WHEN NEW.school_id IS NULL
BEGIN
    UPDATE enrolment_events SET school_id =
        (SELECT c.school_id FROM children ch JOIN classes c ON c.id = ch.class_id WHERE ch.id = NEW.child_id)
    WHERE id = NEW.id;
END;
