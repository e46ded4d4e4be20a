-- rebuilds tables (concerns): run with foreign keys off, every reference checked before commit.
-- Mandatory reporting as the 2020 rules have it: the situations they list become concern kinds (the 2016 ones
-- stay), a report to the police keeps its time, police unit and receipt number, and the police's feedback; the
-- admins are reminded once when none is recorded three days after the report was accepted. The archive gains
-- the civil-affairs registration's fields; the ID number is kept sealed, with only its masked form in clear.
CREATE TABLE concerns_new (
    id               INTEGER PRIMARY KEY,
    child_id         INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    reporter_id      INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN (
                         'alone', 'missing', 'injured', 'abuse', 'guardian', 'other',
                         'intimate_injury', 'sexual_under14', 'sexual_pregnancy', 'violence', 'abnormal_harm',
                         'abandoned', 'trafficked', 'begging', 'danger')),
    description      TEXT NOT NULL,
    occurred_on      TEXT NOT NULL,
    checkin_id       INTEGER,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'closed')),
    created_at       TEXT NOT NULL,
    acknowledged_by  INTEGER,
    acknowledged_at  TEXT,
    assigned_to      INTEGER,
    resend_round     INTEGER NOT NULL DEFAULT 0,
    last_sent_at     TEXT NOT NULL,
    outcome          TEXT CHECK (outcome IN ('school', 'guardian', 'police', 'civil', 'referred')),
    outcome_note     TEXT,
    closed_by        INTEGER,
    closed_at        TEXT,
    CHECK ((status = 'closed') = (outcome IS NOT NULL))
);
INSERT INTO concerns_new SELECT id, child_id, reporter_id, kind, description, occurred_on, checkin_id, status,
    created_at, acknowledged_by, acknowledged_at, assigned_to, resend_round, last_sent_at, outcome, outcome_note,
    closed_by, closed_at FROM concerns;
DROP TABLE concerns;
ALTER TABLE concerns_new RENAME TO concerns;
CREATE INDEX concerns_child ON concerns (child_id, status);
CREATE INDEX concerns_unacknowledged ON concerns (status, last_sent_at) WHERE status = 'open';

-- One report to the police per concern: when it was made (and accepted), to which unit, the receipt's number;
-- the feedback once the police give it; when the admins were reminded that none had come.
CREATE TABLE police_reports (
    concern_id   INTEGER PRIMARY KEY REFERENCES concerns(id) ON DELETE CASCADE,
    reported_at  TEXT NOT NULL,
    police_unit  TEXT NOT NULL,
    receipt_no   TEXT NOT NULL,
    recorded_by  INTEGER NOT NULL,
    recorded_at  TEXT NOT NULL,
    feedback     TEXT,
    feedback_by  INTEGER,
    feedback_at  TEXT,
    reminded_at  TEXT
);
CREATE INDEX police_reports_waiting ON police_reports (reported_at) WHERE feedback IS NULL AND reminded_at IS NULL;

-- 民族, 身份证号 (masked in clear; the number itself only sealed), 户籍地, 监护类型, 监护情况评估, 患病/残疾, 救助帮扶.
ALTER TABLE children ADD COLUMN ethnicity TEXT;
ALTER TABLE children ADD COLUMN id_number TEXT;
ALTER TABLE children ADD COLUMN id_number_sealed BLOB;
ALTER TABLE children ADD COLUMN household_registration TEXT;
ALTER TABLE children ADD COLUMN guardianship_type TEXT;
ALTER TABLE children ADD COLUMN guardianship_assessment TEXT;
ALTER TABLE children ADD COLUMN illness_disability TEXT;
ALTER TABLE children ADD COLUMN assistance TEXT;
