-- Files and images: content-addressed blobs on disk, file records, resumable uploads, and which
-- messages reference which files (for access checks).

CREATE TABLE files (
    id           TEXT PRIMARY KEY,              -- random, never sequential
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sha256       TEXT NOT NULL,                 -- the blob served as the file
    size         BIGINT NOT NULL,
    name         TEXT NOT NULL,                 -- display only; never used to build a path
    mime         TEXT NOT NULL,
    kind         TEXT NOT NULL,                 -- file | image
    width        BIGINT,
    height       BIGINT,
    thumb_sha256 TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX files_owner ON files (owner_id);
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_thumb ON files (thumb_sha256);

CREATE TABLE uploads (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    length     BIGINT NOT NULL,                -- declared Upload-Length; the temp file's size is the offset
    name       TEXT NOT NULL,
    mime       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    original   BIGINT NOT NULL DEFAULT 0,      -- images: keep metadata (EXIF) as uploaded
    file_id    TEXT,                            -- set when complete
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX uploads_owner ON uploads (owner_id);

CREATE TABLE message_files (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    file_id         TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX message_files_file ON message_files (file_id);

-- Server-wide secrets (the key that signs file URLs), shared by every node of a cluster.
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
