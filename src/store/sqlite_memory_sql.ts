/**
 * The SQL of the memory statements (summaries, notes, preferences) of the
 * SQLite store; `sqlite_sql.ts` merges them into its `SQL`, so they are
 * prepared with the others and checked by the same query-plan tests.
 *
 * @module
 */

/**
 * The conversations a user owns or wrote a message in, or whose summary
 * took in their words (after retention deleted the messages, too).
 */
const CONVERSATIONS_OF_USER =
  `SELECT id FROM conversations WHERE user_id = :user_id
    UNION SELECT conversation_id FROM messages WHERE author_id = :user_id
    UNION SELECT conversation_id FROM summary_authors WHERE user_id = :user_id`;

/** Every memory statement, by name. */
export const MEMORY_SQL = {
  getSummary: `SELECT s.content, s.through_id, s.token_count, s.updated_at
    FROM conversation_summaries s JOIN conversations c ON c.id = s.conversation_id
    WHERE c.channel_id = :channel_id AND c.user_id = :user_id`,
  setSummary: `INSERT INTO conversation_summaries
    (conversation_id, content, through_id, token_count, updated_at)
    VALUES (:conversation_id, :content, :through_id, :token_count, :updated_at)
    ON CONFLICT (conversation_id) DO UPDATE SET content = excluded.content,
    through_id = excluded.through_id, token_count = excluded.token_count,
    updated_at = excluded.updated_at`,
  /** Who wrote the user messages a summary took in (since the last reset). */
  addSummaryAuthors: `INSERT INTO summary_authors (conversation_id, user_id)
    SELECT DISTINCT conversation_id, author_id FROM messages
    WHERE conversation_id = :conversation_id AND id > :after_id
    AND id <= :through_id AND role = 'user' AND author_id <> ''
    ON CONFLICT DO NOTHING`,
  deleteSummary: `DELETE FROM conversation_summaries WHERE conversation_id IN
    (SELECT id FROM conversations WHERE channel_id = :channel_id AND user_id = :user_id)`,
  deleteChannelSummaries:
    `DELETE FROM conversation_summaries WHERE conversation_id IN
    (SELECT id FROM conversations WHERE channel_id = :channel_id)`,
  summariesOfUser: `SELECT s.content, s.through_id, s.token_count, s.updated_at,
    c.channel_id, c.guild_id, c.user_id
    FROM conversation_summaries s JOIN conversations c ON c.id = s.conversation_id
    WHERE s.conversation_id IN (${CONVERSATIONS_OF_USER})
    ORDER BY c.channel_id, c.user_id`,
  forgetSummaries: `DELETE FROM conversation_summaries
    WHERE conversation_id IN (${CONVERSATIONS_OF_USER})`,
  countNotes: "SELECT count(*) AS n FROM user_notes WHERE user_id = :user_id",
  insertNote: `INSERT INTO user_notes (user_id, guild_id, content, created_at)
    VALUES (:user_id, :guild_id, :content, :created_at) RETURNING id`,
  notesOfUser:
    `SELECT id, user_id, guild_id, content, created_at FROM user_notes
    WHERE user_id = :user_id ORDER BY id`,
  notesOfUserIn:
    `SELECT id, user_id, guild_id, content, created_at FROM user_notes
    WHERE user_id = :user_id AND guild_id = :guild_id ORDER BY id`,
  deleteNote: "DELETE FROM user_notes WHERE user_id = :user_id AND id = :id",
  deleteNotes: "DELETE FROM user_notes WHERE user_id = :user_id",
  deleteNotesIn:
    "DELETE FROM user_notes WHERE user_id = :user_id AND guild_id = :guild_id",
  getPreferences: `SELECT language, length, ping, history, updated_at
    FROM user_preferences WHERE user_id = :user_id`,
  setPreferences: `INSERT INTO user_preferences
    (user_id, language, length, ping, history, updated_at)
    VALUES (:user_id, :language, :length, :ping, :history, :updated_at)
    ON CONFLICT (user_id) DO UPDATE SET language = excluded.language,
    length = excluded.length, ping = excluded.ping, history = excluded.history,
    updated_at = excluded.updated_at`,
  forgetPreferences: "DELETE FROM user_preferences WHERE user_id = :user_id",
  forgetTurnReplies: `DELETE FROM messages WHERE role = 'assistant'
    AND reply_to_id = :id`,
  forgetTurnMessage: "DELETE FROM messages WHERE id = :id",
} as const;
