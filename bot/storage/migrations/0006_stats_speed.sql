-- /stats at county scale (issue 5: p95 under 200 ms): covering indexes for the three slowest figures.

-- Calls confirmed: distinct (slot, child) a parent answered "called", one range per week, no table rows read.
CREATE INDEX family_call_answers_called_slot ON family_call_answers (slot, child_id) WHERE outcome = 'called';
-- Calls agreed: the active plans grouped by rhythm and start, so the slot arithmetic runs once per group.
CREATE INDEX family_call_plans_active_rhythm
    ON family_call_plans (active, rhythm, weekday, interval_days, start_date);
-- Visits done: the window's mentor visits counted per pairing from the index alone.
CREATE INDEX visits_date_pairing ON visits (visit_date, pairing_id) WHERE pairing_id IS NOT NULL;
-- ... and for a grade or class, each child's answers.
CREATE INDEX family_call_answers_called_child ON family_call_answers (child_id, slot) WHERE outcome = 'called';
