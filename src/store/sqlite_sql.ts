/**
 * The SQL text of every statement the SQLite store prepares, in one place so
 * that tests can check their query plans (`EXPLAIN QUERY PLAN`) against the
 * schema in `migrations/`. Parameters are named (`:name`).
 *
 * @module
 */

import { MEMORY_SQL } from "./sqlite_memory_sql.ts";

const MESSAGE_COLUMNS =
  "m.id, m.conversation_id, m.external_id, m.author_id, m.author_name, m.role, m.persona, m.content, m.token_count, m.created_at, m.updated_at, m.partial, m.reply_to_id";

const WITH_CONVERSATION = `SELECT ${MESSAGE_COLUMNS},
  c.channel_id, c.guild_id, c.user_id AS conversation_user_id
  FROM messages m JOIN conversations c ON c.id = m.conversation_id`;

const CONVERSATION_COLUMNS =
  "id, channel_id, guild_id, user_id, reset_at, reset_after_id";

/** Raises the reset marker of the conversation row in scope, never lowering it. */
const RAISE_RESET = `reset_at = max(coalesce(reset_at, :at), :at),
  reset_after_id = max(reset_after_id, coalesce(
    (SELECT max(m.id) FROM messages m WHERE m.conversation_id = conversations.id), 0))`;

/**
 * The ids of the assistant replies linked (by `reply_to_id`) to a message the
 * user wrote: their replies in shared conversations. Searches
 * `messages_by_author`, then `messages_by_reply_to` once per message.
 */
const REPLIES_TO_USER = `SELECT r.id FROM messages r
    WHERE r.role = 'assistant' AND r.reply_to_id IN
    (SELECT a.id FROM messages a WHERE a.author_id = :user_id)`;

/**
 * The history query, one statement with its conversation: the newest
 * messages, newest first, after the conversation's reset boundary (stored id
 * and time) and :after_id, below :before_id, created at or after :since.
 * `INDEXED BY` pins the index so statistics cannot turn the query into a
 * scan of the table. Its columns are read by position (`HISTORY_COLUMNS`).
 */
export const RECENT_MESSAGES_SQL = `SELECT m.id, m.external_id, m.author_id,
  m.author_name, m.role, m.persona, m.content, m.token_count, m.created_at,
  m.updated_at, m.partial, m.reply_to_id, c.guild_id
  FROM conversations c
  JOIN messages m INDEXED BY messages_by_conversation ON m.conversation_id = c.id
  WHERE c.channel_id = :channel_id AND c.user_id = :user_id
    AND m.id > max(c.reset_after_id, :after_id) AND m.id < :before_id
    AND m.created_at >= :since AND m.created_at >= coalesce(c.reset_at, :since)
  ORDER BY m.id DESC LIMIT :limit`;

/** Every statement of the SQLite store, by name. */
export const SQL = {
  begin: "BEGIN IMMEDIATE",
  commit: "COMMIT",
  rollback: "ROLLBACK",
  /** A transaction inside the store's write batch (`sqlite_batch.ts`). */
  savepoint: "SAVEPOINT nested",
  release: "RELEASE nested",
  rollbackTo: "ROLLBACK TO nested",
  selectConversation: `SELECT ${CONVERSATION_COLUMNS} FROM conversations
    WHERE channel_id = :channel_id AND user_id = :user_id`,
  insertConversation: `INSERT INTO conversations
    (channel_id, guild_id, user_id, created_at)
    VALUES (:channel_id, :guild_id, :user_id, :created_at)
    RETURNING ${CONVERSATION_COLUMNS}`,
  insertMessage: `INSERT INTO messages (conversation_id, external_id, author_id,
    author_name, role, persona, content, token_count, created_at, updated_at, partial,
    reply_to_id)
    VALUES (:conversation_id, :external_id, :author_id, :author_name, :role,
    :persona, :content, :token_count, :created_at, :created_at, :partial,
    :reply_to_id)
    RETURNING id`,
  /**
   * Appends a message to its conversation found by key, in one statement:
   * no row when the conversation is not stored yet. A `reply_to_id` that is
   * not stored fails the foreign key.
   */
  insertIntoConversation: `INSERT INTO messages (conversation_id, external_id,
    author_id, author_name, role, persona, content, token_count, created_at,
    updated_at, partial, reply_to_id)
    SELECT c.id, :external_id, :author_id, :author_name, :role, :persona,
    :content, :token_count, :created_at, :created_at, :partial, :reply_to_id
    FROM conversations c WHERE c.channel_id = :channel_id AND c.user_id = :user_id
    RETURNING id,
    (SELECT c2.guild_id FROM conversations c2 WHERE c2.id = conversation_id) AS guild_id`,
  getMessage: `${WITH_CONVERSATION} WHERE m.id = :id`,
  findByExternalId:
    `${WITH_CONVERSATION} WHERE m.external_id = :external_id ORDER BY m.id LIMIT 1`,
  recentMessages: RECENT_MESSAGES_SQL,
  resetConversation: `INSERT INTO conversations
    (channel_id, guild_id, user_id, created_at, reset_at, reset_after_id)
    VALUES (:channel_id, :guild_id, :user_id, :at, :at, 0)
    ON CONFLICT (channel_id, user_id) DO UPDATE SET ${RAISE_RESET}`,
  // Messages go with their conversation (ON DELETE CASCADE), turns with their messages.
  dropChannel: "DELETE FROM conversations WHERE channel_id = :channel_id",
  resetChannel:
    `UPDATE conversations SET ${RAISE_RESET} WHERE channel_id = :channel_id`,
  getPersona: `SELECT persona FROM persona_choices
    WHERE binding_key = :binding_key AND user_id = :user_id`,
  setPersona:
    `INSERT INTO persona_choices (binding_key, user_id, persona, updated_at)
    VALUES (:binding_key, :user_id, :persona, :updated_at)
    ON CONFLICT (binding_key, user_id) DO UPDATE SET
    persona = excluded.persona, updated_at = excluded.updated_at`,
  deletePersona: `DELETE FROM persona_choices
    WHERE binding_key = :binding_key AND user_id = :user_id`,
  getRateLimit:
    "SELECT count, window_start, notified FROM rate_limits WHERE key = :key",
  setRateLimit: `INSERT INTO rate_limits (key, count, window_start, notified)
    VALUES (:key, :count, :window_start, :notified)
    ON CONFLICT (key) DO UPDATE SET count = excluded.count,
    window_start = excluded.window_start, notified = excluded.notified`,
  /**
   * Counts one hit when the window allows it (see `rate_limit_hits.ts`):
   * a window past :window_ms starts again at :now; a full window is left
   * alone but marked notified, and not touched at all (no row returned)
   * once it is.
   */
  hitRateLimit: `INSERT INTO rate_limits (key, count, window_start, notified)
    VALUES (:key, min(1, :limit), :now, :limit < 1)
    ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN :now - window_start >= :window_ms THEN min(1, :limit)
      WHEN count < :limit THEN count + 1 ELSE count END,
    notified = CASE WHEN :now - window_start >= :window_ms THEN :limit < 1
      ELSE count >= :limit END,
    window_start = CASE WHEN :now - window_start >= :window_ms THEN :now
      ELSE window_start END
    WHERE :now - window_start >= :window_ms OR count < :limit OR notified = 0
    RETURNING window_start, notified`,
  /** Takes back a hit counted in the window that started at :window_start; an emptied window ends. */
  unhitRateLimit: `UPDATE rate_limits SET count = count - 1,
    window_start = CASE WHEN count = 1 THEN :now - :window_ms ELSE window_start END
    WHERE key = :key AND window_start = :window_start AND count > 0`,
  pruneMessages: `DELETE FROM messages WHERE id IN
    (SELECT id FROM messages WHERE created_at < :before LIMIT :batch)`,
  pruneConversations: `DELETE FROM conversations
    WHERE max(created_at, coalesce(reset_at, created_at)) < :before
    AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id)`,
  messagesOfUser: `${WITH_CONVERSATION} WHERE m.id IN (
    SELECT id FROM messages WHERE author_id = :user_id
    UNION
    SELECT m2.id FROM conversations c2 JOIN messages m2 ON m2.conversation_id = c2.id
    WHERE c2.user_id = :user_id
    UNION
    ${REPLIES_TO_USER})
    ORDER BY m.id`,
  personaChoicesOfUser: `SELECT binding_key, persona, updated_at
    FROM persona_choices WHERE user_id = :user_id ORDER BY binding_key`,
  /** A scan of rate_limits, like forgetRateLimits: `user:<id>` may be any pair of segments. */
  rateLimitsOfUser: `SELECT key, count, window_start FROM rate_limits
    WHERE instr(':' || key || ':', :segment) > 0 ORDER BY key`,
  forgetLinkedReplies: `DELETE FROM messages WHERE id IN (${REPLIES_TO_USER})`,
  forgetAuthoredMessages: "DELETE FROM messages WHERE author_id = :user_id",
  forgetConversationMessages: `DELETE FROM messages
    INDEXED BY messages_by_conversation WHERE conversation_id IN
    (SELECT id FROM conversations WHERE user_id = :user_id)`,
  forgetConversations: "DELETE FROM conversations WHERE user_id = :user_id",
  forgetPersonas: "DELETE FROM persona_choices WHERE user_id = :user_id",
  getTokenCalibrations:
    "SELECT endpoint, model, ratio, samples, updated_at FROM token_calibrations ORDER BY endpoint, model",
  setTokenCalibration:
    `INSERT INTO token_calibrations (endpoint, model, ratio, samples, updated_at)
    VALUES (:endpoint, :model, :ratio, :samples, :updated_at)
    ON CONFLICT (endpoint, model) DO UPDATE SET ratio = excluded.ratio,
    samples = excluded.samples, updated_at = excluded.updated_at`,
  pruneRateLimits: "DELETE FROM rate_limits WHERE window_start < :before",
  prunePersonaChoices:
    "DELETE FROM persona_choices WHERE updated_at < :before AND persona NOT IN (SELECT value FROM json_each(:personas))",
  forgetRateLimits:
    "DELETE FROM rate_limits WHERE instr(':' || key || ':', :segment) > 0",
  probe: `INSERT INTO health_probe (id, writes) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET writes = writes + 1`,
  ...MEMORY_SQL,
} as const;

/** The name of one statement in {@link SQL}. */
export type StatementName = keyof typeof SQL;
