/**
 * The storage contract. Every piece of state that must survive a restart goes
 * through this interface: conversation history, reset markers, persona
 * choices and rate-limit windows. It is asynchronous so that a PostgreSQL
 * implementation can follow the embedded SQLite one without touching callers.
 *
 * Identifiers are strings: Discord snowflakes never become numbers here.
 * Times are milliseconds since the Unix epoch, always passed in by the caller
 * (who owns the clock), never read by the store.
 *
 * @module
 */

import type { MemoryStore } from "./memory_store.ts";

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

/** A persona choice one user made, as listed for their data export. */
export interface UserPersonaChoice {
  /** The binding the choice applies in (see {@link PersonaChoiceKey}). */
  binding_key: string;
  persona: string;
  /** When the choice was last made, epoch ms. */
  updated_at: number;
}

/** A rate-limit counter about one user, as listed for their data export. */
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

export interface UserRateLimit {
  /** The full key, holding the segments `user:<id>`. */
  key: string;
  count: number;
  /** Epoch ms when the counter's current window started. */
  window_start: number;
}

/**
 * Where a triggered message stands (DESIGN.md §8 "Durable turns"): `waiting`
 * behind other turns of its conversation, `running`, `answered` (the reply
 * was delivered whole), `partial` (cut short, and the reply says so) or
 * `failed` (no reply came).
 */
export type TurnState =
  | "waiting"
  | "running"
  | "answered"
  | "partial"
  | "failed";

/** One message of a reply as the platform accepted it. */
export interface PostedPart {
  /** The platform's id of the message. */
  id: string;
  /** Its content as last accepted. */
  content: string;
}

/** What a transport records about a triggered message besides the message itself. */
export interface NewTurn {
  /** The transport that took the message ("discord", "terminal"); recovery reads only its own. */
  source: string;
  /** What that transport needs to run the turn again (JSON text, opaque to the store). */
  payload: string;
}

/** A turn still open (waiting or running), as start-up recovery reads it. */
export interface StoredTurn {
  /** The stored user message (the turn's identity). */
  message: StoredMessage;
  source: string;
  payload: string;
  state: TurnState;
  /** The assistant message answering it, once generation started; else null. */
  reply_id: number | null;
  /** The reply's messages as the platform accepted them, in order. */
  posted: PostedPart[];
  /** Last change, epoch ms. */
  updated_at: number;
}

/** Changes to a turn. */
export interface TurnUpdate {
  state?: TurnState;
  reply_id?: number;
  posted?: readonly PostedPart[];
  updated_at: number;
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

/**
 * Storage for everything the bot must remember across restarts; the
 * summaries, notes and preferences part is {@link MemoryStore}.
 */
export interface Store extends MemoryStore {
  /** Appends a message and returns it with its id. */
  addMessage(message: NewMessage): Promise<StoredMessage>;
  /** Changes a stored message; unknown ids are ignored. */
  updateMessage(id: number, update: MessageUpdate): Promise<void>;
  /** Reads one message by id, or null. */
  getMessage(id: number): Promise<StoredMessage | null>;
  /**
   * Finds a message by its platform id (e.g. a Discord message being replied
   * to); the first one stored if several share it.
   */
  findMessageByExternalId(external_id: string): Promise<StoredMessage | null>;
  /**
   * The newest messages of a conversation after its last reset, newest first
   * (by id), within the query's limits. Partial messages are included (check
   * `partial`). A reset hides every message stored before it and every
   * message created before its time, even if stored later; a message stored
   * after the reset in the same millisecond stays visible.
   */
  recentMessages(query: HistoryQuery): Promise<StoredMessage[]>;
  /**
   * Marks every message of the conversation up to `at` as forgotten (see
   * `recentMessages`) and deletes its summary, creating the conversation if it
   * was never stored. A reset never moves back: an earlier `at` than the last
   * reset changes nothing (but the summary is deleted all the same).
   */
  resetConversation(conversation: ConversationKey, at: number): Promise<void>;
  /**
   * Resets every conversation in a channel: the shared one and each user's
   * own, deleting their summaries. Returns how many conversations were reset.
   */
  resetChannel(channel_id: string, at: number): Promise<number>;
  /**
   * Deletes every conversation held in a channel or thread that Discord
   * deleted, with all their messages and turns (retention of deleted
   * threads). Returns how many conversations were deleted.
   */
  dropChannel(channel_id: string): Promise<number>;
  /** Epoch ms of the conversation's last reset, or null if never reset. */
  lastReset(conversation: ConversationKey): Promise<number | null>;
  /** The persona chosen for this key, or null. */
  getPersonaChoice(key: PersonaChoiceKey): Promise<string | null>;
  /** Records a persona choice; `null` clears it. */
  setPersonaChoice(
    key: PersonaChoiceKey,
    persona: string | null,
    at: number,
  ): Promise<void>;
  /** Reads a rate-limit counter by its key, or null if none. */
  getRateLimit(key: string): Promise<RateLimitWindow | null>;
  /**
   * Writes a rate-limit counter. Keys follow the convention of
   * `rate_limit_key.ts` (`user:<id>:…`, `channel:<id>:…`) so that
   * `forgetUser` can find a user's counters.
   */
  setRateLimit(key: string, window: RateLimitWindow): Promise<void>;
  /**
   * Deletes messages created before `before` (retention), and conversations
   * left empty whose creation and last reset are older too. Returns how many
   * messages were deleted.
   */
  pruneMessages(before: number): Promise<number>;
  /**
   * Deletes rate-limit windows that started before `before` (windows that
   * ended long ago: nobody is counted in them any more). Returns how many.
   */
  pruneRateLimits(before: number): Promise<number>;
  /** Every stored token calibration (read once at start-up). */
  getTokenCalibrations(): Promise<TokenCalibration[]>;
  /** Stores (replaces) the calibration of one endpoint and model. */
  setTokenCalibration(calibration: TokenCalibration): Promise<void>;
  /**
   * Deletes persona choices naming a persona not in `personas` (removed
   * from the config: such a choice is ignored anyway). Returns how many.
   */
  prunePersonaChoices(personas: readonly string[]): Promise<number>;
  /**
   * Every message written by one user, every message of that user's own
   * (`scope: user`) conversations, and every assistant message whose
   * `reply_to_id` points at a message the user wrote (their replies in
   * shared conversations), oldest first, each once (data export). Replies
   * without a link cannot be told apart from replies to other people and are
   * not included. An empty `user_id` is refused.
   */
  messagesOfUser(user_id: string): Promise<StoredMessage[]>;
  /**
   * The persona choices one user made (not the channel-wide defaults), by
   * binding key (data export). An empty `user_id` is refused.
   */
  personaChoicesOfUser(user_id: string): Promise<UserPersonaChoice[]>;
  /**
   * The rate-limit counters whose key holds the segments `user:<id>` — the
   * ones `forgetUser` deletes — by key (data export). An empty `user_id` is
   * refused.
   */
  rateLimitsOfUser(user_id: string): Promise<UserRateLimit[]>;
  /**
   * Deletes everything stored about one user, in one transaction: the
   * messages they wrote, the assistant replies linked to those messages, their
   * own conversations with every message in them, the summaries of those and
   * of every conversation they wrote in, their notes and preferences, their
   * persona choices and the rate-limit counters whose key holds `user:<id>`.
   * Returns the number of rows removed. An empty `user_id` is refused.
   */
  forgetUser(user_id: string): Promise<number>;
  /**
   * Stores a triggered user message together with its turn (state
   * `waiting`) in one transaction, the moment it arrives, and returns the
   * stored message. The turn goes when the message goes (retention,
   * `forgetUser`).
   */
  addTurn(message: NewMessage, turn: NewTurn): Promise<StoredMessage>;
  /**
   * Changes a turn, keyed by its user message's id; unknown ids are ignored.
   * A turn that ends (`answered`, `partial`, `failed`) drops its payload.
   */
  updateTurn(message_id: number, update: TurnUpdate): Promise<void>;
  /** The turns of `source` still `waiting` or `running`, oldest first (start-up recovery). */
  openTurns(source: string): Promise<StoredTurn[]>;
  /**
   * Remembers the images of a stored message, in order (position 0 first);
   * storing again replaces them. A message that is not stored gets nothing.
   * They are deleted with their message.
   */
  addImages(message_id: number, images: readonly StoredImage[]): Promise<void>;
  /** The images of these messages, by message id; messages without images are absent. */
  imagesOf(message_ids: readonly number[]): Promise<Map<number, StoredImage[]>>;
  /** True when a write succeeds (readiness probe). */
  isWritable(): Promise<boolean>;
  /** Closes the database; the store is unusable afterwards. */
  close(): Promise<void>;
}
