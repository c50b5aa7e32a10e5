/**
 * Memory: what the bot keeps about conversations and people beyond the
 * history window, and the one place the pipeline asks about it. `recall`
 * tells the context stage what to include (preferences, notes, the summary);
 * `afterTurn` runs once a reply was delivered: it drops the turn of a user
 * with `history: off` and schedules the conversation's summary
 * (`memory: summary`). Commands change memory through the store.
 *
 * @module
 */

import type { BudgetConfig, Config } from "../config/config_types.ts";
import type { LlmClient } from "../llm/llm_client.ts";
import type { TokenCounter } from "../llm/token_counter.ts";
import type { Logger } from "../log/logging.ts";
import type {
  ConversationSummary,
  UserNote,
  UserPreferences,
} from "../store/memory_store.ts";
import { DEFAULT_PREFERENCES } from "../store/memory_store.ts";
import type { ConversationKey, Store } from "../store/store.ts";
import { Summarizer } from "./summarizer.ts";

export { fitMemory } from "./memory_fit.ts";
export type { FittedMemory, MemorySections } from "./memory_fit.ts";
export { preferencesNote } from "./preferences_note.ts";

/** What memory needs. */
export interface MemoryDeps {
  store: Store;
  llm: Pick<LlmClient, "streamChat"> & Partial<Pick<LlmClient, "status">>;
  counterFor(endpoint: string, model: string): TokenCounter;
  now(): number;
  logger: Logger;
  /** How long after a failed summary it is tried again (default 60 s). */
  summary_retry_ms?: number;
}

/** What a request may include about this speaker and conversation. */
export interface Recollection {
  preferences: UserPreferences;
  /** Notes the speaker keeps that apply here, oldest first. */
  notes: UserNote[];
  /** The conversation's summary (budgets with `memory: summary`), or null. */
  summary: ConversationSummary | null;
}

/** A finished turn, as `afterTurn` needs it. */
export interface FinishedTurn {
  conversation: ConversationKey;
  config: Config;
  budget: BudgetConfig;
  persona_name: string;
  /** The turn's stored user message id, or null when none was stored. */
  user_message_id: number | null;
  /** Whether the speaker keeps history (their `history` preference). */
  keep_history: boolean;
  /** Tokens the request had for history, null when no request was built. */
  history_room: number | null;
  counter: TokenCounter | null;
}

/** Memory; see the module doc. */
export class Memory {
  readonly #deps: MemoryDeps;
  readonly #summarizer: Summarizer;
  readonly #warned = new Set<string>();

  constructor(deps: MemoryDeps) {
    this.#deps = deps;
    this.#summarizer = new Summarizer({
      store: deps.store,
      llm: deps.llm,
      counterFor: deps.counterFor,
      now: deps.now,
      logger: deps.logger,
      ...(deps.summary_retry_ms === undefined
        ? {}
        : { retry_ms: deps.summary_retry_ms }),
    });
  }

  /** The user's preferences, with defaults for what they never set. */
  async preferences(user_id: string): Promise<UserPreferences> {
    return await this.#deps.store.getPreferences(user_id) ??
      DEFAULT_PREFERENCES;
  }

  /**
   * What a request in `conversation` may include about `user_id` speaking
   * in `guild_id` ("" for a DM): their preferences, their notes made in this
   * server (in a DM: all their notes), and the summary when the budget keeps
   * one.
   */
  async recall(
    conversation: ConversationKey,
    user_id: string,
    guild_id: string,
    budget: BudgetConfig,
  ): Promise<Recollection> {
    const { store } = this.#deps;
    const [preferences, notes, summary] = await Promise.all([
      this.preferences(user_id),
      guild_id === ""
        ? store.notesOfUser(user_id)
        : store.notesOfUser(user_id, guild_id),
      budget.memory === "summary"
        ? store.getSummary(conversation)
        : Promise.resolve(null),
    ]);
    return { preferences, notes, summary };
  }

  /** Logs once per conversation (per process) that memory had to be trimmed. */
  warnTrimmed(conversation: ConversationKey, detail: string): void {
    const key = JSON.stringify([conversation.channel_id, conversation.user_id]);
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#deps.logger.warn(
      "Memory did not fit the budget in channel {channel} and was trimmed ({detail}); raise context_tokens or lower summary_tokens, or ask users to /forget notes",
      { channel: conversation.channel_id, detail },
    );
  }

  /**
   * Runs after the reply was delivered (or the turn failed): forgets the
   * turn when the speaker keeps no history, then schedules the summary.
   * Never throws.
   */
  async afterTurn(turn: FinishedTurn): Promise<void> {
    try {
      if (!turn.keep_history && turn.user_message_id !== null) {
        await this.#deps.store.forgetTurn(turn.user_message_id);
      }
    } catch (error) {
      this.#deps.logger.error(
        "Could not forget a turn of a user without history in channel {channel}: {error}",
        { channel: turn.conversation.channel_id, error },
      );
    }
    if (
      turn.budget.memory === "summary" && turn.history_room !== null &&
      turn.counter !== null
    ) {
      this.#summarizer.schedule({
        conversation: turn.conversation,
        config: turn.config,
        budget: turn.budget,
        persona_name: turn.persona_name,
        history_room: turn.history_room,
        counter: turn.counter,
      });
    }
  }

  /**
   * Called just before a reply is requested from `endpoint`: cancels summary
   * requests there when they hold every slot, so a summary never makes a
   * reply wait (they are tried again at a later turn).
   */
  makeRoom(endpoint: string, max_concurrency: number): void {
    const cancelled = this.#summarizer.makeRoom(endpoint, max_concurrency);
    if (cancelled > 0) {
      this.#deps.logger.debug(
        "Paused {count} summaries on {endpoint} for a reply",
        { count: cancelled, endpoint },
      );
    }
  }

  /** Resolves when no summary job is running (tests, shutdown). */
  idle(): Promise<void> {
    return this.#summarizer.idle();
  }

  /** Cancels running summary jobs and waits for them (shutdown). */
  close(): Promise<void> {
    return this.#summarizer.close();
  }
}
