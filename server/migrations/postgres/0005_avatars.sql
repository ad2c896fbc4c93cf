-- Avatars: an image file (uploaded as an image) per user and per group, readable by anyone who
-- can see the user or group.
ALTER TABLE users ADD COLUMN avatar_file_id TEXT;
ALTER TABLE groups ADD COLUMN avatar_file_id TEXT;
