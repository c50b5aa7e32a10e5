/**
 * Fixed-window rate limiting kept in the store, so a restart does not hand
 * everyone a fresh allowance. A limited user is told once per window, not
 * once per message. Nothing is cached in the process: each hit is counted
 * by the store in one atomic step per limit (`Store.hitRateLimits`), so
 * that several gateway processes sharing one PostgreSQL database count a
 * user's messages together without losing one. Hits are still counted one
 * after another in the process: a verdict comes back in the order the
 * messages arrived, and the runner queues a conversation's turns in that
 * order.
 *
 * @module
 */

import type { Rate } from "../config/rate.ts";
import type { Store } from "../store/store.ts";
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

  async #hit(checks: readonly LimitCheck[], now: number): Promise<RateVerdict> {
    const verdict = await this.#store.hitRateLimits(
      checks.map((check) => ({
        key: check.key,
        limit: check.rate.count,
        window_ms: check.rate.window_ms,
      })),
      now,
    );
    if (verdict.allowed) return { allowed: true };
    const rate = checks.find((check) => check.key === verdict.key)?.rate;
    return {
      allowed: false,
      key: verdict.key,
      retry_after_ms: verdict.window_start + (rate?.window_ms ?? 0) - now,
      notify: verdict.notify,
    };
  }
}
