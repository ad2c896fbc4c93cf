-- Replies (quotes): the seq of the entry a message replies to, in the same conversation. The
-- quote is read with the reply (a join on the primary key), so it shows the quoted message as it
-- is now: recalled once recalled.
ALTER TABLE messages ADD COLUMN reply_to_seq INTEGER;
