/**
 * Conversations and their messages in SQLite: appending a message (creating
 * its conversation on first use, checking its reply link) and reading the
 * history after the last reset, and pruning old messages. Used by {@link SqliteStore}.
 *
 * @module
 */

import type {
  ConversationKey,
  HistoryQuery,
  NewMessage,
  StoredMessage,
} from "./store.ts";
import { type SqliteConnection, transaction } from "./sqlite_connection.ts";
import {
  conversationFromRow,
  conversationParams,
  type ConversationRow,
  int,
  messageFields,
  messageParams,
  text,
} from "./sqlite_rows.ts";
import {
  historyGuild,
  historyMessage,
  historyRow,
} from "./sqlite_history_rows.ts";
import {
  missingReplyTarget,
  replyLinkToCheck,
  sqlLimit,
} from "./store_checks.ts";

/**
 * Appends a message, creating its conversation on first use (then in one
 * transaction); refuses a `reply_to_id` on a non-assistant message or to a
 * message that is not stored.
 */
export function addMessage(
  connection: SqliteConnection,
  message: NewMessage,
): StoredMessage {
  replyLinkToCheck(message);
  // One write when the conversation exists: SQLite undoes a failing
  // statement alone, no savepoint needed.
  return appendToConversation(connection, message) ??
    transaction(connection, () => {
      const conversation = createConversation(
        connection,
        message.conversation,
        message.created_at,
      );
      return storedAs(
        message,
        linkChecked(message, () =>
          connection.statements.insertMessage.get(
            messageParams(conversation.id, message),
          )),
        conversation.key,
      );
    });
}

/**
 * Appends the message to its stored conversation in one statement; null
 * when the conversation is not stored yet (nothing written).
 */
export function appendToConversation(
  connection: SqliteConnection,
  message: NewMessage,
): StoredMessage | null {
  const key = message.conversation;
  const params = messageFields(message);
  params.channel_id = key.channel_id;
  params.user_id = key.user_id;
  const row = linkChecked(
    message,
    () => connection.statements.insertIntoConversation.get(params),
  );
  if (row === undefined) return null;
  return storedAs(message, row, {
    channel_id: key.channel_id,
    guild_id: text(row, "guild_id"),
    user_id: key.user_id,
  });
}

/** Runs an insert of `message`; a reply link to a message not stored fails with its own message. */
function linkChecked<T>(message: NewMessage, insert: () => T): T {
  try {
    return insert();
  } catch (error) {
    const link = message.reply_to_id ?? null;
    if (link !== null && isForeignKeyFailure(error)) {
      throw missingReplyTarget(link);
    }
    throw error;
  }
}

/** SQLITE_CONSTRAINT_FOREIGNKEY. */
function isForeignKeyFailure(error: unknown): boolean {
  return (error as { errcode?: unknown } | null)?.errcode === 787;
}

/** The stored message: `message` with the id of `row` in `conversation`. */
function storedAs(
  message: NewMessage,
  row: Record<string, unknown> | undefined,
  conversation: ConversationKey,
): StoredMessage {
  return {
    ...message,
    id: int(row ?? {}, "id"),
    conversation,
    updated_at: message.created_at,
    reply_to_id: message.reply_to_id ?? null,
  };
}

/**
 * The newest messages of the conversation, newest first (by id): at most
 * `limit`, created at or after `since`, below `before_id`, and none stored
 * before its last reset or created before the reset's time. One statement
 * reads the conversation and its messages, as arrays (no row objects).
 */
export function recentMessages(
  connection: SqliteConnection,
  query: HistoryQuery,
): StoredMessage[] {
  const limit = sqlLimit(query.limit);
  if (Number.isNaN(query.since)) throw new RangeError("since is NaN");
  if (limit === 0) return [];
  const rows = connection.statements.recentMessages.all({
    channel_id: query.conversation.channel_id,
    user_id: query.conversation.user_id,
    after_id: query.after_id ?? 0,
    before_id: query.before_id ?? Number.MAX_SAFE_INTEGER,
    since: Number.isFinite(query.since) ? query.since : Number.MIN_SAFE_INTEGER,
    limit,
  });
  if (rows.length === 0) return [];
  const conversation: ConversationKey = {
    channel_id: query.conversation.channel_id,
    guild_id: historyGuild(historyRow(rows[0])),
    user_id: query.conversation.user_id,
  };
  return rows.map((row) => historyMessage(historyRow(row), conversation));
}

/**
 * Deletes the messages created before `before`, `batch` at a time so other
 * connections are not locked out for long, then the conversations left
 * empty whose creation and last reset are also older. Returns the number
 * of messages deleted.
 */
/** Deletes at most `batch` messages created before `before`; returns how many. */
export function pruneMessageBatch(
  connection: SqliteConnection,
  before: number,
  batch: number,
): number {
  return Number(
    connection.statements.pruneMessages.run({ before, batch }).changes,
  );
}

/** Deletes conversations left empty whose creation and last reset are before `before`. */
export function pruneEmptyConversations(
  connection: SqliteConnection,
  before: number,
): void {
  connection.statements.pruneConversations.run({ before });
}

/** The stored conversation with this key, or undefined. */
export function findConversation(
  connection: SqliteConnection,
  key: ConversationKey,
): ConversationRow | undefined {
  const row = connection.statements.selectConversation.get({
    channel_id: key.channel_id,
    user_id: key.user_id,
  });
  return row === undefined ? undefined : conversationFromRow(row);
}

/** Creates the conversation row (the caller knows it is missing). */
export function createConversation(
  connection: SqliteConnection,
  key: ConversationKey,
  at: number,
): ConversationRow {
  const row = connection.statements.insertConversation.get({
    ...conversationParams(key),
    created_at: at,
  });
  return conversationFromRow(row ?? {});
}
