-- /stats at county scale (issue 5: p95 under 200 ms), second step: the figures that had to look at every child
-- or pairing one by one now read small summaries kept exact by triggers, in the same transaction as the write
-- that changes them. Every summary can be rebuilt from the rows it summarises (the statements after each
-- CREATE do exactly that for an existing database), and tests/test_stats_speed.py checks them against the
-- straightforward SQL after inserts, updates, deletes and an erasure.
-- The triggers only ever UPDATE or DELETE summary rows keyed by a child, or insert one when its source row is
-- inserted, so an erasure (bot/storage/safety.erase_child deletes every row with a child_id, in any order)
-- leaves nothing about the child behind.

-- 1. Children by class: left-behind kind and boarding, for the by-grade table and the school's totals.
CREATE TABLE class_tallies (
    class_id           INTEGER PRIMARY KEY REFERENCES classes(id),
    father             INTEGER NOT NULL DEFAULT 0,
    mother             INTEGER NOT NULL DEFAULT 0,
    both_away          INTEGER NOT NULL DEFAULT 0,
    boarding_requested INTEGER NOT NULL DEFAULT 0,
    boarding_yes       INTEGER NOT NULL DEFAULT 0
);

INSERT INTO class_tallies (class_id, father, mother, both_away, boarding_requested, boarding_yes)
SELECT class_id, SUM(parents_away = 'father'), SUM(parents_away = 'mother'), SUM(parents_away = 'both'),
       SUM(boarding = 'requested'), SUM(boarding = 'yes')
FROM children GROUP BY class_id;

CREATE TRIGGER class_tallies_child_added AFTER INSERT ON children
BEGIN
    INSERT OR IGNORE INTO class_tallies (class_id) VALUES (NEW.class_id);
    UPDATE class_tallies SET father = father + (NEW.parents_away = 'father'),
        mother = mother + (NEW.parents_away = 'mother'), both_away = both_away + (NEW.parents_away = 'both'),
        boarding_requested = boarding_requested + (NEW.boarding = 'requested'),
        boarding_yes = boarding_yes + (NEW.boarding = 'yes')
    WHERE class_id = NEW.class_id;
END;

CREATE TRIGGER class_tallies_child_removed AFTER DELETE ON children
BEGIN
    UPDATE class_tallies SET father = father - (OLD.parents_away = 'father'),
        mother = mother - (OLD.parents_away = 'mother'), both_away = both_away - (OLD.parents_away = 'both'),
        boarding_requested = boarding_requested - (OLD.boarding = 'requested'),
        boarding_yes = boarding_yes - (OLD.boarding = 'yes')
    WHERE class_id = OLD.class_id;
END;

CREATE TRIGGER class_tallies_child_changed AFTER UPDATE OF class_id, parents_away, boarding ON children
BEGIN
    UPDATE class_tallies SET father = father - (OLD.parents_away = 'father'),
        mother = mother - (OLD.parents_away = 'mother'), both_away = both_away - (OLD.parents_away = 'both'),
        boarding_requested = boarding_requested - (OLD.boarding = 'requested'),
        boarding_yes = boarding_yes - (OLD.boarding = 'yes')
    WHERE class_id = OLD.class_id;
    INSERT OR IGNORE INTO class_tallies (class_id) VALUES (NEW.class_id);
    UPDATE class_tallies SET father = father + (NEW.parents_away = 'father'),
        mother = mother + (NEW.parents_away = 'mother'), both_away = both_away + (NEW.parents_away = 'both'),
        boarding_requested = boarding_requested + (NEW.boarding = 'requested'),
        boarding_yes = boarding_yes + (NEW.boarding = 'yes')
    WHERE class_id = NEW.class_id;
END;

-- 2. Overdue pairings: the child's latest contact (visit, call or talk, by anyone), on each active pairing, so
-- "no contact since the cut-off" is a comparison on the pairing's own row instead of a search per pairing.
-- Ended pairings are not kept up to date (no figure reads them); one that is made active again is recomputed.
ALTER TABLE pairings ADD COLUMN last_visit_date TEXT;

UPDATE pairings SET last_visit_date = (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = pairings.child_id)
WHERE ended_at IS NULL;

CREATE INDEX pairings_overdue ON pairings (cadence_days, last_visit_date, started_at) WHERE ended_at IS NULL;

CREATE TRIGGER pairings_last_visit_added AFTER INSERT ON visits
BEGIN
    UPDATE pairings SET last_visit_date = NEW.visit_date
    WHERE child_id = NEW.child_id AND ended_at IS NULL
      AND (last_visit_date IS NULL OR last_visit_date < NEW.visit_date);
END;

CREATE TRIGGER pairings_last_visit_removed AFTER DELETE ON visits
BEGIN
    UPDATE pairings SET last_visit_date = (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = OLD.child_id)
    WHERE child_id = OLD.child_id AND ended_at IS NULL;
END;

CREATE TRIGGER pairings_last_visit_changed AFTER UPDATE OF visit_date, child_id ON visits
BEGIN
    UPDATE pairings SET last_visit_date = (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = OLD.child_id)
    WHERE child_id = OLD.child_id AND ended_at IS NULL;
    UPDATE pairings SET last_visit_date = (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = NEW.child_id)
    WHERE child_id = NEW.child_id AND ended_at IS NULL;
END;

CREATE TRIGGER pairings_last_visit_started AFTER INSERT ON pairings
BEGIN
    UPDATE pairings SET last_visit_date = (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = NEW.child_id)
    WHERE id = NEW.id;
END;

CREATE TRIGGER pairings_last_visit_reopened AFTER UPDATE OF child_id, ended_at ON pairings
BEGIN
    UPDATE pairings SET last_visit_date = (SELECT MAX(v.visit_date) FROM visits v WHERE v.child_id = NEW.child_id)
    WHERE id = NEW.id;
END;

-- 3. Enrolled at a term's start: each event knows the date of the child's next event (in date, then id order;
-- NULL for the latest), so "the status as the day begins" is one index range instead of a search per child:
-- the event in force before day D is the one dated before D whose next event is dated D or later (or none).
ALTER TABLE enrolment_events ADD COLUMN next_effective_date TEXT;

-- Where the successor's date comes from, in one place for the triggers below.
CREATE VIEW enrolment_event_successors AS
SELECT e.id, (
    SELECT n.effective_date FROM enrolment_events n
    WHERE n.child_id = e.child_id AND (n.effective_date, n.id) > (e.effective_date, e.id)
    ORDER BY n.effective_date, n.id LIMIT 1
) AS next_effective_date
FROM enrolment_events e;

UPDATE enrolment_events SET next_effective_date =
    (SELECT s.next_effective_date FROM enrolment_event_successors s WHERE s.id = enrolment_events.id);

CREATE INDEX enrolment_events_in_force ON enrolment_events (status, effective_date, next_effective_date, child_id);

CREATE TRIGGER enrolment_events_next_added AFTER INSERT ON enrolment_events
BEGIN
    UPDATE enrolment_events SET next_effective_date =
        (SELECT s.next_effective_date FROM enrolment_event_successors s WHERE s.id = enrolment_events.id)
    WHERE child_id = NEW.child_id;
END;

CREATE TRIGGER enrolment_events_next_removed AFTER DELETE ON enrolment_events
BEGIN
    UPDATE enrolment_events SET next_effective_date =
        (SELECT s.next_effective_date FROM enrolment_event_successors s WHERE s.id = enrolment_events.id)
    WHERE child_id = OLD.child_id;
END;

CREATE TRIGGER enrolment_events_next_changed AFTER UPDATE OF effective_date, child_id ON enrolment_events
BEGIN
    UPDATE enrolment_events SET next_effective_date =
        (SELECT s.next_effective_date FROM enrolment_event_successors s WHERE s.id = enrolment_events.id)
    WHERE child_id IN (OLD.child_id, NEW.child_id);
END;

-- 4. Family calls confirmed: each (slot, child) a parent answered "called", once however many parents
-- answered, so a week's count is an index range without DISTINCT.
CREATE TABLE call_confirmations (
    slot     TEXT NOT NULL,
    child_id INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    PRIMARY KEY (slot, child_id)
) WITHOUT ROWID;
CREATE INDEX call_confirmations_child ON call_confirmations (child_id, slot);

INSERT OR IGNORE INTO call_confirmations (slot, child_id)
SELECT slot, child_id FROM family_call_answers WHERE outcome = 'called';

CREATE TRIGGER call_confirmations_added AFTER INSERT ON family_call_answers WHEN NEW.outcome = 'called'
BEGIN
    INSERT OR IGNORE INTO call_confirmations (slot, child_id) VALUES (NEW.slot, NEW.child_id);
END;

CREATE TRIGGER call_confirmations_removed AFTER DELETE ON family_call_answers WHEN OLD.outcome = 'called'
BEGIN
    DELETE FROM call_confirmations WHERE slot = OLD.slot AND child_id = OLD.child_id
      AND NOT EXISTS (SELECT 1 FROM family_call_answers a
                      WHERE a.child_id = OLD.child_id AND a.slot = OLD.slot AND a.outcome = 'called');
END;

CREATE TRIGGER call_confirmations_changed AFTER UPDATE OF slot, child_id, outcome ON family_call_answers
BEGIN
    DELETE FROM call_confirmations WHERE slot = OLD.slot AND child_id = OLD.child_id
      AND NOT EXISTS (SELECT 1 FROM family_call_answers a
                      WHERE a.child_id = OLD.child_id AND a.slot = OLD.slot AND a.outcome = 'called');
    INSERT OR IGNORE INTO call_confirmations (slot, child_id)
    SELECT NEW.slot, NEW.child_id WHERE NEW.outcome = 'called';
END;
