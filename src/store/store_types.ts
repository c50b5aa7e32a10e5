/**
 * The values the storage contract ({@link Store} in `store.ts`) reads and
 * writes: conversation keys, messages and their updates, history queries,
 * persona choices, rate-limit counters, token calibrations and image
 * references. Import them from `store.ts`, which re-exports them.
 *
 * @module
 */

/** Who wrote a stored message, as the LLM sees it. */
export type MessageRole = "user" | "assistant" | "system";

/**
 * Identifies one conversation: `channel_id` with `user_id` "" for a shared
 * conversation (`scope: channel`), or with the user's id for that user's own
 * conversation in the channel (`scope: user`). The pair (`channel_id`,
 * `user_id`) is the identity; `guild_id` (empty for DMs and the terminal
 * chat) is recorded when the conversation is first stored.
 */
export interface ConversationKey {
  /** Where the conversation happens: channel or thread id. */
  channel_id: string;
  /** Server id, or "" for a DM or the terminal chat. */
  guild_id: string;
  /** The user id for `scope: user`, or "" for a channel-wide conversation. */
  user_id: string;
}

/** A message to append to a conversation. */
export interface NewMessage {
  /** The conversation the message belongs to. */
  conversation: ConversationKey;
  /** The platform's id of the message (Discord snowflake), or null if none. */
  external_id: string | null;
  /** The author's user id (the bot's own id for assistant messages). */
  author_id: string;
  /** The author's display name at the time, shown to the model. */
  author_name: string;
  role: MessageRole;
  /** The persona that produced (assistant) or was addressed (user). */
  persona: string;
  content: string;
  /** Token count of `content` by the counter in use, or null if not counted. */
  token_count: number | null;
  /** When the message was written, epoch ms. */
  created_at: number;
  /**
   * True while a reply is still being written and when generation failed or
   * was interrupted midway: a reply is stored partial when it starts and
   * cleared when it completes, so a crash leaves it marked.
   */
  partial: boolean;
  /**
   * For an assistant reply: the stored id of the user message it answers, so
   * that the data export and `forgetUser` find replies to one user in a
   * shared conversation. Absent or null when there is none; only assistant
   * messages may carry one, and the message must still be stored.
   */
  reply_to_id?: number | null;
}

/** A message as stored, with its row id. */
export interface StoredMessage extends NewMessage {
  /** Increasing per store; orders messages within a conversation. */
  id: number;
  /**
   * The stored id of the user message this reply answers; null when none was
   * recorded (user messages, replies stored before links existed) or when
   * that message has since been deleted. A `Store` always sets it (null when
   * absent); it is optional in the type only so that hand-built values (the
   * context stage's stand-in for a replied-to message the store never saw)
   * keep compiling.
   */
  reply_to_id?: number | null;
  /** Last change, epoch ms (equal to `created_at` until updated). */
  updated_at: number;
}

/** Changes to a stored message (used while a reply streams in and at its end). */
export interface MessageUpdate {
  content?: string;
  token_count?: number | null;
  partial?: boolean;
  external_id?: string | null;
  updated_at: number;
}

/** Which history to read: the newest messages first, with limits. */
export interface HistoryQuery {
  conversation: ConversationKey;
  /** At most this many messages. */
  limit: number;
  /** Only messages created at or after this time (epoch ms). */
  since: number;
  /** Only messages with an id lower than this (pagination, or to skip the turn's own). */
  before_id?: number;
  /** Only messages with an id higher than this (those a summary does not cover yet). */
  after_id?: number;
}

/** Where a persona choice applies: the whole channel default, or one user. */
export interface PersonaChoiceKey {
  /** The binding's channel (or thread parent / guild / "dm") key the choice is made in. */
  binding_key: string;
  /** The user whose choice this is, or "" for the channel-wide default. */
  user_id: string;
}

/** One rate-limit counter: how many hits in the window that started at `window_start`. */
export interface RateLimitWindow {
  count: number;
  /** Epoch ms when the current window started. */
  window_start: number;
  /** True once the user was told they are limited in this window. */
  notified: boolean;
}

/** One limit a hit is counted against: at most `limit` hits per `window_ms`. */
export interface RateLimitHit {
  /** The counter's key (see {@link RateLimitWindow}). */
  key: string;
  limit: number;
  window_ms: number;
}

/**
 * What counting a hit decided: counted against every limit, or refused by
 * `key`, whose window started at `window_start`; `notify` is true for the
 * first refusal in that window only.
 */
export type RateLimitVerdict =
  | { allowed: true }
  | { allowed: false; key: string; window_start: number; notify: boolean };

/** A persona choice one user made, as listed for their data export. */
export interface UserPersonaChoice {
  /** The binding the choice applies in (see {@link PersonaChoiceKey}). */
  binding_key: string;
  persona: string;
  /** When the choice was last made, epoch ms. */
  updated_at: number;
}

/** The calibrated token estimate of one endpoint and model. */
export interface TokenCalibration {
  endpoint: string;
  model: string;
  /** The learned factor applied to the raw estimate. */
  ratio: number;
  /** How many server counts taught it. */
  samples: number;
  /** When it last changed, epoch ms. */
  updated_at: number;
}

/** A rate-limit counter about one user, as listed for their data export. */
export interface UserRateLimit {
  /** The full key, holding the segments `user:<id>`. */
  key: string;
  count: number;
  /** Epoch ms when the counter's current window started. */
  window_start: number;
}

/**
 * An image a user message carried, kept as a reference: its (sanitised)
 * file name, the attachment URL Discord gave, and its declared size. Never
 * its bytes.
 */
export interface StoredImage {
  name: string;
  url: string;
  size: number;
}
