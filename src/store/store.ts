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
import type {
  ConversationKey,
  HistoryQuery,
  MessageUpdate,
  NewMessage,
  PersonaChoiceKey,
  RateLimitHit,
  RateLimitVerdict,
  RateLimitWindow,
  StoredImage,
  StoredMessage,
  TokenCalibration,
  UserPersonaChoice,
  UserRateLimit,
} from "./store_types.ts";
import type { NewTurn, StoredTurn, TurnUpdate } from "./turn_types.ts";

export type {
  ConversationKey,
  HistoryQuery,
  MessageRole,
  MessageUpdate,
  NewMessage,
  PersonaChoiceKey,
  RateLimitHit,
  RateLimitVerdict,
  RateLimitWindow,
  StoredImage,
  StoredMessage,
  TokenCalibration,
  UserPersonaChoice,
  UserRateLimit,
} from "./store_types.ts";
export type {
  NewTurn,
  PostedPart,
  StoredTurn,
  TurnState,
  TurnUpdate,
} from "./turn_types.ts";

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
   * Counts one hit at `now` against every limit, or against none: each
   * counter is read and changed in one atomic statement, so gateway
   * processes sharing a database never lose each other's hits. A window
   * older than its `window_ms` starts again at `now`. The first limit (in
   * order) whose window already holds `limit` hits refuses; the hits counted
   * against the limits before it are taken back, and the refusal is recorded
   * so that only the first one in a window says `notify`. While a refusal
   * takes hits back, another process may briefly see them counted.
   */
  hitRateLimits(
    hits: readonly RateLimitHit[],
    now: number,
  ): Promise<RateLimitVerdict>;
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
   * from the config: such a choice is ignored anyway) and last set before
   * `before` (default: whenever). Several processes sharing one database
   * may briefly run different configs: a choice made a moment ago through
   * a process that knows a newer persona is not another's to delete.
   * Returns how many.
   */
  prunePersonaChoices(
    personas: readonly string[],
    before?: number,
  ): Promise<number>;
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
