/**
 * Row readers for the memory tables, shared by the SQLite and PostgreSQL
 * stores (both read flags as 0 or 1), checked like `sqlite_rows.ts`.
 *
 * @module
 */

import type {
  ConversationSummary,
  ReplyLength,
  UserNote,
  UserPreferences,
  UserSummary,
} from "./memory_store.ts";
import { int, type Row, text } from "./sqlite_rows.ts";

/** Reads a conversation_summaries row. */
export function summaryFromRow(row: Row): ConversationSummary {
  return {
    content: text(row, "content"),
    through_id: int(row, "through_id"),
    token_count: row.token_count === null ? null : int(row, "token_count"),
    updated_at: int(row, "updated_at"),
  };
}

/** Reads a summary joined with its conversation's key. */
export function userSummaryFromRow(row: Row): UserSummary {
  return {
    ...summaryFromRow(row),
    conversation: {
      channel_id: text(row, "channel_id"),
      guild_id: text(row, "guild_id"),
      user_id: text(row, "user_id"),
    },
  };
}

/** Reads a user_notes row. */
export function noteFromRow(row: Row): UserNote {
  return {
    id: int(row, "id"),
    user_id: text(row, "user_id"),
    guild_id: text(row, "guild_id"),
    content: text(row, "content"),
    created_at: int(row, "created_at"),
  };
}

/** Reads a user_preferences row. */
export function preferencesFromRow(row: Row): UserPreferences {
  return {
    language: row.language === null ? null : text(row, "language"),
    length: row.length === null ? null : text(row, "length") as ReplyLength,
    ping: row.ping === null ? null : int(row, "ping") === 1,
    history: int(row, "history") === 1,
    updated_at: int(row, "updated_at"),
  };
}
