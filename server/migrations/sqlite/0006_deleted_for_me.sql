-- "Delete for me": messages a user hid from their own view, on all their devices. The message
-- stays for everyone else; a row per hidden message and user (only what users delete, never a
-- row per message per reader).
CREATE TABLE hidden_messages (
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    PRIMARY KEY (user_id, conversation_id, seq),
    FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
);
CREATE INDEX hidden_messages_message ON hidden_messages (conversation_id, seq);
