/**
 * Helpers shared by the store tests: a fresh in-memory store and messages
 * with sensible defaults.
 *
 * @module
 */

import { SqliteStore } from "../../src/store/sqlite_store.ts";
import type { ConversationKey, NewMessage } from "../../src/store/store.ts";

/** The shared conversation of channel 100 in guild 900. */
export const CHANNEL: ConversationKey = {
  channel_id: "100",
  guild_id: "900",
  user_id: "",
};

/** User 7's own conversation in channel 100. */
export const PRIVATE: ConversationKey = { ...CHANNEL, user_id: "7" };

/** A user message from user 7 in the shared conversation, changed by `overrides`. */
export function newMessage(overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    conversation: CHANNEL,
    external_id: null,
    author_id: "7",
    author_name: "Ada",
    role: "user",
    persona: "helper",
    content: "hello",
    token_count: 2,
    created_at: 1_000,
    partial: false,
    ...overrides,
  };
}

/** A new store on `:memory:` with the repository's migrations applied. */
export function memoryStore(): Promise<SqliteStore> {
  return SqliteStore.open(":memory:");
}
