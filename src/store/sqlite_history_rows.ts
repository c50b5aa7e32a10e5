/**
 * Reads the rows of the SQLite history query (`RECENT_MESSAGES_SQL`), which
 * come as arrays, not objects: the history is the store's largest read on
 * every turn, and an object per row (and a second one for the message) was
 * most of its cost. Each value is checked like `sqlite_rows.ts` checks a
 * column: a mismatch means the database was changed by hand.
 *
 * @module
 */

import type { ConversationKey, MessageRole, StoredMessage } from "./store.ts";

/** The columns of `RECENT_MESSAGES_SQL`, in order. */
const COLUMNS = [
  "id",
  "external_id",
  "author_id",
  "author_name",
  "role",
  "persona",
  "content",
  "token_count",
  "created_at",
  "updated_at",
  "partial",
  "reply_to_id",
  "guild_id",
] as const;

function fail(column: number, expected: string, value: unknown): never {
  throw new TypeError(
    `Cannot read column "${COLUMNS[column]}": expected ${expected}, found ${
      JSON.stringify(value) ?? String(value)
    } (was the database edited by hand?)`,
  );
}

function text(row: readonly unknown[], column: number): string {
  const value = row[column];
  return typeof value === "string" ? value : fail(column, "text", value);
}

function int(row: readonly unknown[], column: number): number {
  const value = row[column];
  return typeof value === "number" ? value : fail(column, "an integer", value);
}

function nullableText(row: readonly unknown[], column: number): string | null {
  return row[column] === null ? null : text(row, column);
}

function nullableInt(row: readonly unknown[], column: number): number | null {
  return row[column] === null ? null : int(row, column);
}

function role(row: readonly unknown[]): MessageRole {
  const value = row[4];
  return value === "user" || value === "assistant" || value === "system"
    ? value
    : fail(4, "a role", value);
}

/** A row as an array: as it comes, or an object's values in column order. */
export function historyRow(row: unknown): readonly unknown[] {
  return Array.isArray(row) ? row : Object.values(row as object);
}

/** The stored guild id of the conversation a history row belongs to. */
export function historyGuild(row: readonly unknown[]): string {
  return text(row, 12);
}

/** One history row as a message of `conversation` (shared by every row). */
export function historyMessage(
  row: readonly unknown[],
  conversation: ConversationKey,
): StoredMessage {
  return {
    id: int(row, 0),
    conversation,
    external_id: nullableText(row, 1),
    author_id: text(row, 2),
    author_name: text(row, 3),
    role: role(row),
    persona: text(row, 5),
    content: text(row, 6),
    token_count: nullableInt(row, 7),
    created_at: int(row, 8),
    updated_at: int(row, 9),
    partial: int(row, 10) === 1,
    reply_to_id: nullableInt(row, 11),
  };
}
