-- Reporting: /stats, /export, /import.
-- Indexes so each figure is one indexed aggregate at county scale; a staging table for imports awaiting
-- the user's confirmation (nothing touches the archive until then).

-- /stats counts by kind and boarding from this index alone (no table rows read).
CREATE INDEX children_class_kind ON children (class_id, parents_away, boarding);
-- The few children with no guardian named / no guardian phone, found without scanning the archive.
CREATE INDEX children_no_guardian ON children (class_id) WHERE COALESCE(guardian_name, '') = '';
CREATE INDEX children_no_guardian_phone ON children (class_id) WHERE COALESCE(guardian_phone, '') = '';
CREATE INDEX guardians_child_active ON guardians (child_id, user_id) WHERE unbound_at IS NULL;

-- Care records in a window (0002_care.sql): counted from these indexes alone, for the school or per child.
CREATE INDEX visits_date_child ON visits (visit_date, child_id);
CREATE INDEX visits_pairing_date ON visits (pairing_id, visit_date) WHERE pairing_id IS NOT NULL;
CREATE INDEX checkins_at_child ON checkins (at, child_id, worry);
-- "Enrolled on the first day of the term": each child's latest event before a date, without reading rows.
CREATE INDEX enrolment_events_child_status ON enrolment_events (child_id, effective_date, id, status);

-- An import checked and shown to the user, waiting for "confirm". Rows are the validated values as JSON.
CREATE TABLE import_batches (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    file_name  TEXT NOT NULL DEFAULT '',
    rows_json  TEXT NOT NULL,
    row_count  INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'imported', 'cancelled'))
);
CREATE INDEX import_batches_user ON import_batches (user_id, status);
