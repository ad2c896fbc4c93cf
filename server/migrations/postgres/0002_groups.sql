-- Groups (QQ-style governance) and temporary sessions.

ALTER TABLE conversation_members ADD COLUMN role TEXT NOT NULL DEFAULT 'member';   -- owner | admin | member
ALTER TABLE conversation_members ADD COLUMN muted_until BIGINT;                   -- ms; a past value means not muted

CREATE TABLE groups (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    number          BIGINT NOT NULL UNIQUE,   -- short number people share (random, 8 digits)
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    join_policy     TEXT NOT NULL,             -- open | approval | invite_only
    searchable      BIGINT NOT NULL DEFAULT 1,
    allow_temp      BIGINT NOT NULL DEFAULT 1,
    muted_all       BIGINT NOT NULL DEFAULT 0,
    owner_id        TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE group_join_requests (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message         TEXT,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

-- The temporary session of two users (user_lo < user_hi), and the group it was last opened from.
CREATE TABLE temp_pairs (
    user_lo         TEXT NOT NULL,
    user_hi         TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    via_group       TEXT NOT NULL,
    PRIMARY KEY (user_lo, user_hi)
);
CREATE INDEX temp_pairs_conversation ON temp_pairs (conversation_id);
