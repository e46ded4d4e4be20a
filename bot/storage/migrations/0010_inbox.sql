-- The durable inbox: every update the bot fetched is written here before getUpdates confirms it to Telegram,
-- and marked done together with the conversation state it produced, so a crash or a Bot API outage mid-reply
-- loses no typed answer or button press: updates not done are handled again, in order.
--   * `payload` is the update as JSON while it is not handled; it is dropped (NULL) the moment it is done, so
--     people's messages do not pile up in the file. The done row keeps only its id (a fetch of the same update
--     again after a crash is recognised), with its days only, and is purged after two days.
--   * The mailbox's updates are never written here (see bot/handlers/mailbox.py `belongs_to_mailbox`).
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT,
    received_at TEXT NOT NULL,
    done_at     TEXT
);
CREATE INDEX inbox_done ON inbox (done_at);

-- A registration saved by a flow whose answer is handled again after a crash (its reply lost) returns the child
-- already saved instead of a second one: the flow's random token, unique.
ALTER TABLE children ADD COLUMN flow_token TEXT;
CREATE UNIQUE INDEX children_flow_token ON children (flow_token);
