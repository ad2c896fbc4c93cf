-- Emoji reactions: one row per message, user and emoji (what users do, never a row per reader).
CREATE TABLE reactions (
    conversation_id TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji           TEXT NOT NULL,
    reacted_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq, user_id, emoji),
    FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
);

-- Changes to messages that are not entries of the sequence (reactions): each conversation counts
-- them, and a message keeps the count of its latest change, so `sync` replays changed messages
-- after a client's change cursor without a row per change.
ALTER TABLE conversations ADD COLUMN last_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN change_seq INTEGER;
CREATE INDEX messages_changes ON messages (conversation_id, change_seq) WHERE change_seq IS NOT NULL;
