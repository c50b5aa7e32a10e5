/**
 * A request's time on one endpoint: wait for a slot in its queue (telling
 * the position), then attempt, retrying with backoff while no token has
 * reached the caller, within the endpoint's total time. Text and reasoning
 * are separated here and streamed on as events. Failover between endpoints
 * is the client's business.
 *
 * @module
 */

import { runAttempt } from "./chat_attempt.ts";
import type { ChatEvent, ChatRequest } from "./chat_types.ts";
import type { EndpointSettings } from "./endpoint_settings.ts";
import type { EndpointQueue, Slot } from "./endpoint_queue.ts";
import { LlmError } from "./llm_error.ts";
import type { LlmLogger } from "./logger.ts";
import { ReplyAssembler, type ReplyProgress } from "./reply_assembler.ts";
import {
  backoffDelay,
  type BackoffSettings,
  sleep,
  type Timers,
} from "./timers.ts";

export type { EndpointOutcome, ReplyProgress } from "./reply_assembler.ts";

/** Everything a run on one endpoint needs. */
export interface EndpointRunInput {
  name: string;
  endpoint: EndpointSettings;
  queue: EndpointQueue;
  request: ChatRequest;
  fetch: typeof fetch;
  timers: Timers;
  random: () => number;
  logger: LlmLogger;
  backoff: BackoffSettings;
  /** Aborts everything; its reason (an `LlmError`) is what gets thrown. */
  signal: AbortSignal;
  progress: ReplyProgress;
  /** Told how long the request waited for a slot, in ms, when it gets one. */
  onQueueWait?: ((endpoint: string, ms: number) => void) | undefined;
}

/** Wraps anything thrown into an `LlmError` (unexpected ones are not retried). */
export function asLlmError(error: unknown, endpoint: string): LlmError {
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
): AsyncGenerator<ChatEvent[], Slot, undefined> {
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
        yield [{ type: "queued", endpoint: queue.name, position: current }];
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

/**
 * Runs the request on one endpoint: slot, attempts, retries; yields its
 * events in batches and sets `progress.outcome` when the reply is complete.
 * Throws an `LlmError` when the endpoint cannot answer; the slot is always
 * released.
 */
export async function* runOnEndpoint(
  input: EndpointRunInput,
): AsyncGenerator<ChatEvent[], void, undefined> {
  const { name, endpoint, timers, progress, backoff } = input;
  const waitStart = timers.now();
  if (input.signal.aborted) throw input.signal.reason;
  const slot = input.queue.tryAcquire() ??
    (yield* waitForSlot(input.queue, input.signal));
  const waited = timers.now() - waitStart;
  progress.queued_ms += waited;
  try {
    input.onQueueWait?.(name, waited);
    const deadline = timers.now() + endpoint.timeout.total;
    for (let attempt = 1;; attempt++) {
      progress.attempts++;
      try {
        const reply = new ReplyAssembler(progress, () => timers.now());
        const pieces = runAttempt({
          name,
          endpoint,
          request: input.request,
          fetch: input.fetch,
          timers,
          logger: input.logger,
          signal: input.signal,
          deadline,
        });
        // A batch of events per network read.
        for await (const batch of pieces) {
          const events = reply.push(batch);
          if (events.length > 0) yield events;
        }
        const tail = reply.end();
        if (tail.length > 0) yield tail;
        if (
          progress.first_token_at === null &&
          reply.outcome.finish_reason === null
        ) {
          throw new LlmError(
            `Cannot get a reply from endpoint "${name}": the answer ended before any text and without a finish reason`,
            { kind: "invalid_response", endpoint: name },
          );
        }
        progress.outcome = reply.outcome;
        return;
      } catch (error) {
        const failure = asLlmError(error, name);
        if (progress.first_token_at !== null || input.signal.aborted) {
          throw failure;
        }
        const delay = backoffDelay(
          backoff,
          attempt,
          input.random,
          failure.retryAfterMs,
        );
        if (
          !failure.retryable || attempt > endpoint.retries ||
          (failure.retryAfterMs ?? 0) > backoff.max_retry_after_ms ||
          timers.now() + delay >= deadline
        ) throw failure;
        input.logger.info(
          "Retrying endpoint {endpoint} in {delay_ms} ms (attempt {attempt} failed: {reason})",
          { endpoint: name, delay_ms: delay, attempt, reason: failure.message },
        );
        yield [{
          type: "retry",
          endpoint: name,
          attempt,
          delay_ms: delay,
          error: failure,
        }];
        await sleep(timers, delay, input.signal);
      }
    }
  } finally {
    slot.release();
  }
}
