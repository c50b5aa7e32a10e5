/**
 * Summaries, notes and preferences in PostgreSQL (see `memory_store.ts`),
 * over the statements of `postgres_memory_sql.ts`. Used by `PostgresStore`.
 *
 * @module
 */

import type { ConversationKey } from "./store.ts";
import type {
  ConversationSummary,
  NewNote,
  UserNote,
  UserPreferences,
  UserSummary,
} from "./memory_store.ts";
import { checkNote, checkPreferences } from "./memory_checks.ts";
import {
  noteFromRow,
  preferencesFromRow,
  summaryFromRow,
  userSummaryFromRow,
} from "./memory_rows.ts";
import type { Sql } from "./postgres_connect.ts";
import { findConversation, run } from "./postgres_queries.ts";
import { conversationFromRow, int } from "./sqlite_rows.ts";
import { requireUserId } from "./store_checks.ts";

/** The conversation's summary, or null. */
export async function getSummary(
  sql: Sql,
  key: ConversationKey,
): Promise<ConversationSummary | null> {
  const [row] = await run(sql, "getSummary", [key.channel_id, key.user_id]);
  return row === undefined ? null : summaryFromRow(row);
}

/** Writes the conversation's summary, creating the conversation if needed. */
export async function setSummary(
  sql: Sql,
  key: ConversationKey,
  summary: ConversationSummary,
): Promise<boolean> {
  return await sql.begin(async (tx) => {
    const conversation = await findConversation(tx, key) ??
      conversationFromRow(
        (await run(tx, "upsertConversation", [
          key.channel_id,
          key.guild_id,
          key.user_id,
          summary.updated_at,
        ]))[0] ?? {},
      );
    if (summary.through_id <= conversation.reset_after_id) return false;
    await run(tx, "setSummary", [
      conversation.id,
      summary.content,
      summary.through_id,
      summary.token_count,
      summary.updated_at,
    ]);
    await run(tx, "addSummaryAuthors", [
      conversation.id,
      conversation.reset_after_id,
      summary.through_id,
    ]);
    return true;
  }) as boolean;
}

/** Summaries of the conversations the user owns or wrote in. */
export async function summariesOfUser(
  sql: Sql,
  user_id: string,
): Promise<UserSummary[]> {
  requireUserId(user_id);
  return (await run(sql, "summariesOfUser", [user_id])).map(
    userSummaryFromRow,
  );
}

/** Stores a note unless the user keeps `max_notes` already; null then. */
export async function addNote(
  sql: Sql,
  note: NewNote,
  max_notes: number,
): Promise<UserNote | null> {
  checkNote(note);
  return await sql.begin(async (tx) => {
    await run(tx, "lockNotes", [note.user_id]);
    const [counted] = await run(tx, "countNotes", [note.user_id]);
    if (int(counted ?? {}, "n") >= max_notes) return null;
    const [row] = await run(tx, "insertNote", [
      note.user_id,
      note.guild_id,
      note.content,
      note.created_at,
    ]);
    return { ...note, id: int(row ?? {}, "id") };
  }) as UserNote | null;
}

/** The user's notes, oldest first, for one place or all. */
export async function notesOfUser(
  sql: Sql,
  user_id: string,
  guild_id?: string,
): Promise<UserNote[]> {
  requireUserId(user_id);
  const rows = guild_id === undefined
    ? await run(sql, "notesOfUser", [user_id])
    : await run(sql, "notesOfUserIn", [user_id, guild_id]);
  return rows.map(noteFromRow);
}

/** Deletes one note of the user; false when there is none with that id. */
export async function deleteNote(
  sql: Sql,
  user_id: string,
  id: number,
): Promise<boolean> {
  requireUserId(user_id);
  return (await run(sql, "deleteNote", [user_id, id])).count > 0;
}

/** Deletes the user's notes for one place or all; returns how many. */
export async function deleteNotes(
  sql: Sql,
  user_id: string,
  guild_id?: string,
): Promise<number> {
  requireUserId(user_id);
  const result = guild_id === undefined
    ? await run(sql, "deleteNotes", [user_id])
    : await run(sql, "deleteNotesIn", [user_id, guild_id]);
  return result.count;
}

/** The user's preferences, or null when never set. */
export async function getPreferences(
  sql: Sql,
  user_id: string,
): Promise<UserPreferences | null> {
  const [row] = await run(sql, "getPreferences", [user_id]);
  return row === undefined ? null : preferencesFromRow(row);
}

/** Writes the user's preferences. */
export async function setPreferences(
  sql: Sql,
  user_id: string,
  preferences: UserPreferences,
): Promise<void> {
  checkPreferences(user_id, preferences);
  await run(sql, "setPreferences", [
    user_id,
    preferences.language,
    preferences.length,
    preferences.ping,
    preferences.history,
    preferences.updated_at,
  ]);
}

/** Deletes one message and the replies linked to it; returns the rows removed. */
export async function forgetTurn(
  sql: Sql,
  message_id: number,
): Promise<number> {
  return await sql.begin(async (tx) =>
    (await run(tx, "forgetTurnReplies", [message_id])).count +
    (await run(tx, "forgetTurnMessage", [message_id])).count
  ) as number;
}

/** Deletes the user's history and the summaries made from it (see `MemoryStore`). */
export async function forgetHistoryOfUser(
  sql: Sql,
  user_id: string,
): Promise<number> {
  requireUserId(user_id);
  return await sql.begin(async (tx) => {
    let total = 0;
    for (
      const name of [
        "forgetSummaries",
        "forgetLinkedReplies",
        "forgetAuthoredMessages",
        "forgetConversationMessages",
      ] as const
    ) {
      total += (await run(tx, name, [user_id])).count;
    }
    return total;
  }) as number;
}
