-- Voice letters (亲情语音信): a child's voice message recorded at school for the parents, and the parents' answers,
-- kept until the child hears them at the next family time. Only Telegram file_ids are kept (never the file), with
-- the voice message's length.
CREATE TABLE voice_letters (
    id         INTEGER PRIMARY KEY,
    child_id   INTEGER NOT NULL REFERENCES children(id) ON DELETE CASCADE,
    sender_id  INTEGER NOT NULL REFERENCES users(id),   -- the teacher who recorded it: told of the answers
    file_id    TEXT NOT NULL,
    seconds    INTEGER NOT NULL,
    families   INTEGER NOT NULL,                        -- how many bound parents it was queued to
    created_at TEXT NOT NULL
);
CREATE INDEX voice_letters_child ON voice_letters (child_id, id);

CREATE TABLE voice_letter_answers (
    id            INTEGER PRIMARY KEY,
    letter_id     INTEGER NOT NULL REFERENCES voice_letters(id) ON DELETE CASCADE,
    parent_id     INTEGER NOT NULL REFERENCES users(id),
    text          TEXT NOT NULL DEFAULT '',             -- typed words, or a photo's caption
    media_kind    TEXT CHECK (media_kind IN ('voice', 'photo')),
    media_file    TEXT,
    media_seconds INTEGER,
    created_at    TEXT NOT NULL,
    heard_at      TEXT                                  -- played to the child at family time; NULL: still waiting
);
CREATE INDEX voice_letter_answers_letter ON voice_letter_answers (letter_id, id);

-- A notice to answer without given choices: the family's own short words, voice message or photo.
ALTER TABLE notice_recipients ADD COLUMN answer_text TEXT;
ALTER TABLE notice_recipients ADD COLUMN answer_media_kind TEXT CHECK (answer_media_kind IN ('voice', 'photo'));
ALTER TABLE notice_recipients ADD COLUMN answer_media_file TEXT;
ALTER TABLE notice_recipients ADD COLUMN answer_seconds INTEGER;
