/**
 * The part of the storage contract that keeps what the bot remembers beyond
 * the history window: each conversation's running summary, the notes users
 * keep with `/remember`, and their `/settings` preferences. {@link Store}
 * extends it, so every backend implements it and the one contract test suite
 * checks it.
 *
 * @module
 */

import type { ConversationKey } from "./store.ts";

/** The running summary of a conversation's older messages. */
export interface ConversationSummary {
  /** The summary text. */
  content: string;
  /**
   * The id of the newest message folded into it: history after this id is
   * sent as messages, everything up to it only through the summary.
   */
  through_id: number;
  /** Tokens of `content` by the counter in use, or null if not counted. */
  token_count: number | null;
  /** When it was last written, epoch ms. */
  updated_at: number;
}

/** A summary of a conversation one user took part in, as listed for their data export. */
export interface UserSummary extends ConversationSummary {
  conversation: ConversationKey;
}

/** Longest note, in characters (UTF-16 code units). */
export const MAX_NOTE_CHARS = 500;

/** A note to store about a user. */
export interface NewNote {
  user_id: string;
  /** Where it was made: a server id, or "" for a DM or the terminal chat. */
  guild_id: string;
  /** 1 to {@link MAX_NOTE_CHARS} characters. */
  content: string;
  /** Epoch ms. */
  created_at: number;
}

/** A stored note; ids increase in the order notes were made. */
export interface UserNote extends NewNote {
  id: number;
}

/** How long replies should be. */
export type ReplyLength = "short" | "normal" | "detailed";

/** A user's preferences; null means "not set" (the default applies). */
export interface UserPreferences {
  /** The language replies should be in, as the user wrote it ("French"). */
  language: string | null;
  length: ReplyLength | null;
  /** Whether replies to the user ping them; null: the config's default. */
  ping: boolean | null;
  /** False: nothing the user writes is kept beyond the running turn. */
  history: boolean;
  /** Last change, epoch ms (0 when never set). */
  updated_at: number;
}

/** The preferences of a user who never set any. */
export const DEFAULT_PREFERENCES: UserPreferences = {
  language: null,
  length: null,
  ping: null,
  history: true,
  updated_at: 0,
};

/** Storage for summaries, notes and preferences (see the module doc). */
export interface MemoryStore {
  /** The conversation's summary, or null when it has none (never made, or reset). */
  getSummary(
    conversation: ConversationKey,
  ): Promise<ConversationSummary | null>;
  /**
   * Writes the conversation's summary, creating the conversation if needed,
   * and returns true. A `/reset` (`resetConversation`, `resetChannel`)
   * deletes it; a summary whose `through_id` is not after the last reset
   * (made from messages the reset hid, by a job that raced it) is not
   * written, and false is returned.
   */
  setSummary(
    conversation: ConversationKey,
    summary: ConversationSummary,
  ): Promise<boolean>;
  /**
   * Stores a note unless the user already keeps `max_notes` notes (counted
   * over every place), in one transaction; null when the limit is reached.
   * Refuses an empty user id and content that is empty or longer than
   * {@link MAX_NOTE_CHARS}.
   */
  addNote(note: NewNote, max_notes: number): Promise<UserNote | null>;
  /**
   * A user's notes, oldest first: those made in `guild_id` when it is given,
   * every note of the user when it is not. An empty `user_id` is refused.
   */
  notesOfUser(user_id: string, guild_id?: string): Promise<UserNote[]>;
  /** Deletes one of the user's notes; false when the user has no note with that id. */
  deleteNote(user_id: string, id: number): Promise<boolean>;
  /**
   * Deletes the user's notes made in `guild_id` (every note when it is not
   * given); returns how many. An empty `user_id` is refused.
   */
  deleteNotes(user_id: string, guild_id?: string): Promise<number>;
  /** The user's preferences, or null when they never set any. */
  getPreferences(user_id: string): Promise<UserPreferences | null>;
  /** Writes the user's preferences (all fields; `updated_at` is stored as given). */
  setPreferences(user_id: string, preferences: UserPreferences): Promise<void>;
  /**
   * The summaries of the user's own conversations and of the shared
   * conversations they wrote a message in, by conversation (data export).
   */
  summariesOfUser(user_id: string): Promise<UserSummary[]>;
  /**
   * Deletes one turn that must not be kept (`history: off`): the message with
   * this id and the assistant replies linked to it. Returns the rows removed.
   */
  forgetTurn(message_id: number): Promise<number>;
  /**
   * Deletes what the user wrote and what came of it, in one transaction: the
   * summaries of every conversation they wrote in or own, the assistant
   * replies linked to their messages, their messages, and every message of
   * their own conversations. Notes, preferences and persona choices stay.
   * Returns the rows removed. An empty `user_id` is refused.
   */
  forgetHistoryOfUser(user_id: string): Promise<number>;
}
