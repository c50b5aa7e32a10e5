-- 0005_memory: what the bot remembers beyond the history window — the
-- running summary of each conversation (budgets with `memory: summary`), the
-- notes users keep with /remember, and each user's /settings preferences.
--
-- Applied by src/store/migrations.ts in one transaction together with
-- `PRAGMA user_version = 5`. Same conventions as 0001: STRICT tables,
-- snowflakes as TEXT, times as INTEGER epoch milliseconds, flags 0 or 1.

-- The summary of a conversation's messages up to and including through_id
-- (a message id): history older than the window, folded in block by block
-- after replies. A reset deletes it (the store does, in the same statement
-- batch as the reset); deleting the conversation deletes it.
CREATE TABLE conversation_summaries (
  conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
  content TEXT NOT NULL,
  through_id INTEGER NOT NULL CHECK (through_id >= 0),
  token_count INTEGER CHECK (token_count IS NULL OR token_count >= 0),
  updated_at INTEGER NOT NULL
) STRICT;

-- A note one user asked the personas to remember about them (/remember).
-- guild_id is where it was made: a server id, or '' for a DM or the terminal
-- chat. Notes made in a server are seen in that server and in the user's
-- DMs; notes made in a DM only in DMs. AUTOINCREMENT keeps ids (the order of
-- notes) unique after deletions.
CREATE TABLE user_notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL CHECK (user_id <> ''),
  guild_id TEXT NOT NULL,
  content TEXT NOT NULL CHECK (length(content) BETWEEN 1 AND 500),
  created_at INTEGER NOT NULL
) STRICT;

-- A user's notes, in the order they were made, optionally for one place.
CREATE INDEX user_notes_by_user ON user_notes (user_id, guild_id, id);

-- A user's preferences (/settings); NULL means "not set" (the default).
-- history = 0: nothing the user writes is kept beyond the running turn.
CREATE TABLE user_preferences (
  user_id TEXT PRIMARY KEY CHECK (user_id <> ''),
  language TEXT CHECK (language IS NULL OR length(language) BETWEEN 1 AND 40),
  length TEXT CHECK (length IS NULL OR length IN ('short', 'normal', 'detailed')),
  ping INTEGER CHECK (ping IS NULL OR ping IN (0, 1)),
  history INTEGER NOT NULL DEFAULT 1 CHECK (history IN (0, 1)),
  updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
