/**
 * The SQL of the memory statements of the PostgreSQL store, the counterpart
 * of `sqlite_memory_sql.ts`; `postgres_sql.ts` merges them into `PG_SQL`.
 * Flags are read as 0 or 1 (`::int`) so the row readers serve both stores.
 *
 * @module
 */

/**
 * The conversations user $1 owns or wrote a message in, or whose summary
 * took in their words (after retention deleted the messages, too).
 */
const CONVERSATIONS_OF_USER = `SELECT id FROM conversations WHERE user_id = $1
    UNION SELECT conversation_id FROM messages WHERE author_id = $1
    UNION SELECT conversation_id FROM summary_authors WHERE user_id = $1`;

/** Every memory statement, by name. */
export const PG_MEMORY_SQL = {
  getSummary: `SELECT s.content, s.through_id, s.token_count, s.updated_at
    FROM conversation_summaries s JOIN conversations c ON c.id = s.conversation_id
    WHERE c.channel_id = $1 AND c.user_id = $2`,
  setSummary: `INSERT INTO conversation_summaries
    (conversation_id, content, through_id, token_count, updated_at)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (conversation_id) DO UPDATE SET content = excluded.content,
    through_id = excluded.through_id, token_count = excluded.token_count,
    updated_at = excluded.updated_at`,
  /** Who wrote the user messages a summary took in (since the last reset). */
  addSummaryAuthors: `INSERT INTO summary_authors (conversation_id, user_id)
    SELECT DISTINCT conversation_id, author_id FROM messages
    WHERE conversation_id = $1 AND id > $2 AND id <= $3
    AND role = 'user' AND author_id <> ''
    ON CONFLICT DO NOTHING`,
  deleteSummary: `DELETE FROM conversation_summaries WHERE conversation_id IN
    (SELECT id FROM conversations WHERE channel_id = $1 AND user_id = $2)`,
  deleteChannelSummaries:
    `DELETE FROM conversation_summaries WHERE conversation_id IN
    (SELECT id FROM conversations WHERE channel_id = $1)`,
  summariesOfUser: `SELECT s.content, s.through_id, s.token_count, s.updated_at,
    c.channel_id, c.guild_id, c.user_id
    FROM conversation_summaries s JOIN conversations c ON c.id = s.conversation_id
    WHERE s.conversation_id IN (${CONVERSATIONS_OF_USER})
    ORDER BY c.channel_id COLLATE "C", c.user_id COLLATE "C"`,
  forgetSummaries: `DELETE FROM conversation_summaries
    WHERE conversation_id IN (${CONVERSATIONS_OF_USER})`,
  /** Serialises note writes of one user (the count and the insert). */
  lockNotes: "SELECT pg_advisory_xact_lock(hashtextextended($1, 5))",
  countNotes: "SELECT count(*)::int AS n FROM user_notes WHERE user_id = $1",
  insertNote: `INSERT INTO user_notes (user_id, guild_id, content, created_at)
    VALUES ($1, $2, $3, $4) RETURNING id`,
  notesOfUser:
    `SELECT id, user_id, guild_id, content, created_at FROM user_notes
    WHERE user_id = $1 ORDER BY id`,
  notesOfUserIn:
    `SELECT id, user_id, guild_id, content, created_at FROM user_notes
    WHERE user_id = $1 AND guild_id = $2 ORDER BY id`,
  deleteNote: "DELETE FROM user_notes WHERE user_id = $1 AND id = $2",
  deleteNotes: "DELETE FROM user_notes WHERE user_id = $1",
  deleteNotesIn: "DELETE FROM user_notes WHERE user_id = $1 AND guild_id = $2",
  getPreferences: `SELECT language, length, ping::int AS ping,
    history::int AS history, updated_at
    FROM user_preferences WHERE user_id = $1`,
  setPreferences: `INSERT INTO user_preferences
    (user_id, language, length, ping, history, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (user_id) DO UPDATE SET language = excluded.language,
    length = excluded.length, ping = excluded.ping, history = excluded.history,
    updated_at = excluded.updated_at`,
  forgetPreferences: "DELETE FROM user_preferences WHERE user_id = $1",
  forgetTurnReplies:
    "DELETE FROM messages WHERE role = 'assistant' AND reply_to_id = $1",
  forgetTurnMessage: "DELETE FROM messages WHERE id = $1",
} as const;
