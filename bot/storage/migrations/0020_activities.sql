-- Care activities (关爱活动): what was held, on which local day, for which school, and the children who took part.
-- The photo is kept by its Telegram file id only; it goes to the families of the children whose guardians agreed.
CREATE TABLE activities (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools(id),
    kind        TEXT NOT NULL CHECK (kind IN ('birthday', 'group', 'video_call', 'safety', 'home', 'other')),
    held_on     TEXT NOT NULL,                    -- the local date (YYYY-MM-DD)
    photo_file  TEXT,
    recorded_by INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    flow_token  TEXT UNIQUE                       -- one flow's record: a double tap cannot save it twice
);
CREATE INDEX activities_school_day ON activities (school_id, held_on);

CREATE TABLE activity_children (
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    child_id    INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, child_id)
);
CREATE INDEX activity_children_child ON activity_children (child_id, activity_id);

-- A guardian's consent to activity photos, apart from the consent to keeping the record (a family may keep the
-- one and refuse the other). One current row per child; withdrawing it deletes the row.
CREATE TABLE photo_consents (
    child_id    INTEGER PRIMARY KEY REFERENCES children(id) ON DELETE CASCADE,
    guardian_id INTEGER NOT NULL,
    given_at    TEXT NOT NULL
);

-- A paper letter from the school's physical mailbox, typed in by a counsellor: nothing names its writer, and
-- replies cannot be pushed to anyone (the ticket says so).
ALTER TABLE mailbox_tickets ADD COLUMN paper INTEGER NOT NULL DEFAULT 0;
