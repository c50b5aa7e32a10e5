/**
 * Exponential backoff with full jitter for gateway reconnects. Discordeno 21
 * retries a lost gateway in a tight loop (thousands of attempts a second);
 * the adapter waits `next()` before each attempt and calls `reset()` once a
 * session is READY or RESUMED again.
 *
 * @module
 */

/** Backoff settings in milliseconds. */
export interface BackoffSettings {
  /** Delay ceiling of the first retry. */
  base_ms: number;
  /** Largest delay. */
  max_ms: number;
}

/** Reconnect pacing; see the module doc. */
export class ReconnectBackoff {
  readonly #settings: BackoffSettings;
  readonly #random: () => number;
  #failures = 0;

  constructor(
    settings: BackoffSettings = { base_ms: 1_000, max_ms: 60_000 },
    random: () => number = Math.random,
  ) {
    this.#settings = settings;
    this.#random = random;
  }

  /** Attempts since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * The delay before the next attempt: 0 for the first attempt after a
   * success, then a random delay up to base·2^(n−1), capped at `max_ms`,
   * never below a quarter of that ceiling.
   */
  next(): number {
    const attempt = this.#failures++;
    if (attempt === 0) return 0;
    const ceiling = Math.min(
      this.#settings.max_ms,
      this.#settings.base_ms * 2 ** (attempt - 1),
    );
    return Math.round(ceiling * (0.25 + 0.75 * this.#random()));
  }

  /** Forgets past failures (after READY or RESUMED). */
  reset(): void {
    this.#failures = 0;
  }
}
