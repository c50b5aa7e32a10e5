/**
 * Fixed-window rate limiting kept in the store, so a restart does not hand
 * everyone a fresh allowance. A limited user is told once per window, not
 * once per message. Updates of one key are serialised in-process so two
 * turns never lose each other's hit. Nothing is cached in the process: each
 * hit reads the counter from the store, so that several gateway processes
 * sharing one PostgreSQL database count a user's messages together.
 *
 * @module
 */

import type { Rate } from "../config/rate.ts";
import type { RateLimitWindow, Store } from "../store/store.ts";

/** One limit to check: a store key and its rate. */
export interface LimitCheck {
  key: string;
  rate: Rate;
}

/** The verdict on one hit. */
export type RateVerdict =
  | { allowed: true }
  | {
    allowed: false;
    /** The key that refused. */
    key: string;
    /** Milliseconds until the refusing window ends. */
    retry_after_ms: number;
    /** True only for the first refusal in this window: tell the user once. */
    notify: boolean;
  };

/** Checks and counts hits against several limits at once. */
export class RateLimiter {
  readonly #store: Store;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Counts a hit against every limit when all of them allow it; when one
   * refuses, nothing is counted and the refusal says whether to notify.
   */
  hit(checks: readonly LimitCheck[], now: number): Promise<RateVerdict> {
    const result = this.#tail.then(() => this.#hit(checks, now));
    this.#tail = result.catch(() => {});
    return result;
  }

  #window(key: string): Promise<RateLimitWindow | null> {
    return this.#store.getRateLimit(key);
  }

  async #save(key: string, window: RateLimitWindow): Promise<void> {
    await this.#store.setRateLimit(key, window);
  }

  async #hit(checks: readonly LimitCheck[], now: number): Promise<RateVerdict> {
    const windows = [];
    for (const check of checks) {
      const stored = await this.#window(check.key);
      const current =
        stored !== null && now - stored.window_start < check.rate.window_ms
          ? stored
          : { count: 0, window_start: now, notified: false };
      if (current.count >= check.rate.count) {
        const notify = !current.notified;
        if (notify) await this.#save(check.key, { ...current, notified: true });
        return {
          allowed: false,
          key: check.key,
          retry_after_ms: current.window_start + check.rate.window_ms - now,
          notify,
        };
      }
      windows.push({ key: check.key, window: current });
    }
    for (const { key, window } of windows) {
      await this.#save(key, { ...window, count: window.count + 1 });
    }
    return { allowed: true };
  }
}
