-- Parents and head teachers may write to each other with a voice message or a photo as well as text: the Telegram
-- file_id is kept (never the file itself), with the voice message's length; `text` is then the caption ('' if none).
ALTER TABLE green_messages ADD COLUMN media_kind TEXT CHECK (media_kind IN ('voice', 'photo'));
ALTER TABLE green_messages ADD COLUMN media_file TEXT;
ALTER TABLE green_messages ADD COLUMN media_seconds INTEGER;
