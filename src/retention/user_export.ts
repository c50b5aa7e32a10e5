/**
 * The data export of one Discord user (`deno task export-user`): every
 * message the store holds about them, as one JSON document with readable
 * ISO 8601 times. The document says plainly what it leaves out.
 *
 * @module
 */

import type { MessageRole, Store, StoredMessage } from "../store/store.ts";

/** Identifies the document's shape; bumped when fields change meaning. */
export const USER_EXPORT_FORMAT = "llm-discord-bot/user-export@1";

/** What the store holds but this export cannot list (see {@link UserExport.not_included}). */
export const NOT_INCLUDED: readonly string[] = [
  "Replies the bot wrote to this user in shared (scope: channel) conversations: they cannot be told apart from replies to other people.",
  "Persona choices made with /persona: the store has no way to list them by user (they are deleted by forget-user).",
  "Rate-limit counters: short-lived numbers with no content (they are deleted by forget-user).",
];

/** One stored message, as exported. */
export interface ExportedMessage {
  /** The store's id (increasing). */
  id: number;
  /** Where it was said. */
  conversation: {
    channel_id: string;
    /** "" for a DM or the terminal chat. */
    guild_id: string;
    /** `user`: the user's own conversation in the channel; `channel`: shared by everyone. */
    scope: "user" | "channel";
  };
  /** The Discord message id, or null. */
  external_id: string | null;
  author_id: string;
  author_name: string;
  role: MessageRole;
  persona: string;
  content: string;
  token_count: number | null;
  /** ISO 8601, UTC. */
  created_at: string;
  /** ISO 8601, UTC. */
  updated_at: string;
  /** True when the reply was cut short (generation failed or was interrupted). */
  partial: boolean;
}

/** Everything exported about one user. */
export interface UserExport {
  format: typeof USER_EXPORT_FORMAT;
  user_id: string;
  /** ISO 8601, UTC. */
  exported_at: string;
  /** How many messages follow. */
  message_count: number;
  /** Oldest first. */
  messages: ExportedMessage[];
  /** What the store may hold about the user that is not in this document. */
  not_included: readonly string[];
}

/**
 * Builds the export of `user_id` from `store.messagesOfUser` — the messages
 * they wrote and every message of their own conversations, oldest first —
 * stamped with `exported_at` (epoch ms).
 */
export async function buildUserExport(
  store: Pick<Store, "messagesOfUser">,
  user_id: string,
  exported_at: number,
): Promise<UserExport> {
  const messages = (await store.messagesOfUser(user_id)).map(exportMessage);
  return {
    format: USER_EXPORT_FORMAT,
    user_id,
    exported_at: new Date(exported_at).toISOString(),
    message_count: messages.length,
    messages,
    not_included: NOT_INCLUDED,
  };
}

function exportMessage(message: StoredMessage): ExportedMessage {
  const { conversation } = message;
  return {
    id: message.id,
    conversation: {
      channel_id: conversation.channel_id,
      guild_id: conversation.guild_id,
      scope: conversation.user_id === "" ? "channel" : "user",
    },
    external_id: message.external_id,
    author_id: message.author_id,
    author_name: message.author_name,
    role: message.role,
    persona: message.persona,
    content: message.content,
    token_count: message.token_count,
    created_at: new Date(message.created_at).toISOString(),
    updated_at: new Date(message.updated_at).toISOString(),
    partial: message.partial,
  };
}
