-- Read receipts (PROTOCOL.md 5.9). Counts come from each member's position, never from a row per
-- message per reader: `read_seq` (already here) for read, and `delivered_seq` for 1:1 "Delivered",
-- both forward-only. `read_receipts` is the account's switch for 1:1 read receipts (1 = on).
ALTER TABLE conversation_members ADD COLUMN delivered_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN read_receipts INTEGER NOT NULL DEFAULT 1;
