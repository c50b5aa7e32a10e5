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

import { runAttempt } from "./chat_attempt.ts";
import type { ChatEvent, ChatRequest, Usage } from "./chat_types.ts";
import type { EndpointSettings } from "./endpoint_settings.ts";
import { EndpointQueue, type Slot } from "./endpoint_queue.ts";
import { LlmError } from "./llm_error.ts";
import { defaultLlmLogger, type LlmLogger } from "./logger.ts";
import { ThinkSplitter } from "./think_splitter.ts";
import {
  backoffDelay,
  type BackoffSettings,
  DEFAULT_BACKOFF,
  sleep,
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

function asLlmError(error: unknown, endpoint: string): LlmError {
  if (error instanceof LlmError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new LlmError(
    `Cannot get a reply from endpoint "${endpoint}": unexpected failure: ${detail}`,
    { kind: "server_error", endpoint, retryable: false, cause: error },
  );
}

/** Waits for a slot, yielding `queued` events while the position changes. */
async function* waitForSlot(
  queue: EndpointQueue,
  signal: AbortSignal,
): AsyncGenerator<ChatEvent, Slot, undefined> {
  let position = 0;
  let outcome: { slot: Slot } | { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let abandoned = false;
  const withdraw = new AbortController();
  const onAbort = () => withdraw.abort(signal.reason);
  if (signal.aborted) throw signal.reason;
  signal.addEventListener("abort", onAbort, { once: true });
  queue.acquire(withdraw.signal, (p) => {
    position = p;
    wake?.();
  }).then(
    (slot) => {
      if (abandoned) slot.release();
      else outcome = { slot };
      wake?.();
    },
    (error) => {
      outcome = { error };
      wake?.();
    },
  );
  let granted: Slot | undefined;
  try {
    while (true) {
      if (position > 0) {
        const current = position;
        position = 0;
        yield { type: "queued", endpoint: queue.name, position: current };
        continue;
      }
      if (outcome !== undefined) {
        if ("error" in outcome) throw outcome.error;
        granted = outcome.slot;
        return granted;
      }
      await new Promise<void>((resolve) => wake = resolve);
      wake = undefined;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    if (granted === undefined) {
      abandoned = true;
      withdraw.abort();
      if (outcome !== undefined && "slot" in outcome) outcome.slot.release();
    }
  }
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
    let queuedMs = 0;
    let attempts = 0;
    let firstTokenAt: number | null = null;
    let text = "";
    let reasoning = "";
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
          const waitStart = timers.now();
          const slot = yield* waitForSlot(
            queueFor(name, endpoint),
            controller.signal,
          );
          queuedMs += timers.now() - waitStart;
          try {
            const deadline = timers.now() + endpoint.timeout.total;
            for (let attempt = 1;; attempt++) {
              attempts++;
              const splitter = new ThinkSplitter();
              let finish: string | null = null;
              let usage: Usage | null = null;
              let model: string | null = null;
              try {
                const pieces = runAttempt({
                  name,
                  endpoint,
                  request,
                  fetch: doFetch,
                  timers,
                  logger,
                  signal: controller.signal,
                  deadline,
                });
                const emit = function* (
                  type: "text" | "reasoning",
                  delta: string,
                ): Generator<ChatEvent> {
                  if (delta === "") return;
                  firstTokenAt ??= timers.now();
                  if (type === "text") text += delta;
                  else reasoning += delta;
                  yield { type, text: delta };
                };
                for await (const piece of pieces) {
                  model = piece.model ?? model;
                  finish = piece.finish_reason ?? finish;
                  usage = piece.usage ?? usage;
                  yield* emit("reasoning", piece.reasoning);
                  const split = splitter.push(piece.content);
                  yield* emit("reasoning", split.reasoning);
                  yield* emit("text", split.text);
                }
                const tail = splitter.end();
                yield* emit("reasoning", tail.reasoning);
                yield* emit("text", tail.text);
                if (firstTokenAt === null && finish === null) {
                  throw new LlmError(
                    `Cannot get a reply from endpoint "${name}": the answer ended before any text and without a finish reason`,
                    { kind: "invalid_response", endpoint: name },
                  );
                }
              } catch (error) {
                const failure = asLlmError(error, name);
                if (firstTokenAt !== null || controller.signal.aborted) {
                  throw failure;
                }
                const delay = backoffDelay(
                  backoff,
                  attempt,
                  random,
                  failure.retryAfterMs,
                );
                if (
                  !failure.retryable || attempt > endpoint.retries ||
                  (failure.retryAfterMs ?? 0) > backoff.max_retry_after_ms ||
                  timers.now() + delay >= deadline
                ) throw failure;
                logger.info(
                  "Retrying endpoint {endpoint} in {delay_ms} ms (attempt {attempt} failed: {reason})",
                  {
                    endpoint: name,
                    delay_ms: delay,
                    attempt,
                    reason: failure.message,
                  },
                );
                yield {
                  type: "retry",
                  endpoint: name,
                  attempt,
                  delay_ms: delay,
                  error: failure,
                };
                await sleep(timers, delay, controller.signal);
                continue;
              }
              if (usage !== null && usage.prompt_tokens > 0) {
                options.counters?.observeUsage(
                  name,
                  request.model,
                  request.messages,
                  usage.prompt_tokens,
                );
              }
              const now = timers.now();
              yield {
                type: "done",
                result: {
                  endpoint: name,
                  model: model ?? request.model,
                  finish_reason: finish,
                  usage,
                  text,
                  reasoning,
                  attempts,
                  timing: {
                    queued_ms: queuedMs,
                    first_token_ms: firstTokenAt === null
                      ? null
                      : firstTokenAt - started,
                    total_ms: now - started,
                  },
                },
              };
              return;
            }
          } finally {
            slot.release();
          }
        } catch (error) {
          const failure = asLlmError(
            controller.signal.aborted ? controller.signal.reason : error,
            name,
          );
          if (firstTokenAt !== null) {
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
      if (!controller.signal.aborted) controller.abort();
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
