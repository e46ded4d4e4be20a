-- Issue 7 (load): the scheduler tick asks which alerts of one kind were queued already, and enqueue_many counts
-- the rows of one kind and period; both scanned the whole outbox (hundreds of thousands of rows after a few
-- weekly updates) on every tick.
CREATE INDEX outbox_kind_key ON outbox (kind, dedup_key);
