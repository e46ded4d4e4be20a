-- Help plans for a child at high risk (评估帮扶) and referrals to partners outside the school (妇联, 团委, 关工委,
-- the village child director, civil affairs, police, a hospital), with the one person a referral may invite.

-- One open plan per child at a time; closing is asked with an outcome, and done when an admin approves it.
CREATE TABLE help_plans (
    id                 INTEGER PRIMARY KEY,
    child_id           INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    assessment         TEXT NOT NULL,
    review_on          TEXT NOT NULL,              -- local date
    review_reminded_at TEXT,
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closing', 'closed')),
    outcome            TEXT,
    close_asked_by     INTEGER REFERENCES users(id),
    approved_by        INTEGER REFERENCES users(id),
    closed_at          TEXT,
    created_by         INTEGER NOT NULL REFERENCES users(id),
    created_at         TEXT NOT NULL,
    flow_token         TEXT UNIQUE
);
CREATE UNIQUE INDEX help_plans_one_open ON help_plans (child_id) WHERE status != 'closed';
CREATE INDEX help_plans_review ON help_plans (review_on) WHERE review_reminded_at IS NULL;

CREATE TABLE help_plan_actions (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES help_plans(id) ON DELETE CASCADE,
    what        TEXT NOT NULL,
    owner_id    INTEGER NOT NULL REFERENCES users(id),
    due_on      TEXT NOT NULL,                     -- local date
    reminded_at TEXT
);
CREATE INDEX help_plan_actions_due ON help_plan_actions (due_on) WHERE reminded_at IS NULL;

-- A referral shares the card fields it names with the partner person it invited, while it is sent or accepted.
CREATE TABLE referrals (
    id                INTEGER PRIMARY KEY,
    child_id          INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    body              TEXT NOT NULL,
    reason            TEXT NOT NULL,
    fields            TEXT NOT NULL,               -- the shared card fields, comma-separated
    status            TEXT NOT NULL DEFAULT 'sent' CHECK (status IN ('sent', 'accepted', 'declined', 'done')),
    partner_name      TEXT,
    invite_code       TEXT UNIQUE,
    invite_expires_at TEXT,
    partner_id        INTEGER REFERENCES users(id),
    created_by        INTEGER NOT NULL REFERENCES users(id),
    created_at        TEXT NOT NULL,
    status_by         INTEGER REFERENCES users(id),
    status_at         TEXT,
    flow_token        TEXT UNIQUE
);
CREATE INDEX referrals_child ON referrals (child_id, id);
CREATE INDEX referrals_partner ON referrals (partner_id) WHERE partner_id IS NOT NULL;
