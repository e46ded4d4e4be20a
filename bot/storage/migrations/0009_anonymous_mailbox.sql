-- The anonymous mailbox keeps dates, not times: a ticket's second could be matched with the second some
-- person's row was written (their first contact, their last action). Earlier rows keep their UTC date.
ALTER TABLE mailbox_tickets RENAME COLUMN created_at TO created_on;
ALTER TABLE mailbox_tickets RENAME COLUMN updated_at TO updated_on;
ALTER TABLE mailbox_messages RENAME COLUMN created_at TO created_on;
UPDATE mailbox_tickets SET created_on = substr(created_on, 1, 10), updated_on = substr(updated_on, 1, 10);
UPDATE mailbox_messages SET created_on = substr(created_on, 1, 10);

-- Counsellors are told of a writer's message by a job, so that a crash between the letter and the notice
-- loses neither. Earlier messages were notified when they were written.
ALTER TABLE mailbox_messages ADD COLUMN notified INTEGER NOT NULL DEFAULT 1;
CREATE INDEX mailbox_messages_unnotified ON mailbox_messages (notified) WHERE notified = 0;

-- People who never had a role or a child to look after were stored on first contact, with their name. They are
-- no longer stored, unless they chose a language (kept, without the name); nothing else can refer to them.
CREATE TEMP TABLE strangers AS SELECT id FROM users
WHERE NOT EXISTS (SELECT 1 FROM staff_roles WHERE user_id = users.id OR granted_by = users.id)
  AND NOT EXISTS (SELECT 1 FROM guardians WHERE user_id = users.id)
  AND NOT EXISTS (SELECT 1 FROM children WHERE created_by = users.id)
  AND NOT EXISTS (SELECT 1 FROM pairings WHERE created_by = users.id OR mentor_id = users.id)
  AND NOT EXISTS (SELECT 1 FROM invitations WHERE used_by = users.id OR created_by = users.id)
  AND NOT EXISTS (SELECT 1 FROM checkins WHERE author_id = users.id)
  AND NOT EXISTS (SELECT 1 FROM visits WHERE author_id = users.id)
  AND NOT EXISTS (SELECT 1 FROM followups WHERE done_by = users.id OR owner_id = users.id)
  AND NOT EXISTS (SELECT 1 FROM buddy_pairs WHERE ended_by = users.id OR created_by = users.id)
  AND NOT EXISTS (SELECT 1 FROM boarding_requests WHERE decided_by = users.id OR requested_by = users.id)
  AND NOT EXISTS (SELECT 1 FROM enrolment_events WHERE recorded_by = users.id)
  AND NOT EXISTS (SELECT 1 FROM family_call_plans WHERE created_by = users.id)
  AND NOT EXISTS (SELECT 1 FROM family_call_answers WHERE user_id = users.id)
  AND NOT EXISTS (SELECT 1 FROM green_messages WHERE staff_id = users.id OR parent_id = users.id)
  AND NOT EXISTS (SELECT 1 FROM parent_notes WHERE author_id = users.id)
  AND NOT EXISTS (SELECT 1 FROM import_batches WHERE user_id = users.id);
DELETE FROM users WHERE id IN (SELECT id FROM strangers) AND language IS NULL;
UPDATE users SET full_name = '', created_at = substr(created_at, 1, 10) WHERE id IN (SELECT id FROM strangers);
DROP TABLE strangers;
