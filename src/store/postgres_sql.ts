/**
 * The SQL text of every statement the PostgreSQL store runs, in one place,
 * the counterpart of `sqlite_sql.ts`. Parameters are positional (`$1`); each
 * statement is sent as a named prepared statement, parsed once per pooled
 * connection. Ids and times are `bigint` columns that the connection parses
 * into numbers (they stay below 2^53), flags are `boolean`, read as 0 or 1
 * so that the row readers of `sqlite_rows.ts` serve both stores.
 *
 * @module
 */

import { PG_MEMORY_SQL } from "./postgres_memory_sql.ts";

const MESSAGE_COLUMNS =
  "m.id, m.conversation_id, m.external_id, m.author_id, m.author_name, m.role, m.persona, m.content, m.token_count, m.created_at, m.updated_at, m.partial::int AS partial, m.reply_to_id";

const WITH_CONVERSATION = `SELECT ${MESSAGE_COLUMNS},
  c.channel_id, c.guild_id, c.user_id AS conversation_user_id
  FROM messages m JOIN conversations c ON c.id = m.conversation_id`;

const CONVERSATION_COLUMNS =
  "id, channel_id, guild_id, user_id, reset_at, reset_after_id";

/** Raises the reset marker of `conversations` to time $1, never lowering it. */
const RAISE_RESET =
  `reset_at = greatest(coalesce(conversations.reset_at, $1), $1),
  reset_after_id = greatest(conversations.reset_after_id, coalesce(
    (SELECT max(m.id) FROM messages m WHERE m.conversation_id = conversations.id), 0))`;

/** The replies linked to a message user $1 wrote (see `sqlite_sql.ts`). */
const REPLIES_TO_USER = `SELECT r.id FROM messages r
    WHERE r.role = 'assistant' AND r.reply_to_id IN
    (SELECT a.id FROM messages a WHERE a.author_id = $1)`;

/** Every statement of the PostgreSQL store, by name. */
export const PG_SQL = {
  selectConversation: `SELECT ${CONVERSATION_COLUMNS} FROM conversations
    WHERE channel_id = $1 AND user_id = $2`,
  /** Creates the conversation, or returns the one another process created first. */
  upsertConversation: `INSERT INTO conversations
    (channel_id, guild_id, user_id, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (channel_id, user_id) DO UPDATE SET channel_id = excluded.channel_id
    RETURNING ${CONVERSATION_COLUMNS}`,
  insertMessage: `INSERT INTO messages (conversation_id, external_id, author_id,
    author_name, role, persona, content, token_count, created_at, updated_at, partial,
    reply_to_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)
    RETURNING id`,
  /**
   * Appends a message to its conversation found by key ($1 channel, $2
   * user), in one statement: no row when the conversation is not stored
   * yet. A reply_to_id that is not stored fails the foreign key (which also
   * locks the replied-to message until the reply commits).
   */
  insertIntoConversation: `INSERT INTO messages (conversation_id, external_id,
    author_id, author_name, role, persona, content, token_count, created_at,
    updated_at, partial, reply_to_id)
    SELECT c.id, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text,
    $9::int, $10::bigint, $10::bigint, $11::boolean, $12::bigint
    FROM conversations c WHERE c.channel_id = $1 AND c.user_id = $2
    RETURNING id,
    (SELECT c2.guild_id FROM conversations c2 WHERE c2.id = conversation_id) AS guild_id`,
  /** Locks the replied-to message so that it cannot be deleted before the reply commits. */
  messageExists: "SELECT 1 AS found FROM messages WHERE id = $1 FOR KEY SHARE",
  updateMessage: `UPDATE messages SET
    content = CASE WHEN $2 THEN $3 ELSE content END,
    token_count = CASE WHEN $4 THEN $5::integer ELSE token_count END,
    partial = CASE WHEN $6 THEN $7 ELSE partial END,
    external_id = CASE WHEN $8 THEN $9 ELSE external_id END,
    updated_at = $10
    WHERE id = $1`,
  getMessage: `${WITH_CONVERSATION} WHERE m.id = $1`,
  findByExternalId:
    `${WITH_CONVERSATION} WHERE m.external_id = $1 ORDER BY m.id LIMIT 1`,
  /** $5 is the limit, or null for none. */
  recentMessages: `SELECT ${MESSAGE_COLUMNS} FROM messages m
    WHERE m.conversation_id = $1
      AND m.id > $2 AND m.id < $3 AND m.created_at >= $4
    ORDER BY m.id DESC LIMIT $5`,
  resetConversation: `INSERT INTO conversations
    (channel_id, guild_id, user_id, created_at, reset_at, reset_after_id)
    VALUES ($2, $3, $4, $1, $1, 0)
    ON CONFLICT (channel_id, user_id) DO UPDATE SET ${RAISE_RESET}`,
  // Messages go with their conversation (ON DELETE CASCADE), turns with their messages.
  dropChannel: "DELETE FROM conversations WHERE channel_id = $1",
  resetChannel: `UPDATE conversations SET ${RAISE_RESET} WHERE channel_id = $2`,
  getPersona: `SELECT persona FROM persona_choices
    WHERE binding_key = $1 AND user_id = $2`,
  setPersona:
    `INSERT INTO persona_choices (binding_key, user_id, persona, updated_at)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (binding_key, user_id) DO UPDATE SET
    persona = excluded.persona, updated_at = excluded.updated_at`,
  deletePersona: `DELETE FROM persona_choices
    WHERE binding_key = $1 AND user_id = $2`,
  getRateLimit:
    "SELECT count, window_start, notified::int AS notified FROM rate_limits WHERE key = $1",
  setRateLimit: `INSERT INTO rate_limits (key, count, window_start, notified)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (key) DO UPDATE SET count = excluded.count,
    window_start = excluded.window_start, notified = excluded.notified`,
  /** See `hitRateLimit` in `sqlite_sql.ts`: $1 key, $2 limit, $3 window_ms, $4 now. */
  hitRateLimit:
    `INSERT INTO rate_limits AS r (key, count, window_start, notified)
    VALUES ($1::text, LEAST(1, $2::int), $4::bigint, $2::int < 1)
    ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN $4::bigint - r.window_start >= $3::bigint THEN LEAST(1, $2::int)
      WHEN r.count < $2::int THEN r.count + 1 ELSE r.count END,
    notified = CASE WHEN $4::bigint - r.window_start >= $3::bigint THEN $2::int < 1
      ELSE r.count >= $2::int END,
    window_start = CASE WHEN $4::bigint - r.window_start >= $3::bigint THEN $4::bigint
      ELSE r.window_start END
    WHERE $4::bigint - r.window_start >= $3::bigint OR r.count < $2::int OR NOT r.notified
    RETURNING r.window_start, r.notified::int AS notified`,
  /** See `unhitRateLimit` in `sqlite_sql.ts`: $1 key, $2 window_ms, $3 window_start, $4 now. */
  unhitRateLimit: `UPDATE rate_limits SET count = count - 1,
    window_start = CASE WHEN count = 1 THEN $4::bigint - $2::bigint ELSE window_start END
    WHERE key = $1::text AND window_start = $3::bigint AND count > 0`,
  pruneMessages: `DELETE FROM messages WHERE id IN
    (SELECT id FROM messages WHERE created_at < $1 LIMIT $2)`,
  pruneConversations: `DELETE FROM conversations
    WHERE greatest(created_at, coalesce(reset_at, created_at)) < $1
    AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = conversations.id)`,
  messagesOfUser: `${WITH_CONVERSATION} WHERE m.id IN (
    SELECT id FROM messages WHERE author_id = $1
    UNION
    SELECT m2.id FROM conversations c2 JOIN messages m2 ON m2.conversation_id = c2.id
    WHERE c2.user_id = $1
    UNION
    ${REPLIES_TO_USER})
    ORDER BY m.id`,
  personaChoicesOfUser: `SELECT binding_key, persona, updated_at
    FROM persona_choices WHERE user_id = $1 ORDER BY binding_key COLLATE "C"`,
  rateLimitsOfUser: `SELECT key, count, window_start FROM rate_limits
    WHERE strpos(':' || key || ':', $1) > 0 ORDER BY key COLLATE "C"`,
  forgetLinkedReplies: `DELETE FROM messages WHERE id IN (${REPLIES_TO_USER})`,
  forgetAuthoredMessages: "DELETE FROM messages WHERE author_id = $1",
  forgetConversationMessages: `DELETE FROM messages WHERE conversation_id IN
    (SELECT id FROM conversations WHERE user_id = $1)`,
  forgetConversations: "DELETE FROM conversations WHERE user_id = $1",
  forgetPersonas: "DELETE FROM persona_choices WHERE user_id = $1",
  getTokenCalibrations:
    "SELECT endpoint, model, ratio, samples, updated_at FROM token_calibrations ORDER BY endpoint, model",
  setTokenCalibration:
    `INSERT INTO token_calibrations (endpoint, model, ratio, samples, updated_at)
    VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (endpoint, model) DO UPDATE SET ratio = excluded.ratio,
    samples = excluded.samples, updated_at = excluded.updated_at`,
  pruneRateLimits: "DELETE FROM rate_limits WHERE window_start < $1",
  prunePersonaChoices:
    "DELETE FROM persona_choices WHERE updated_at < $2::bigint AND persona NOT IN (SELECT jsonb_array_elements_text(CAST($1::text AS jsonb)))",
  forgetRateLimits:
    "DELETE FROM rate_limits WHERE strpos(':' || key || ':', $1) > 0",
  probe: `INSERT INTO health_probe (id, writes) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET writes = health_probe.writes + 1`,
  ...PG_MEMORY_SQL,
} as const;

/** The name of one statement in {@link PG_SQL}. */
export type PgStatementName = keyof typeof PG_SQL;
