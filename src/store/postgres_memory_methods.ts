/**
 * The PostgreSQL store's layer for what is kept about users: their data
 * export and `forgetUser`, summaries, notes and preferences. Part of
 * {@link PostgresStore}.
 *
 * @module
 */

import type {
  ConversationKey,
  StoredMessage,
  UserPersonaChoice,
  UserRateLimit,
} from "./store.ts";
import * as userData from "./postgres_user_data.ts";
import * as memory from "./postgres_memory.ts";
import type {
  ConversationSummary,
  NewNote,
  UserNote,
  UserPreferences,
  UserSummary,
} from "./memory_store.ts";
import { describe, storableText } from "./store_checks.ts";
import { PostgresSettingsMethods } from "./postgres_settings_methods.ts";

/** User data and memory (summaries, notes, preferences) in PostgreSQL. */
export abstract class PostgresMemoryMethods extends PostgresSettingsMethods {
  /** Messages the user wrote, their own conversations and the replies linked to them, oldest first. */
  messagesOfUser(user_id: string): Promise<StoredMessage[]> {
    return this.run(
      `export the messages of user ${JSON.stringify(user_id)}`,
      () => userData.messagesOfUser(this.sql, user_id),
    );
  }

  /** The user's own persona choices, by binding key. */
  personaChoicesOfUser(user_id: string): Promise<UserPersonaChoice[]> {
    return this.run(
      `export the persona choices of user ${JSON.stringify(user_id)}`,
      () => userData.personaChoicesOfUser(this.sql, user_id),
    );
  }

  /** The rate-limit counters whose key holds `user:<id>`, by key. */
  rateLimitsOfUser(user_id: string): Promise<UserRateLimit[]> {
    return this.run(
      `export the rate-limit counters of user ${JSON.stringify(user_id)}`,
      () => userData.rateLimitsOfUser(this.sql, user_id),
    );
  }

  /** Deletes everything stored about the user in one transaction; returns the rows removed. */
  forgetUser(user_id: string): Promise<number> {
    return this.run(
      `forget user ${JSON.stringify(user_id)}`,
      () => userData.forgetUser(this.sql, user_id),
    );
  }

  /** The conversation's summary, or null. */
  getSummary(key: ConversationKey): Promise<ConversationSummary | null> {
    return this.run(
      `read the summary of ${describe(key)}`,
      () => memory.getSummary(this.sql, key),
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
        memory.setSummary(this.sql, key, {
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
          this.sql,
          { ...note, content: storableText(note.content) },
          max_notes,
        ),
    );
  }

  /** The user's notes, oldest first, made in `guild_id` or anywhere. */
  notesOfUser(user_id: string, guild_id?: string): Promise<UserNote[]> {
    return this.run(
      `read the notes of user ${JSON.stringify(user_id)}`,
      () => memory.notesOfUser(this.sql, user_id, guild_id),
    );
  }

  /** Deletes one note of the user; false when there is none with that id. */
  deleteNote(user_id: string, id: number): Promise<boolean> {
    return this.run(
      `delete note ${id} of user ${JSON.stringify(user_id)}`,
      () => memory.deleteNote(this.sql, user_id, id),
    );
  }

  /** Deletes the user's notes made in `guild_id` or anywhere; returns how many. */
  deleteNotes(user_id: string, guild_id?: string): Promise<number> {
    return this.run(
      `delete the notes of user ${JSON.stringify(user_id)}`,
      () => memory.deleteNotes(this.sql, user_id, guild_id),
    );
  }

  /** The user's preferences, or null when never set. */
  getPreferences(user_id: string): Promise<UserPreferences | null> {
    return this.run(
      `read the preferences of user ${JSON.stringify(user_id)}`,
      () => memory.getPreferences(this.sql, user_id),
    );
  }

  /** Writes the user's preferences. */
  setPreferences(user_id: string, preferences: UserPreferences): Promise<void> {
    return this.run(
      `save the preferences of user ${JSON.stringify(user_id)}`,
      () => memory.setPreferences(this.sql, user_id, preferences),
    );
  }

  /** Summaries of the conversations the user owns or wrote in. */
  summariesOfUser(user_id: string): Promise<UserSummary[]> {
    return this.run(
      `export the summaries of user ${JSON.stringify(user_id)}`,
      () => memory.summariesOfUser(this.sql, user_id),
    );
  }

  /** Deletes one message and the replies linked to it. */
  forgetTurn(message_id: number): Promise<number> {
    return this.run(
      `forget message ${message_id}`,
      () => memory.forgetTurn(this.sql, message_id),
    );
  }

  /** Deletes what the user wrote, what came of it and its summaries. */
  forgetHistoryOfUser(user_id: string): Promise<number> {
    return this.run(
      `forget the history of user ${JSON.stringify(user_id)}`,
      () => memory.forgetHistoryOfUser(this.sql, user_id),
    );
  }
}
