-- When all of a user's sessions were ended from outside the server process (the admin CLI's
-- `user passwd`), so every node closes that user's live connections.
ALTER TABLE users ADD COLUMN sessions_reset_at INTEGER;
