-- 0007_summary_authors (PostgreSQL): the same table as
-- 0007_summary_authors.sql — whose words each conversation's summary took in,
-- so that forget-user and /forget-me find a shared channel's summary after
-- retention has deleted the user's messages it was made from.
--
-- Applied by src/store/postgres_migrations.ts in one transaction together with
-- the bump of schema_version. Same conventions as 0001.

-- One row per user whose message (role 'user', after the last reset, up to
-- the summary's through_id) a summary took in; written with the summary,
-- deleted with it.
CREATE TABLE summary_authors (
  conversation_id BIGINT NOT NULL
    REFERENCES conversation_summaries (conversation_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL CHECK (user_id <> ''),
  PRIMARY KEY (conversation_id, user_id)
);

-- The summaries a user's words are in (forget-user, export-user).
CREATE INDEX summary_authors_by_user ON summary_authors (user_id);

-- The summaries made before this migration: the authors whose messages are
-- still stored (what retention already deleted cannot be told any more).
INSERT INTO summary_authors (conversation_id, user_id)
  SELECT DISTINCT s.conversation_id, m.author_id
  FROM conversation_summaries s
  JOIN conversations c ON c.id = s.conversation_id
  JOIN messages m ON m.conversation_id = s.conversation_id
    AND m.id > c.reset_after_id AND m.id <= s.through_id
  WHERE m.role = 'user' AND m.author_id <> '';
