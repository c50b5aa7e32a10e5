/**
 * The data export of one Discord user (`deno task export-user`): every
 * message the store holds about them (including the bot's linked replies in
 * shared conversations, and the references to the images they sent), their persona choices and their rate-limit
 * counters, as one JSON document with readable ISO 8601 times. The document
 * says plainly what it leaves out.
 *
 * @module
 */

import type {
  MessageRole,
  Store,
  StoredImage,
  StoredMessage,
  UserPersonaChoice,
  UserRateLimit,
} from "../store/store.ts";
import { buildMemoryExport } from "./memory_export.ts";
import type { MemoryExport } from "./memory_export.ts";

/** Identifies the document's shape; bumped when fields change meaning. */
export const USER_EXPORT_FORMAT = "llm-discord-bot/user-export@3";

/** What the store may hold about the user but this export cannot list (see {@link UserExport.not_included}). */
export const NOT_INCLUDED: readonly string[] = [
  "Replies the bot wrote to this user in shared (scope: channel) conversations that carry no link to the message they answer: those stored before the bot recorded such links, and those whose message was already deleted by retention. They cannot be told apart from replies to other people, and forget-user leaves them.",
  "When /reset was last used in this user's own (scope: user) conversations: the store keeps it per conversation and does not list it (forget-user deletes it).",
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
  /** For a bot reply: the `id` of the message it answers, or null. */
  reply_to_id: number | null;
  /** The images the message carried, as kept: name, attachment URL, size (never the bytes). */
  images: StoredImage[];
}

/** A persona chosen with /persona, as exported. */
export interface ExportedPersonaChoice {
  /** Where the choice applies: the binding's channel, thread parent, guild or "dm" key. */
  binding_key: string;
  persona: string;
  /** ISO 8601, UTC. */
  updated_at: string;
}

/** A rate-limit counter about the user, as exported. */
export interface ExportedRateLimit {
  /** The counter's key, e.g. `user:<id>:default`. */
  key: string;
  /** Messages counted in the window. */
  count: number;
  /** When the window started; ISO 8601, UTC. */
  window_start: string;
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
  /** The user's own persona choices (not channel-wide defaults), by binding key. */
  persona_choices: ExportedPersonaChoice[];
  /** The rate-limit counters whose key names the user, by key. */
  rate_limits: ExportedRateLimit[];
  /** Their /remember notes, oldest first. */
  notes: MemoryExport["notes"];
  /** Their /settings preferences, null when never set. */
  preferences: MemoryExport["preferences"];
  /** Summaries of the conversations they own or wrote in. */
  summaries: MemoryExport["summaries"];
  /** What the store may hold about the user that is not in this document. */
  not_included: readonly string[];
}

/**
 * Builds the export of `user_id` — from `store.messagesOfUser` the messages
 * they wrote, every message of their own conversations and the bot's replies
 * linked to their messages, oldest first; their persona choices; their
 * rate-limit counters; their notes, preferences and conversation summaries —
 * stamped with `exported_at` (epoch ms).
 */
export async function buildUserExport(
  store: Pick<
    Store,
    | "messagesOfUser"
    | "personaChoicesOfUser"
    | "rateLimitsOfUser"
    | "notesOfUser"
    | "getPreferences"
    | "summariesOfUser"
    | "imagesOf"
  >,
  user_id: string,
  exported_at: number,
): Promise<UserExport> {
  const stored = await store.messagesOfUser(user_id);
  const images = await store.imagesOf(stored.map((m) => m.id));
  const messages = stored.map((m) => exportMessage(m, images.get(m.id) ?? []));
  const persona_choices = (await store.personaChoicesOfUser(user_id)).map(
    exportPersonaChoice,
  );
  const rate_limits = (await store.rateLimitsOfUser(user_id)).map(
    exportRateLimit,
  );
  return {
    format: USER_EXPORT_FORMAT,
    user_id,
    exported_at: iso(exported_at),
    message_count: messages.length,
    messages,
    persona_choices,
    rate_limits,
    ...await buildMemoryExport(store, user_id),
    not_included: NOT_INCLUDED,
  };
}

function exportMessage(
  message: StoredMessage,
  images: StoredImage[],
): ExportedMessage {
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
    created_at: iso(message.created_at),
    updated_at: iso(message.updated_at),
    partial: message.partial,
    reply_to_id: message.reply_to_id ?? null,
    images,
  };
}

function exportPersonaChoice(choice: UserPersonaChoice): ExportedPersonaChoice {
  return {
    binding_key: choice.binding_key,
    persona: choice.persona,
    updated_at: iso(choice.updated_at),
  };
}

function exportRateLimit(limit: UserRateLimit): ExportedRateLimit {
  return {
    key: limit.key,
    count: limit.count,
    window_start: iso(limit.window_start),
  };
}

/** Epoch ms as ISO 8601 UTC. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}
