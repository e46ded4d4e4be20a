-- Surveys (问卷): a questionnaire sent by an admin (their school) or a head teacher (their class) to head teachers,
-- one request per child, or to the parents of a class, one request per family. A ready questionnaire keeps its
-- template's code (the catalogue words it in each reader's language); a typed one keeps its words.
CREATE TABLE surveys (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools(id),
    sender_id   INTEGER NOT NULL REFERENCES users(id),
    audience    TEXT NOT NULL CHECK (audience IN ('teachers', 'parents')),
    scope       TEXT NOT NULL,            -- the audience's code: "s<school>" or "c<class>"
    template    TEXT,                     -- a ready questionnaire's code, else NULL
    title       TEXT NOT NULL,
    questions   TEXT NOT NULL,            -- JSON [[question, [choice, ...]], ...]
    remind_at   TEXT,
    reminded_at TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX surveys_school ON surveys (school_id, id);

-- Who is asked: a head teacher about one child of their class, or a family (about their child in the class).
CREATE TABLE survey_requests (
    id            INTEGER PRIMARY KEY,
    survey_id     INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    respondent_id INTEGER NOT NULL REFERENCES users(id),
    child_id      INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    class_id      INTEGER NOT NULL,
    answered_at   TEXT,
    UNIQUE (survey_id, respondent_id, child_id)
);
CREATE INDEX survey_requests_respondent ON survey_requests (respondent_id);

CREATE TABLE survey_answers (
    request_id  INTEGER NOT NULL REFERENCES survey_requests(id) ON DELETE CASCADE,
    question    INTEGER NOT NULL,
    choice      INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (request_id, question)
);

-- A re-screening answer that differs from the card: proposed to the head teacher, who confirms or declines it.
CREATE TABLE survey_proposals (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES survey_requests(id) ON DELETE CASCADE,
    child_id    INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'confirmed', 'declined')),
    decided_by  INTEGER REFERENCES users(id),
    decided_at  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX survey_proposals_child ON survey_proposals (child_id, status);

-- A de-identified research dataset: who made it, for which stated topic, how many children it holds.
CREATE TABLE research_exports (
    id         INTEGER PRIMARY KEY,
    actor_id   INTEGER NOT NULL REFERENCES users(id),
    topic      TEXT NOT NULL,
    children   INTEGER NOT NULL,
    suppressed INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
