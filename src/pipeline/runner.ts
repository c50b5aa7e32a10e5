/**
 * The runner: the boundary between transports and the pipeline. It finds a
 * message's conversation, keeps the turns of one conversation strictly in
 * order (different conversations run concurrently), bounds how many may
 * wait, and catches every error so one bad turn never stops the bot. At
 * shutdown it stops taking turns, lets running ones finish until a
 * deadline, then cancels the rest (their replies are stored as partial).
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import type { Logger } from "../log/logging.ts";
import { withSpan } from "../observability/tracing.ts";
import type { Store, StoredMessage, TurnUpdate } from "../store/store.ts";
import { AccessGate } from "./access/access_gate.ts";
import { admit } from "./admission.ts";
import { overhear } from "./channel_context.ts";
import {
  arriveTurn,
  endState,
  recordTurn,
  type TurnJournal,
} from "./durable_turn.ts";
import type { IncomingMessage } from "./incoming_message.ts";
import type { Rerun, TurnControls } from "./controls/turn_controls.ts";
import { NoticeLimiter } from "./notice_limiter.ts";
import { RateLimiter } from "./rate_limiter.ts";
import type { ReplyTarget } from "./reply_target.ts";
import { resolveRoute } from "./route.ts";
import type { Route } from "./route.ts";
import { isEmptyMessage, isTriggered } from "./stages/auth_stage.ts";
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

interface ConversationQueue {
  tail: Promise<void>;
  /** Turns queued or running. */
  size: number;
}

/** Dispatches messages to the pipeline; see the module doc. */
export class Runner {
  readonly #deps: RunnerDeps;
  readonly #queues = new Map<string, ConversationQueue>();
  readonly #inFlight = new Set<Promise<DispatchOutcome>>();
  readonly #abort = new AbortController();
  readonly #admission;
  #queued = 0;
  #accepting = true;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    this.#admission = {
      store: deps.store,
      access: deps.access ??
        new AccessGate({ config: deps.config, now: deps.now }),
      limiter: new RateLimiter(deps.store),
      notices: new NoticeLimiter(),
      logger: deps.logger,
    };
  }

  /** Turns admitted and waiting in a conversation queue or running (metrics). */
  get queued(): number {
    return this.#queued;
  }

  /** Turns queued or running, over all conversations. */
  get pending(): number {
    return this.#inFlight.size;
  }

  /**
   * Takes one message. Resolves when its turn has ended (or was refused);
   * never rejects. Call without awaiting to handle messages concurrently:
   * order within a conversation is kept by the runner.
   */
  dispatch(
    message: IncomingMessage,
    reply: ReplyTarget,
    options: DispatchOptions = {},
  ): Promise<DispatchOutcome> {
    // A malformed message must not reject (nor leave `finally` below rejecting unhandled).
    const promise = this.#dispatch(message, reply, options).catch(
      (error: unknown) => {
        this.#deps.logger.error("Could not dispatch a message: {error}", {
          error,
        });
        this.#deps.onTurnEnd?.("failed", null);
        return "failed" as const;
      },
    );
    this.#inFlight.add(promise);
    promise.finally(() => this.#inFlight.delete(promise));
    return promise;
  }

  async #dispatch(
    message: IncomingMessage,
    reply: ReplyTarget,
    options: DispatchOptions,
  ): Promise<DispatchOutcome> {
    const config = this.#deps.config();
    const bot_user_id = this.#deps.bot_user_id();
    const route = resolveRoute(
      { ...message, user_id: message.author.id },
      config,
    );
    const worthQueueing = route !== null && !message.author.is_bot &&
      !message.author.is_webhook && !isEmptyMessage(message, bot_user_id) &&
      (options.rerun !== undefined ||
        isTriggered(message, route.binding.trigger, bot_user_id));
    if (route === null || !worthQueueing) {
      if (route !== null) await this.#overhear(message, route, bot_user_id);
      const outcome = route === null ? "unrouted" : "ignored";
      this.#deps.onTurnEnd?.(outcome, null);
      return outcome;
    }
    if (!this.#accepting) {
      this.#deps.onTurnEnd?.("shutting_down", null);
      return "shutting_down";
    }
    const stop = new AbortController();
    const ctx: TurnContext = {
      message,
      config,
      route,
      bot_user_id,
      started_at: this.#deps.now(),
      reply,
      signal: AbortSignal.any([this.#abort.signal, stop.signal]),
      ...(options.rerun ? { rerun: options.rerun } : {}),
      text: message.content,
      persona_name: route.binding.persona,
      persona: null,
      user_message: options.stored ?? null,
      request: [],
      max_tokens: 0,
      output: null,
      outcome: "ignored",
      detail: "",
      ...(options.inspection ? { inspection: options.inspection } : {}),
    };
    // Access and limits before queueing: a refused message never takes a place.
    if (!(await admit(ctx, this.#admission))) {
      // A recovered turn refused now (access or limits changed) is over.
      if (options.stored !== undefined) {
        await this.#record(ctx, { state: "failed" });
      }
      this.#deps.onTurnEnd?.(ctx.outcome, ctx);
      return ctx.outcome;
    }
    const key = JSON.stringify(route.conversation);
    const queue = this.#queues.get(key) ?? { tail: Promise.resolve(), size: 0 };
    if (
      queue.size > (this.#deps.max_waiting ?? 5) ||
      this.#queued >= (this.#deps.max_pending ?? 1000)
    ) {
      if (
        this.#admission.notices.allow(key, message.author.id, this.#deps.now())
      ) {
        await this.#safeNotice(reply, QUEUE_FULL_NOTICE);
      }
      this.#deps.onTurnEnd?.("queue_full", null);
      return "queue_full";
    }
    queue.size += 1;
    this.#queued += 1;
    this.#queues.set(key, queue);
    // Durable from the moment it arrives: a crash while it waits loses nothing.
    // A rerun's question is stored already.
    const arrived = this.#arrive(
      ctx,
      options.stored ?? options.rerun?.user_message,
    );
    const turn = queue.tail.then(async () => {
      await arrived;
      // Stoppable while it runs: the Stop button aborts this turn's own signal.
      const controls = this.#deps.controls;
      const stopped = controls?.start(message.id, message.author.id);
      const relay = () => stop.abort(stopped?.reason);
      stopped?.addEventListener("abort", relay, { once: true });
      try {
        await this.#runTurn(ctx);
      } finally {
        stopped?.removeEventListener("abort", relay);
        controls?.finish(message.id);
      }
    });
    queue.tail = turn;
    try {
      await turn;
    } finally {
      queue.size -= 1;
      this.#queued -= 1;
      if (queue.size === 0) this.#queues.delete(key);
    }
    this.#deps.onTurnEnd?.(ctx.outcome, ctx);
    return ctx.outcome;
  }

  /**
   * One turn, in a span `turn`: with tracing on, the root of the turn's own
   * trace (not a child of whatever the gateway event arrived in).
   */
  #runTurn(ctx: TurnContext): Promise<void> {
    return withSpan("turn", {
      "bot.guild_id": ctx.message.guild_id || undefined,
      "bot.channel_id": ctx.message.channel_id,
      "bot.message_id": ctx.message.id,
      "bot.persona": ctx.persona_name,
    }, async (span) => {
      await this.#runTurnInSpan(ctx);
      span.set({ "bot.outcome": ctx.outcome });
    }, { root: true });
  }

  /** Keeps a message not addressed to the bot (`context: channel`); never rejects. */
  async #overhear(
    message: IncomingMessage,
    route: Route,
    bot_user_id: string,
  ): Promise<void> {
    if (route.binding.context !== "channel") return;
    try {
      await overhear(
        {
          store: this.#deps.store,
          access: this.#admission.access,
          now: this.#deps.now,
          ...(this.#deps.keepsHistory
            ? { keepsHistory: this.#deps.keepsHistory }
            : {}),
        },
        message,
        route,
        bot_user_id,
      );
    } catch (error) {
      this.#deps.logger.warn("Could not keep a channel message: {error}", {
        error,
      });
    }
  }

  /** Stores the turn's message unless it is stored already; never rejects. */
  #arrive(ctx: TurnContext, stored?: StoredMessage): Promise<void> {
    return arriveTurn(this.#journal, ctx, stored);
  }

  /** Records the turn's state; a failed write is logged, never thrown. */
  #record(ctx: TurnContext, update: Omit<TurnUpdate, "updated_at">) {
    return recordTurn(this.#journal, ctx, update);
  }

  /** The store, clock and log the durable-turn helpers write with. */
  get #journal(): TurnJournal {
    return {
      store: this.#deps.store,
      now: this.#deps.now,
      logger: this.#deps.logger,
    };
  }

  async #runTurnInSpan(ctx: TurnContext): Promise<void> {
    if (ctx.signal.aborted) {
      // Shutting down before it started: it stays waiting, and start-up recovery answers it.
      ctx.outcome = "interrupted";
      ctx.detail = "not started before shutdown";
      return;
    }
    try {
      // The turn starts now, after waiting its turn: history and limits see it in order.
      (ctx as { started_at: number }).started_at = this.#deps.now();
      await this.#record(ctx, { state: "running" });
      await this.#deps.pipeline(ctx);
      await this.#record(ctx, { state: endState(ctx) });
    } catch (error) {
      await this.#record(ctx, {
        state: ctx.reply.posted_ids.length > 0 ? "partial" : "failed",
      });
      ctx.outcome = "failed";
      ctx.detail = error instanceof Error ? error.message : String(error);
      this.#deps.logger.error("Turn failed in channel {channel}: {error}", {
        channel: ctx.message.channel_id,
        message: ctx.message.id,
        error,
      });
      await this.#safeNotice(ctx.reply, INTERNAL_ERROR_NOTICE);
    } finally {
      ctx.reply.stopTyping();
    }
  }

  async #safeNotice(reply: ReplyTarget, text: string): Promise<void> {
    try {
      await reply.notice(text);
    } catch (error) {
      this.#deps.logger.warn("Could not send a notice: {error}", { error });
    }
  }

  /**
   * Stops taking new turns, waits for running ones up to `deadline_ms`, then
   * cancels what is left (their replies are stored as partial) and gives them
   * up to `drain_ms` more to say so in Discord before returning anyway.
   */
  async shutdown(deadline_ms: number, drain_ms = 2_000): Promise<void> {
    this.#accepting = false;
    if (await this.#settled(deadline_ms)) return;
    this.#deps.logger.warn(
      "Shutdown deadline reached: interrupting {count} turns",
      {
        count: this.#inFlight.size,
      },
    );
    this.#abort.abort(new Error("The bot is shutting down"));
    if (!(await this.#settled(drain_ms))) {
      this.#deps.logger.warn(
        "{count} turns could not finish delivering before shutdown",
        {
          count: this.#inFlight.size,
        },
      );
    }
  }

  /** True when every turn ended within `ms`. */
  async #settled(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([
        Promise.allSettled([...this.#inFlight]).then(() => true),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
