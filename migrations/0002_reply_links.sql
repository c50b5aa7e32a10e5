-- 0002_reply_links: links a bot reply to the user message it answers, so
-- that the data export and forgetUser() find the replies to one user in a
-- shared (scope: channel) conversation, where nothing else tells them apart.
--
-- Applied by src/store/migrations.ts in one transaction together with
-- `PRAGMA user_version = 2`. Messages stored before it keep reply_to_id NULL:
-- which message they answered was never recorded and cannot be recovered.

-- The stored id of the user message an assistant reply answers, or NULL.
-- SQLite allows ADD COLUMN with REFERENCES (also on a STRICT table) because
-- the default is NULL. ON DELETE SET NULL: when retention or forgetUser()
-- deletes the user message, the reply stays, unlinked (forgetUser() deletes
-- the linked replies first).
ALTER TABLE messages ADD COLUMN reply_to_id INTEGER
  REFERENCES messages (id) ON DELETE SET NULL;

-- messagesOfUser() and forgetUser(): the replies to a user's messages. Also
-- serves the foreign key's SET NULL when a message is deleted. Partial: most
-- messages (everything but replies) have no link.
CREATE INDEX messages_by_reply_to ON messages (reply_to_id)
  WHERE reply_to_id IS NOT NULL;
