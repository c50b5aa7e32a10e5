-- 0002_reply_links (PostgreSQL): see 0002_reply_links.sql. The stored id of
-- the user message an assistant reply answers, or NULL; ON DELETE SET NULL
-- keeps the reply, unlinked, when its user message is deleted.
ALTER TABLE messages ADD COLUMN reply_to_id BIGINT
  REFERENCES messages (id) ON DELETE SET NULL;

CREATE INDEX messages_by_reply_to ON messages (reply_to_id)
  WHERE reply_to_id IS NOT NULL;
