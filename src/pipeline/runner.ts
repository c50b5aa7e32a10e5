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

import type { StoredMessage, TurnUpdate } from "../store/store.ts";
import { AccessGate } from "./access/access_gate.ts";
import { admit } from "./admission.ts";
import { overhear } from "./channel_context.ts";
import { ConversationQueues } from "./conversation_queues.ts";
import { arriveTurn, recordTurn, type TurnJournal } from "./durable_turn.ts";
import type { IncomingMessage } from "./incoming_message.ts";
import { NoticeLimiter } from "./notice_limiter.ts";
import { RateLimiter } from "./rate_limiter.ts";
import type { ReplyTarget } from "./reply_target.ts";
import { resolveRoute } from "./route.ts";
import type { Route } from "./route.ts";
import { isEmptyMessage, isTriggered } from "./stages/auth_stage.ts";
import type { TurnContext } from "./turn_context.ts";
import {
  type DispatchOptions,
  type DispatchOutcome,
  INTERNAL_ERROR_NOTICE,
  QUEUE_FULL_NOTICE,
  type RunnerDeps,
} from "./runner_types.ts";
import { runTurn, safeNotice } from "./run_turn.ts";
import { newTurnContext } from "./new_turn_context.ts";

export type {
  DispatchOptions,
  DispatchOutcome,
  RunnerDeps,
} from "./runner_types.ts";
export { INTERNAL_ERROR_NOTICE, QUEUE_FULL_NOTICE } from "./runner_types.ts";

/** Dispatches messages to the pipeline; see the module doc. */
export class Runner {
  readonly #deps: RunnerDeps;
  readonly #conversations: ConversationQueues;
  readonly #inFlight = new Set<Promise<DispatchOutcome>>();
  readonly #abort = new AbortController();
  readonly #admission;
  #dispatched = 0;
  #accepting = true;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    this.#conversations = new ConversationQueues(
      deps.max_waiting,
      deps.max_pending,
    );
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
    return this.#conversations.queued;
  }

  /** Turns queued or running, over all conversations. */
  get pending(): number {
    return this.#inFlight.size;
  }

  /** Messages taken since start-up (rises with every dispatch). */
  get dispatched(): number {
    return this.#dispatched;
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
    this.#dispatched++;
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
    const route = resolveRoute({
      channel_id: message.channel_id,
      parent_channel_id: message.parent_channel_id,
      guild_id: message.guild_id,
      user_id: message.author.id,
      in_own_thread: message.in_own_thread === true,
      content: message.content,
    }, config);
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
    const ctx = newTurnContext({
      message,
      config,
      route,
      bot_user_id,
      started_at: this.#deps.now(),
      reply,
      signal: AbortSignal.any([this.#abort.signal, stop.signal]),
    }, options);
    // Access and limits before queueing: a refused message never takes a place.
    let admitted: boolean;
    try {
      admitted = await admit(ctx, this.#admission);
    } catch (error) {
      // The store failed (e.g. PostgreSQL dropped its connections): say so.
      ctx.outcome = "failed";
      ctx.detail = error instanceof Error ? error.message : String(error);
      this.#deps.logger.error(
        "Could not admit a message in channel {channel}: {error}",
        { channel: message.channel_id, message: message.id, error },
      );
      await this.#safeNotice(reply, INTERNAL_ERROR_NOTICE);
      this.#deps.onTurnEnd?.(ctx.outcome, ctx);
      return ctx.outcome;
    }
    if (!admitted) {
      // A recovered turn refused now (access or limits changed) is over.
      if (options.stored !== undefined) {
        await this.#record(ctx, { state: "failed" });
      }
      this.#deps.onTurnEnd?.(ctx.outcome, ctx);
      return ctx.outcome;
    }
    const key = JSON.stringify(route.conversation);
    if (!this.#conversations.hasRoom(key)) {
      if (
        this.#admission.notices.allow(key, message.author.id, this.#deps.now())
      ) {
        await this.#safeNotice(reply, QUEUE_FULL_NOTICE);
      }
      this.#deps.onTurnEnd?.("queue_full", null);
      return "queue_full";
    }
    // Durable from the moment it arrives: a crash while it waits loses nothing.
    // A rerun's question is stored already.
    const arrived = this.#arrive(
      ctx,
      options.stored ?? options.rerun?.user_message,
    );
    await this.#conversations.run(key, async () => {
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
    this.#deps.onTurnEnd?.(ctx.outcome, ctx);
    return ctx.outcome;
  }

  /** One turn, in a span `turn` (see `run_turn.ts`). */
  #runTurn(ctx: TurnContext): Promise<void> {
    return runTurn(ctx, {
      pipeline: (ctx) => this.#deps.pipeline(ctx),
      now: () => this.#deps.now(),
      logger: this.#deps.logger,
      journal: this.#journal,
    });
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

  #safeNotice(reply: ReplyTarget, text: string): Promise<void> {
    return safeNotice(reply, text, this.#deps.logger);
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
