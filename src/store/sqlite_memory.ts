/**
 * Summaries, notes and preferences in SQLite (see `memory_store.ts`), over
 * the statements of `sqlite_memory_sql.ts`. Used by {@link SqliteStore}.
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
import { type SqliteConnection, transaction } from "./sqlite_connection.ts";
import { createConversation, findConversation } from "./sqlite_history.ts";
import { int } from "./sqlite_rows.ts";
import {
  noteFromRow,
  preferencesFromRow,
  summaryFromRow,
  userSummaryFromRow,
} from "./memory_rows.ts";
import { requireUserId } from "./store_checks.ts";

/** The conversation's summary, or null. */
export function getSummary(
  connection: SqliteConnection,
  key: ConversationKey,
): ConversationSummary | null {
  const row = connection.statements.getSummary.get({
    channel_id: key.channel_id,
    user_id: key.user_id,
  });
  return row === undefined ? null : summaryFromRow(row);
}

/** Writes the conversation's summary unless a reset hid what it covers (see `MemoryStore`). */
export function setSummary(
  connection: SqliteConnection,
  key: ConversationKey,
  summary: ConversationSummary,
): boolean {
  return transaction(connection, () => {
    const conversation = findConversation(connection, key) ??
      createConversation(connection, key, summary.updated_at);
    if (summary.through_id <= conversation.reset_after_id) return false;
    connection.statements.setSummary.run({
      conversation_id: conversation.id,
      content: summary.content,
      through_id: summary.through_id,
      token_count: summary.token_count,
      updated_at: summary.updated_at,
    });
    connection.statements.addSummaryAuthors.run({
      conversation_id: conversation.id,
      after_id: conversation.reset_after_id,
      through_id: summary.through_id,
    });
    return true;
  });
}

/** Summaries of the conversations the user owns or wrote in. */
export function summariesOfUser(
  connection: SqliteConnection,
  user_id: string,
): UserSummary[] {
  requireUserId(user_id);
  return connection.statements.summariesOfUser.all({ user_id }).map(
    userSummaryFromRow,
  );
}

/** Stores a note unless the user keeps `max_notes` already; null then. */
export function addNote(
  connection: SqliteConnection,
  note: NewNote,
  max_notes: number,
): UserNote | null {
  checkNote(note);
  return transaction(connection, () => {
    const s = connection.statements;
    const count = int(s.countNotes.get({ user_id: note.user_id }) ?? {}, "n");
    if (count >= max_notes) return null;
    const row = s.insertNote.get({ ...note });
    return { ...note, id: int(row ?? {}, "id") };
  });
}

/** The user's notes, oldest first, for one place or all. */
export function notesOfUser(
  connection: SqliteConnection,
  user_id: string,
  guild_id?: string,
): UserNote[] {
  requireUserId(user_id);
  const s = connection.statements;
  const rows = guild_id === undefined
    ? s.notesOfUser.all({ user_id })
    : s.notesOfUserIn.all({ user_id, guild_id });
  return rows.map(noteFromRow);
}

/** Deletes one note of the user; false when there is none with that id. */
export function deleteNote(
  connection: SqliteConnection,
  user_id: string,
  id: number,
): boolean {
  requireUserId(user_id);
  return Number(connection.statements.deleteNote.run({ user_id, id }).changes) >
    0;
}

/** Deletes the user's notes for one place or all; returns how many. */
export function deleteNotes(
  connection: SqliteConnection,
  user_id: string,
  guild_id?: string,
): number {
  requireUserId(user_id);
  const s = connection.statements;
  const result = guild_id === undefined
    ? s.deleteNotes.run({ user_id })
    : s.deleteNotesIn.run({ user_id, guild_id });
  return Number(result.changes);
}

/** The user's preferences, or null when never set. */
export function getPreferences(
  connection: SqliteConnection,
  user_id: string,
): UserPreferences | null {
  const row = connection.statements.getPreferences.get({ user_id });
  return row === undefined ? null : preferencesFromRow(row);
}

/** Writes the user's preferences. */
export function setPreferences(
  connection: SqliteConnection,
  user_id: string,
  preferences: UserPreferences,
): void {
  checkPreferences(user_id, preferences);
  connection.statements.setPreferences.run({
    user_id,
    language: preferences.language,
    length: preferences.length,
    ping: preferences.ping === null ? null : preferences.ping ? 1 : 0,
    history: preferences.history ? 1 : 0,
    updated_at: preferences.updated_at,
  });
}

/** Deletes one message and the replies linked to it; returns the rows removed. */
export function forgetTurn(
  connection: SqliteConnection,
  message_id: number,
): number {
  return transaction(connection, () => {
    const s = connection.statements;
    return Number(s.forgetTurnReplies.run({ id: message_id }).changes) +
      Number(s.forgetTurnMessage.run({ id: message_id }).changes);
  });
}

/** Deletes the user's history and the summaries made from it (see `MemoryStore`). */
export function forgetHistoryOfUser(
  connection: SqliteConnection,
  user_id: string,
): number {
  requireUserId(user_id);
  return transaction(connection, () => {
    const s = connection.statements;
    return [
      s.forgetSummaries.run({ user_id }),
      s.forgetLinkedReplies.run({ user_id }),
      s.forgetAuthoredMessages.run({ user_id }),
      s.forgetConversationMessages.run({ user_id }),
    ].reduce((sum, result) => sum + Number(result.changes), 0);
  });
}
