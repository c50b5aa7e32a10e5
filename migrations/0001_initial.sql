-- 0001_initial: conversations, their messages and reset markers, persona
-- choices, rate-limit windows and the readiness probe.
--
-- Conventions: every table is STRICT; Discord snowflakes are TEXT (never
-- numbers); times are INTEGER milliseconds since the Unix epoch, written by
-- the caller (the store never reads a clock); flags are INTEGER 0 or 1.
-- The runner (src/store/migrations.ts) applies this file in one transaction
-- together with `PRAGMA user_version = 1`.

-- One conversation: a channel (or thread) shared by everyone, or one user's
-- own conversation in that channel. The last /reset is kept on the row:
-- messages stored before it (id <= reset_after_id) or created before it
-- (created_at < reset_at) are no longer part of the conversation.
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  channel_id TEXT NOT NULL CHECK (channel_id <> ''),
  guild_id TEXT NOT NULL, -- '' for a DM or the terminal chat
  user_id TEXT NOT NULL, -- '' for the channel-wide (scope: channel) conversation
  created_at INTEGER NOT NULL,
  reset_at INTEGER, -- NULL until the first reset
  reset_after_id INTEGER NOT NULL DEFAULT 0 CHECK (reset_after_id >= 0),
  UNIQUE (channel_id, user_id)
) STRICT;

-- forgetUser() finds a user's own conversations.
CREATE INDEX conversations_by_user ON conversations (user_id);

-- AUTOINCREMENT: ids are never reused, even after the newest row is deleted,
-- so reset boundaries and before_id pagination stay correct after pruning or
-- forgetting a user.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  external_id TEXT CHECK (external_id IS NULL OR external_id <> ''),
  author_id TEXT NOT NULL,
  author_name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  persona TEXT NOT NULL,
  content TEXT NOT NULL,
  token_count INTEGER CHECK (token_count IS NULL OR token_count >= 0),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  partial INTEGER NOT NULL DEFAULT 0 CHECK (partial IN (0, 1))
) STRICT;

-- The history query: the newest messages of one conversation, walking the
-- index backwards by id; created_at is in the index so the age filter is
-- checked without reading the table. The store names this index with
-- INDEXED BY so that statistics (ANALYZE, PRAGMA optimize) cannot switch the
-- query to a scan. Also serves the foreign key's cascade.
CREATE INDEX messages_by_conversation ON messages (conversation_id, id, created_at);

-- Retention: pruneMessages() deletes by age.
CREATE INDEX messages_by_created_at ON messages (created_at);

-- Data export and forgetUser(): a user's own messages.
CREATE INDEX messages_by_author ON messages (author_id);

-- findMessageByExternalId(): a Discord message being replied to.
CREATE INDEX messages_by_external_id ON messages (external_id) WHERE external_id IS NOT NULL;

-- /persona choices: a user's own (user_id = the user) or the channel-wide
-- default (user_id = '') within one binding.
CREATE TABLE persona_choices (
  binding_key TEXT NOT NULL CHECK (binding_key <> ''),
  user_id TEXT NOT NULL,
  persona TEXT NOT NULL CHECK (persona <> ''),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (binding_key, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX persona_choices_by_user ON persona_choices (user_id);

-- Rate-limit windows. Keys are `:`-separated segments; a key that concerns a
-- user contains the two segments `user:<id>` (see src/store/rate_limit_key.ts),
-- which is how forgetUser() finds them.
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY CHECK (key <> ''),
  count INTEGER NOT NULL CHECK (count >= 0),
  window_start INTEGER NOT NULL,
  notified INTEGER NOT NULL CHECK (notified IN (0, 1))
) STRICT, WITHOUT ROWID;

-- isWritable() commits a write here: a readiness probe that a full disk, a
-- read-only file or a lock held too long makes fail.
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  writes INTEGER NOT NULL
) STRICT;
