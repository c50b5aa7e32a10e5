/**
 * The LLM client: the one place the bot talks to OpenAI-compatible servers.
 * `streamChat()` queues the request behind the endpoint's concurrency limit,
 * sends it, retries failures with backoff while no token has arrived yet,
 * fails over to the endpoint's `fallback` when the primary fails before the
 * first token or is saturated, and yields the reply as events: queue
 * positions, text and reasoning deltas, and a final `done` with usage and
 * the endpoint that actually answered. Failures are thrown as `LlmError`.
 *
 * @module
 */

import type { ChatEvent, ChatRequest } from "./chat_types.ts";
import type { EndpointSettings } from "./endpoint_settings.ts";
import { EndpointQueue } from "./endpoint_queue.ts";
import {
  asLlmError,
  type EndpointOutcome,
  type ReplyProgress,
  runOnEndpoint,
} from "./endpoint_run.ts";
import { LlmError } from "./llm_error.ts";
import { defaultLlmLogger, type LlmLogger } from "./logger.ts";
import {
  type BackoffSettings,
  DEFAULT_BACKOFF,
  systemTimers,
  type Timers,
} from "./timers.ts";
import type { UsageObserver } from "./token_counter.ts";

/** The injected edges of a client; every one has a production default. */
export interface LlmClientOptions {
  /** The HTTP transport (default: global `fetch`). */
  fetch?: typeof fetch;
  /** Clock and timers (default: the system's). */
  timers?: Timers;
  /** Jitter source in [0, 1) (default: `Math.random`). */
  random?: () => number;
  /** Default: LogTape category `["bot", "llm"]`. */
  logger?: LlmLogger;
  /** Retry timing (default: `DEFAULT_BACKOFF`). */
  backoff?: BackoffSettings;
  /** Told the `usage.prompt_tokens` of each reply, to calibrate token estimates. */
  counters?: UsageObserver;
  /**
   * Told how long each request waited for a slot of an endpoint before it
   * was sent, in ms (0 when a slot was free), once per endpoint it was
   * sent to.
   */
  onQueueWait?: (endpoint: string, ms: number) => void;
}

/** Per-call options of `streamChat()`. */
export interface StreamChatOptions {
  /** Cancels the request (throws an `LlmError` of kind `cancelled`). */
  signal?: AbortSignal | undefined;
}

/** What an endpoint's queue holds right now. */
export interface EndpointStatus {
  active: number;
  waiting: number;
}

/** The client the pipeline calls. */
export interface LlmClient {
  /**
   * Sends `request` to the endpoint named `endpoint` (or its fallbacks) and
   * yields the reply's events, ending with `done`. Stopping the iteration
   * early cancels the request and frees its slot.
   */
  streamChat(
    endpoint: string,
    request: ChatRequest,
    options?: StreamChatOptions,
  ): AsyncGenerator<ChatEvent, void, undefined>;
  /** Active and waiting requests per endpoint. */
  status(): Record<string, EndpointStatus>;
  /** Applies a new endpoint config (hot reload); queues and their waiters are kept. */
  reconfigure(endpoints: Record<string, EndpointSettings>): void;
}

/** Creates a client for the configured endpoints (names → settings). */
export function createLlmClient(
  endpoints: Record<string, EndpointSettings>,
  options: LlmClientOptions = {},
): LlmClient {
  let config = endpoints;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? Math.random;
  const logger = options.logger ?? defaultLlmLogger();
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const queues = new Map<string, EndpointQueue>();

  function queueFor(name: string, endpoint: EndpointSettings): EndpointQueue {
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = new EndpointQueue(name, endpoint, timers);
      queues.set(name, queue);
    }
    return queue;
  }

  async function* streamChat(
    first: string,
    request: ChatRequest,
    callOptions: StreamChatOptions = {},
  ): AsyncGenerator<ChatEvent, void, undefined> {
    const started = timers.now();
    const outer = callOptions.signal;
    const controller = new AbortController();
    let name = first;
    const onCancel = () =>
      controller.abort(
        new LlmError(
          `The request to endpoint "${name}" was cancelled by the caller`,
          { kind: "cancelled", endpoint: name },
        ),
      );
    if (outer?.aborted) onCancel();
    outer?.addEventListener("abort", onCancel, { once: true });
    const visited = new Set<string>();
    const progress: ReplyProgress = {
      queued_ms: 0,
      attempts: 0,
      first_token_at: null,
      text: "",
      reasoning: "",
      outcome: null,
    };
    // Ended normally: nothing is left listening to the signal.
    let completed = false;
    try {
      while (true) {
        const endpoint = config[name];
        if (endpoint === undefined) {
          const known = Object.keys(config).map((n) => `"${n}"`).join(", ");
          throw new LlmError(
            `Cannot send a chat request to endpoint "${name}": it is not in the config (known endpoints: ${
              known || "none"
            })`,
            { kind: "config", endpoint: name },
          );
        }
        visited.add(name);
        try {
          if (controller.signal.aborted) throw controller.signal.reason;
          progress.outcome = null;
          const run = runOnEndpoint({
            name,
            endpoint,
            queue: queueFor(name, endpoint),
            request,
            fetch: doFetch,
            timers,
            random,
            logger,
            backoff,
            signal: controller.signal,
            progress,
            onQueueWait: options.onQueueWait,
          });
          // The inner layers pass events in batches, one per network read.
          for await (const events of run) {
            for (const event of events) yield event;
          }
          const outcome = progress.outcome as EndpointOutcome | null;
          if (outcome === null) {
            throw new Error("The endpoint run ended without an outcome");
          }
          if (outcome.usage !== null && outcome.usage.prompt_tokens > 0) {
            options.counters?.observeUsage(
              name,
              request.model,
              request.messages,
              outcome.usage.prompt_tokens,
            );
          }
          yield {
            type: "done",
            result: {
              endpoint: name,
              model: outcome.model ?? request.model,
              finish_reason: outcome.finish_reason,
              usage: outcome.usage,
              text: progress.text,
              reasoning: progress.reasoning,
              attempts: progress.attempts,
              timing: {
                queued_ms: progress.queued_ms,
                first_token_ms: progress.first_token_at === null
                  ? null
                  : progress.first_token_at - started,
                total_ms: timers.now() - started,
              },
            },
          };
          completed = true;
          return;
        } catch (error) {
          const failure = asLlmError(
            controller.signal.aborted ? controller.signal.reason : error,
            name,
          );
          if (progress.first_token_at !== null) {
            failure.partial = true;
            throw failure;
          }
          const next = endpoint.fallback;
          if (
            failure.kind === "cancelled" || failure.kind === "bad_request" ||
            next === undefined || visited.has(next)
          ) throw failure;
          logger.warn(
            "Endpoint {endpoint} failed before the first token, failing over to {fallback}: {reason}",
            { endpoint: name, fallback: next, reason: failure.message },
          );
          yield { type: "failover", from: name, to: next, error: failure };
          name = next;
        }
      }
    } finally {
      outer?.removeEventListener("abort", onCancel);
      if (!completed && !controller.signal.aborted) controller.abort();
    }
  }

  return {
    streamChat,
    status() {
      const out: Record<string, EndpointStatus> = {};
      for (const name of Object.keys(config)) {
        const queue = queues.get(name);
        out[name] = {
          active: queue?.active ?? 0,
          waiting: queue?.waiting ?? 0,
        };
      }
      return out;
    },
    reconfigure(next) {
      config = next;
      for (const [name, queue] of queues) {
        const endpoint = next[name];
        if (endpoint !== undefined) queue.setLimits(endpoint);
      }
    },
  };
}
