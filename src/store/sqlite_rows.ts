/**
 * Converts between the store's types and SQLite: rows read are checked column
 * by column on the way in (the schema guarantees the types; a mismatch means
 * the database was changed by hand and is reported, not passed on), and
 * values written become named parameters (booleans as 0 and 1).
 *
 * @module
 */

import type {
  ConversationKey,
  MessageRole,
  NewMessage,
  PersonaChoiceKey,
  RateLimitWindow,
  StoredMessage,
  UserPersonaChoice,
  UserRateLimit,
} from "./store.ts";

/** A row as `node:sqlite` returns it: column name to value. */
export type Row = Record<string, unknown>;

/** Named parameters as `node:sqlite` binds them. */
export type Params = Record<string, string | number | null>;

/** A conversation row: its id, key and reset boundary. */
export interface ConversationRow {
  id: number;
  key: ConversationKey;
  reset_at: number | null;
  reset_after_id: number;
}

const ROLES: readonly string[] = ["user", "assistant", "system"];

/** Reads a TEXT column that must not be NULL. */
export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== "string") throw columnError(column, "text", value);
  return value;
}

/** Reads an INTEGER column that must not be NULL. */
export function int(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== "number") throw columnError(column, "an integer", value);
  return value;
}

function nullableText(row: Row, column: string): string | null {
  return row[column] === null ? null : text(row, column);
}

function nullableInt(row: Row, column: string): number | null {
  return row[column] === null ? null : int(row, column);
}

/** Reads a conversations row. */
export function conversationFromRow(row: Row): ConversationRow {
  return {
    id: int(row, "id"),
    key: {
      channel_id: text(row, "channel_id"),
      guild_id: text(row, "guild_id"),
      user_id: text(row, "user_id"),
    },
    reset_at: nullableInt(row, "reset_at"),
    reset_after_id: int(row, "reset_after_id"),
  };
}

/**
 * Reads a messages row. The conversation comes from `conversation`, or from
 * the row's joined `channel_id`, `guild_id` and `conversation_user_id`.
 */
export function messageFromRow(
  row: Row,
  conversation?: ConversationKey,
): StoredMessage {
  const role = text(row, "role");
  if (!ROLES.includes(role)) throw columnError("role", "a role", role);
  return {
    id: int(row, "id"),
    conversation: conversation ?? {
      channel_id: text(row, "channel_id"),
      guild_id: text(row, "guild_id"),
      user_id: text(row, "conversation_user_id"),
    },
    external_id: nullableText(row, "external_id"),
    author_id: text(row, "author_id"),
    author_name: text(row, "author_name"),
    role: role as MessageRole,
    persona: text(row, "persona"),
    content: text(row, "content"),
    token_count: nullableInt(row, "token_count"),
    created_at: int(row, "created_at"),
    updated_at: int(row, "updated_at"),
    partial: int(row, "partial") === 1,
    reply_to_id: nullableInt(row, "reply_to_id"),
  };
}

/** Reads a rate_limits row. */
export function rateLimitFromRow(row: Row): RateLimitWindow {
  return {
    count: int(row, "count"),
    window_start: int(row, "window_start"),
    notified: int(row, "notified") === 1,
  };
}

/** Reads a persona_choices row of `personaChoicesOfUser`. */
export function personaChoiceFromRow(row: Row): UserPersonaChoice {
  return {
    binding_key: text(row, "binding_key"),
    persona: text(row, "persona"),
    updated_at: int(row, "updated_at"),
  };
}

/** Reads a rate_limits row of `rateLimitsOfUser`. */
export function userRateLimitFromRow(row: Row): UserRateLimit {
  return {
    key: text(row, "key"),
    count: int(row, "count"),
    window_start: int(row, "window_start"),
  };
}

/**
 * A conversation key as parameters. Keys are copied field by field:
 * `node:sqlite` rejects an object with a property no parameter is named
 * after, and callers may pass richer objects.
 */
export function conversationParams(key: ConversationKey): Params {
  return {
    channel_id: key.channel_id,
    guild_id: key.guild_id,
    user_id: key.user_id,
  };
}

/** A persona choice key as parameters, copied field by field. */
export function personaKeyParams(key: PersonaChoiceKey): Params {
  return { binding_key: key.binding_key, user_id: key.user_id };
}

/** The parameters of the `insertMessage` statement. */
export function messageParams(
  conversation_id: number,
  message: NewMessage,
): Params {
  return { conversation_id, ...messageFields(message) };
}

/** A message's own columns as parameters (`insertIntoConversation` adds its key). */
export function messageFields(message: NewMessage): Params {
  return {
    external_id: message.external_id,
    author_id: message.author_id,
    author_name: message.author_name,
    role: message.role,
    persona: message.persona,
    content: message.content,
    token_count: message.token_count,
    created_at: message.created_at,
    partial: message.partial ? 1 : 0,
    reply_to_id: message.reply_to_id ?? null,
  };
}

/** The parameters of the `setRateLimit` statement. */
export function rateLimitParams(key: string, window: RateLimitWindow): Params {
  return {
    key,
    count: window.count,
    window_start: window.window_start,
    notified: window.notified ? 1 : 0,
  };
}

function columnError(column: string, expected: string, value: unknown) {
  return new TypeError(
    `Cannot read column "${column}": expected ${expected}, found ${
      JSON.stringify(value) ?? String(value)
    } (was the database edited by hand?)`,
  );
}
