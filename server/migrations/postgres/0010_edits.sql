-- Edited messages: when the text was last edited (NULL if never). The edit itself replaces the
-- body and counts as a change of the message (messages.change_seq), like a reaction.
ALTER TABLE messages ADD COLUMN edited_at BIGINT;
