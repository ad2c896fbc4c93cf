-- Core schema: accounts, sessions, per-user event streams, friends, 1:1 conversations, messages.
-- Times are milliseconds since the Unix epoch; flags are 0/1 integers (one schema shape for both
-- backends, decoded through sqlx's Any driver).

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,        -- canonical lowercase
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,               -- argon2id PHC string
    disabled_at   BIGINT,                     -- set when an administrator disables the account
    created_at    BIGINT NOT NULL,
    event_seq     BIGINT NOT NULL DEFAULT 0   -- last seq of the user's own event stream
);
CREATE INDEX users_disabled ON users (disabled_at) WHERE disabled_at IS NOT NULL;

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,         -- hex SHA-256 of the bearer token; the token is never stored
    device       TEXT,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE user_events (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq     BIGINT NOT NULL,
    at      BIGINT NOT NULL,
    body    TEXT NOT NULL,                     -- JSON of liao_shared::EventBody
    PRIMARY KEY (user_id, seq)
);

CREATE TABLE friend_requests (
    from_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message    TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (from_id, to_id)
);
CREATE INDEX friend_requests_to ON friend_requests (to_id);

-- One row per direction, so "my friends" is one index range.
CREATE TABLE friendships (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    friend_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    since     BIGINT NOT NULL,
    PRIMARY KEY (user_id, friend_id)
);

CREATE TABLE blocks (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, blocked_id)
);

CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,            -- 'direct'
    last_seq         BIGINT NOT NULL DEFAULT 0,  -- gap-free message counter, bumped in the message's transaction
    created_at       BIGINT NOT NULL,
    last_activity_at BIGINT NOT NULL
);

-- The 1:1 conversation of two users: user_lo < user_hi, so each pair has exactly one.
CREATE TABLE direct_pairs (
    user_lo         TEXT NOT NULL,
    user_hi         TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (user_lo, user_hi)
);

CREATE TABLE conversation_members (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    read_seq        BIGINT NOT NULL DEFAULT 0,   -- read marker
    visible_from    BIGINT NOT NULL DEFAULT 0,   -- messages with seq > visible_from are visible
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id);

CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    id              TEXT NOT NULL UNIQUE,
    sender_id       TEXT NOT NULL,
    client_msg_id   TEXT,
    sent_at         BIGINT NOT NULL,
    body            TEXT NOT NULL,             -- JSON of liao_shared::MessageBody; overwritten on recall
    PRIMARY KEY (conversation_id, seq)
);
-- Idempotent sends: one message per (sender, client_msg_id).
CREATE UNIQUE INDEX messages_client_id ON messages (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
