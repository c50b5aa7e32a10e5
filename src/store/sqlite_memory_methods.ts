/**
 * The SQLite store's layer for what is kept about users: their data export
 * and `forgetUser`, summaries, notes and preferences. Part of
 * {@link SqliteStore}.
 *
 * @module
 */

import type {
  ConversationKey,
  StoredMessage,
  UserPersonaChoice,
  UserRateLimit,
} from "./store.ts";
import * as userData from "./sqlite_user_data.ts";
import * as memory from "./sqlite_memory.ts";
import type {
  ConversationSummary,
  NewNote,
  UserNote,
  UserPreferences,
  UserSummary,
} from "./memory_store.ts";
import { describe, storableText } from "./store_checks.ts";
import { SqliteSettingsMethods } from "./sqlite_settings_methods.ts";

/** User data and memory (summaries, notes, preferences) in SQLite. */
export abstract class SqliteMemoryMethods extends SqliteSettingsMethods {
  /**
   * Messages the user wrote, every message of the user's own conversations
   * and the assistant replies linked to the user's messages, oldest first.
   */
  messagesOfUser(user_id: string): Promise<StoredMessage[]> {
    return this.run(
      `export the messages of user ${JSON.stringify(user_id)}`,
      () => userData.messagesOfUser(this.connection, user_id),
      "read",
    );
  }

  /** The user's own persona choices, by binding key. */
  personaChoicesOfUser(user_id: string): Promise<UserPersonaChoice[]> {
    return this.run(
      `export the persona choices of user ${JSON.stringify(user_id)}`,
      () => userData.personaChoicesOfUser(this.connection, user_id),
      "read",
    );
  }

  /** The rate-limit counters whose key holds `user:<id>`, by key. */
  rateLimitsOfUser(user_id: string): Promise<UserRateLimit[]> {
    return this.run(
      `export the rate-limit counters of user ${JSON.stringify(user_id)}`,
      () => userData.rateLimitsOfUser(this.connection, user_id),
      "read",
    );
  }

  /**
   * Deletes, in one transaction, the assistant replies linked to the user's
   * messages, the user's messages, their own conversations with every
   * message in them, their persona choices and the rate-limit counters whose
   * key holds `user:<id>`. Returns the rows removed.
   */
  forgetUser(user_id: string): Promise<number> {
    return this.run(
      `forget user ${JSON.stringify(user_id)}`,
      () => userData.forgetUser(this.connection, user_id),
    );
  }

  /** The conversation's summary, or null. */
  getSummary(key: ConversationKey): Promise<ConversationSummary | null> {
    return this.run(
      `read the summary of ${describe(key)}`,
      () => memory.getSummary(this.connection, key),
      "read",
    );
  }

  /** Writes the conversation's summary unless a reset hid what it covers. */
  setSummary(
    key: ConversationKey,
    summary: ConversationSummary,
  ): Promise<boolean> {
    return this.run(
      `save the summary of ${describe(key)}`,
      () =>
        memory.setSummary(this.connection, key, {
          ...summary,
          content: storableText(summary.content),
        }),
    );
  }

  /** Stores a note unless the user keeps `max_notes` already (null then). */
  addNote(note: NewNote, max_notes: number): Promise<UserNote | null> {
    return this.run(
      `save a note of user ${JSON.stringify(note.user_id)}`,
      () =>
        memory.addNote(
          this.connection,
          { ...note, content: storableText(note.content) },
          max_notes,
        ),
    );
  }

  /** The user's notes, oldest first, made in `guild_id` or anywhere. */
  notesOfUser(user_id: string, guild_id?: string): Promise<UserNote[]> {
    return this.run(
      `read the notes of user ${JSON.stringify(user_id)}`,
      () => memory.notesOfUser(this.connection, user_id, guild_id),
      "read",
    );
  }

  /** Deletes one note of the user; false when there is none with that id. */
  deleteNote(user_id: string, id: number): Promise<boolean> {
    return this.run(
      `delete note ${id} of user ${JSON.stringify(user_id)}`,
      () => memory.deleteNote(this.connection, user_id, id),
    );
  }

  /** Deletes the user's notes made in `guild_id` or anywhere; returns how many. */
  deleteNotes(user_id: string, guild_id?: string): Promise<number> {
    return this.run(
      `delete the notes of user ${JSON.stringify(user_id)}`,
      () => memory.deleteNotes(this.connection, user_id, guild_id),
    );
  }

  /** The user's preferences, or null when never set. */
  getPreferences(user_id: string): Promise<UserPreferences | null> {
    return this.run(
      `read the preferences of user ${JSON.stringify(user_id)}`,
      () => memory.getPreferences(this.connection, user_id),
      "read",
    );
  }

  /** Writes the user's preferences. */
  setPreferences(user_id: string, preferences: UserPreferences): Promise<void> {
    return this.run(
      `save the preferences of user ${JSON.stringify(user_id)}`,
      () => memory.setPreferences(this.connection, user_id, preferences),
    );
  }

  /** Summaries of the conversations the user owns or wrote in. */
  summariesOfUser(user_id: string): Promise<UserSummary[]> {
    return this.run(
      `export the summaries of user ${JSON.stringify(user_id)}`,
      () => memory.summariesOfUser(this.connection, user_id),
      "read",
    );
  }

  /** Deletes one message and the replies linked to it. */
  forgetTurn(message_id: number): Promise<number> {
    return this.run(
      `forget message ${message_id}`,
      () => memory.forgetTurn(this.connection, message_id),
    );
  }

  /** Deletes what the user wrote, what came of it and its summaries. */
  forgetHistoryOfUser(user_id: string): Promise<number> {
    return this.run(
      `forget the history of user ${JSON.stringify(user_id)}`,
      () => memory.forgetHistoryOfUser(this.connection, user_id),
    );
  }
}
