/**
 * The PostgreSQL store's queries that take more than one statement: a
 * message with its conversation (in one transaction), the history after the
 * last reset, and pruning in batches. Used by {@link PostgresStore}.
 *
 * @module
 */

import type {
  ReservedSql,
  Row as PgRow,
  RowList,
  TransactionSql,
} from "postgres";
import type {
  ConversationKey,
  HistoryQuery,
  NewMessage,
  StoredMessage,
} from "./store.ts";
import { errorCode, type Sql } from "./postgres_connect.ts";
import { PG_SQL, type PgStatementName } from "./postgres_sql.ts";
import {
  conversationFromRow,
  type ConversationRow,
  int,
  messageFromRow,
  text,
} from "./sqlite_rows.ts";
import {
  missingReplyTarget,
  replyLinkToCheck,
  sqlLimit,
} from "./store_checks.ts";

/** A parameter value as the statements take it. */
export type Param = string | number | boolean | null;

/** The pool, a transaction on it, or a reserved connection. */
type Runner = Sql | TransactionSql | ReservedSql;

/** Runs one named statement, prepared, with positional parameters. */
export function run(
  sql: Runner,
  name: PgStatementName,
  params: readonly Param[],
): Promise<RowList<PgRow[]>> {
  return sql.unsafe(PG_SQL[name], params as Param[], { prepare: true });
}

/**
 * Appends a message: one statement when its conversation is stored,
 * otherwise a transaction that creates the conversation first.
 */
export async function addMessage(
  sql: Sql,
  message: NewMessage,
): Promise<StoredMessage> {
  const link = replyLinkToCheck(message);
  return await appendToConversation(sql, message) ??
    await sql.begin(async (tx) => {
      if (link !== null) {
        const found = await run(tx, "messageExists", [link]);
        if (found.length === 0) throw missingReplyTarget(link);
      }
      return await insertMessage(tx, message);
    }) as StoredMessage;
}

/** A new message's column values after its conversation, in the order both insert statements take them. */
function messageValues(message: NewMessage, reply_to_id: number | null) {
  return [
    message.external_id,
    message.author_id,
    message.author_name,
    message.role,
    message.persona,
    message.content,
    message.token_count,
    message.created_at,
    message.partial,
    reply_to_id,
  ];
}

/**
 * Appends the message to its stored conversation in one statement; null
 * when the conversation is not stored yet (nothing written).
 */
export async function appendToConversation(
  sql: Runner,
  message: NewMessage,
): Promise<StoredMessage | null> {
  const key = message.conversation;
  const reply_to_id = message.reply_to_id ?? null;
  let rows: RowList<PgRow[]>;
  try {
    rows = await run(sql, "insertIntoConversation", [
      key.channel_id,
      key.user_id,
      ...messageValues(message, reply_to_id),
    ]);
  } catch (error) {
    // foreign_key_violation: the replied-to message is not stored.
    if (reply_to_id !== null && errorCode(error) === "23503") {
      throw missingReplyTarget(reply_to_id);
    }
    throw error;
  }
  const row = rows[0];
  if (row === undefined) return null;
  return {
    ...message,
    id: int(row, "id"),
    conversation: {
      channel_id: key.channel_id,
      guild_id: text(row, "guild_id"),
      user_id: key.user_id,
    },
    updated_at: message.created_at,
    reply_to_id,
  };
}

/**
 * Inserts `message` inside the transaction `tx`, creating its conversation
 * first when it has none yet (shared by `addMessage` and `addTurn`).
 */
export async function insertMessage(
  tx: TransactionSql,
  message: NewMessage,
): Promise<StoredMessage> {
  const key = message.conversation;
  const conversation = await findConversation(tx, key) ??
    conversationFromRow(
      (await run(tx, "upsertConversation", [
        key.channel_id,
        key.guild_id,
        key.user_id,
        message.created_at,
      ]))[0] ?? {},
    );
  const reply_to_id = message.reply_to_id ?? null;
  const [row] = await run(tx, "insertMessage", [
    conversation.id,
    ...messageValues(message, reply_to_id),
  ]);
  return {
    ...message,
    id: int(row ?? {}, "id"),
    conversation: conversation.key,
    updated_at: message.created_at,
    reply_to_id,
  };
}

/** The newest messages of a conversation after its last reset (see `Store.recentMessages`). */
export async function recentMessages(
  sql: Sql,
  query: HistoryQuery,
): Promise<StoredMessage[]> {
  const limit = sqlLimit(query.limit);
  if (Number.isNaN(query.since)) throw new RangeError("since is NaN");
  const conversation = await findConversation(sql, query.conversation);
  if (limit === 0 || conversation === undefined) return [];
  const since = Math.max(query.since, conversation.reset_at ?? -Infinity);
  const rows = await run(sql, "recentMessages", [
    conversation.id,
    Math.max(conversation.reset_after_id, query.after_id ?? 0),
    Math.min(
      query.before_id ?? Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
    ),
    Number.isFinite(since) ? since : Number.MIN_SAFE_INTEGER,
    limit < 0 ? null : limit,
  ]);
  return rows.map((row) => messageFromRow(row, conversation.key));
}

/** The stored conversation with this key, or undefined. */
export async function findConversation(
  sql: Runner,
  key: ConversationKey,
): Promise<ConversationRow | undefined> {
  const [row] = await run(sql, "selectConversation", [
    key.channel_id,
    key.user_id,
  ]);
  return row === undefined ? undefined : conversationFromRow(row);
}

/** Names the retention lock: one per schema. */
export const RETENTION_LOCK =
  "hashtext(current_schema() || '.discord_llm_bot.retention')";

/**
 * Deletes old messages `batch` at a time, then the conversations left
 * empty, holding a session advisory lock so that of several bot processes
 * sharing the database one prunes at a time; the others find the lock taken
 * and return 0 at once (retention is a once-per-bot job).
 */
export async function pruneMessages(
  sql: Sql,
  before: number,
  batch: number,
): Promise<number> {
  const connection = await sql.reserve();
  try {
    const [row] = await connection.unsafe(
      `SELECT pg_try_advisory_lock(${RETENTION_LOCK}) AS locked`,
    );
    if (row?.["locked"] !== true) return 0;
    try {
      let total = 0;
      for (;;) {
        const { count } = await run(connection, "pruneMessages", [
          before,
          batch,
        ]);
        total += count;
        if (count < batch) break;
      }
      await run(connection, "pruneConversations", [before]);
      return total;
    } finally {
      await connection.unsafe(`SELECT pg_advisory_unlock(${RETENTION_LOCK})`);
    }
  } finally {
    connection.release();
  }
}
