/**
 * The per-turn context the stages pass along. It carries data only: the
 * incoming message, the config snapshot the turn started with, and what
 * each stage found out for the next. Dependencies (store, LLM client,
 * clock) go to the stage factories, never into the context.
 *
 * @module
 */

import type { ReadAttachments } from "../attachments/attachment.ts";
import type { Config, PersonaConfig } from "../config/config_types.ts";
import type { ChatMessage } from "../llm/chat_types.ts";
import type { StoredMessage } from "../store/store.ts";
import type { IncomingMessage } from "./incoming_message.ts";
import type { ReplyTarget } from "./reply_target.ts";
import type { Route } from "./route.ts";
import type { Rerun } from "./controls/turn_controls.ts";
import type { TurnInspection } from "./turn_inspection.ts";

/** How a turn ended, for logs and metrics. */
export type TurnOutcome =
  | "ignored"
  | "denied"
  | "rate_limited"
  | "answered"
  | "failed"
  | "interrupted";

/** Everything one turn knows. */
export interface TurnContext {
  readonly message: IncomingMessage;
  /** The config the turn started with; a reload does not change it. */
  readonly config: Config;
  /** Where the message goes (resolved at dispatch, so turns queue per conversation). */
  readonly route: Route;
  /** The bot's own user id. */
  readonly bot_user_id: string;
  /** When the turn started, epoch ms. */
  readonly started_at: number;
  /** Where the reply goes. */
  readonly reply: ReplyTarget;
  /** Cancels the turn (shutdown, or a stop request: see `stoppedOnRequest`). */
  readonly signal: AbortSignal;
  /** Set when the turn answers a stored message again (Regenerate, an edited question). */
  readonly rerun?: Rerun;
  /** The user's text with the bot's mention removed (set by auth). */
  text: string;
  /** Persona answering this turn (set by context). */
  persona_name: string;
  persona: PersonaConfig | null;
  /** The message's attachments as read for the model (set by attachments; absent when none). */
  attachments?: ReadAttachments | undefined;
  /** The stored user message (set by context). */
  user_message: StoredMessage | null;
  /**
   * The request for the model (set by context; emptied by generation once
   * the LLM client has it, so a turn does not hold the history's text while
   * its reply is delivered).
   */
  request: ChatMessage[];
  /** `max_tokens` for the request: what is left of the window (set by context). */
  max_tokens: number;
  /** Visible text deltas as they arrive (set by generation, read by chunking). */
  output: AsyncIterable<string> | null;
  outcome: TurnOutcome;
  /** A short explanation of the outcome, for logs. */
  detail: string;
  /** Present only when the transport asked to inspect the turn (the playground). */
  readonly inspection?: TurnInspection;
}
