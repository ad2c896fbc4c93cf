-- Forwarded messages (转发): who first sent the content, and when. Both NULL for a message that
-- was not forwarded; a message forwarded again keeps the first origin.
ALTER TABLE messages ADD COLUMN forwarded_sender TEXT;
ALTER TABLE messages ADD COLUMN forwarded_at BIGINT;
