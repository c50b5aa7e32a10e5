/**
 * Time for the LLM client comes in through this small interface: a clock
 * for timestamps and `setTimeout`/`clearTimeout` for every wait, so tests
 * can drive time (`AbortSignal.timeout` could not be faked) and every timer
 * is cleared when its request ends.
 *
 * @module
 */

/** The clock and timer functions the client uses. */
export interface Timers {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock and the global timers. */
export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) =>
    clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Waits `ms` milliseconds through `timers`; rejects with the signal's
 * reason as soon as `signal` aborts, clearing the timer.
 */
export function sleep(
  timers: Timers,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      timers.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Retry timing: exponential backoff with jitter, and a cap on `Retry-After`. */
export interface BackoffSettings {
  /** First delay before jitter, ms. */
  base_ms: number;
  /** Largest delay before jitter, ms. */
  max_ms: number;
  /** A `Retry-After` longer than this is not waited for: the attempt fails over instead. */
  max_retry_after_ms: number;
}

/** Defaults: 0.5 s, 1 s, 2 s … up to 8 s; `Retry-After` honoured up to 30 s. */
export const DEFAULT_BACKOFF: BackoffSettings = {
  base_ms: 500,
  max_ms: 8000,
  max_retry_after_ms: 30_000,
};

/**
 * The delay before retry number `attempt` (1 for the first retry): half the
 * exponential step plus a random half ("equal jitter"), so clients that
 * failed together do not return together. A server's `Retry-After` wins
 * when it asks for longer.
 */
export function backoffDelay(
  settings: BackoffSettings,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const step = Math.min(
    settings.max_ms,
    settings.base_ms * 2 ** Math.max(0, attempt - 1),
  );
  const jittered = Math.round(step / 2 + random() * step / 2);
  return retryAfterMs === undefined
    ? jittered
    : Math.max(jittered, retryAfterMs);
}
