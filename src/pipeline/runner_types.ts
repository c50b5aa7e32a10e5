/**
 * What the {@link Runner} (`runner.ts`) is built from, how a dispatch ends,
 * its per-dispatch options and the notices it may send. Import them from
 * `runner.ts`, which re-exports them.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import type { Logger } from "../log/logging.ts";
import type { Store, StoredMessage } from "../store/store.ts";
import type { AccessGate } from "./access/access_gate.ts";
import type { Rerun, TurnControls } from "./controls/turn_controls.ts";
import type { TurnContext, TurnOutcome } from "./turn_context.ts";
import type { TurnInspection } from "./turn_inspection.ts";

/** What the runner needs. */
export interface RunnerDeps {
  /** Runs one turn through the stages (see `buildPipeline`). */
  pipeline: (ctx: TurnContext) => Promise<void>;
  /** The current config; each turn keeps the one it started with. */
  config: () => Config;
  /** The bot's own user id. */
  bot_user_id: () => string;
  now(): number;
  logger: Logger;
  /**
   * Where rate-limit windows and limited messages are kept, and where turns
   * are made durable: each admitted message is stored with its turn state
   * the moment it arrives.
   */
  store: Store;
  /** The access decision (default: one over `config` with no DM role lookup). */
  access?: AccessGate;
  /** False when a user turned history off (`context: channel` keeps nothing of theirs). */
  keepsHistory?: (user_id: string) => Promise<boolean>;
  /** Turns that may wait behind the running one in a conversation (default 5). */
  max_waiting?: number;
  /** Turns queued or running over all conversations (default 1000). */
  max_pending?: number;
  /** Where running turns can be stopped (the Stop button); absent: not stoppable. */
  controls?: TurnControls;
  /** Told how every dispatched message ended (metrics). */
  onTurnEnd?: (outcome: DispatchOutcome, ctx: TurnContext | null) => void;
}

/** How a dispatch ended: a turn outcome, or why no turn ran. */
export type DispatchOutcome =
  | TurnOutcome
  | "unrouted"
  | "queue_full"
  | "shutting_down";

/** Per-dispatch options of `Runner.dispatch`. */
export interface DispatchOptions {
  /** A record the stages fill with what the model was sent (the playground's inspector). */
  inspection?: TurnInspection;
  /** Answer a stored message again instead (it was triggered when first asked). */
  rerun?: Rerun;
  /** The message's stored turn, when start-up recovery runs it again (it is not stored twice). */
  stored?: StoredMessage;
}

/** Said when a conversation's queue is full. */
export const QUEUE_FULL_NOTICE =
  "⏳ I'm still working through earlier messages here. Please wait for those answers, then try again.";

/** Said when a turn failed in an unexpected way. */
export const INTERNAL_ERROR_NOTICE =
  "⚠️ Something went wrong on my side. Please try again.";
