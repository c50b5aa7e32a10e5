/**
 * Counting a hit against several rate limits (`Store.hitRateLimits`), the
 * same way on both backends. Each limit is one atomic upsert (`hitRateLimit`
 * in `sqlite_sql.ts` and `postgres_sql.ts`): it counts the hit when the
 * window allows it, starts a new window when the old one is over, marks a
 * full window notified the first time it refuses (returning the row), and
 * returns nothing when a notified window refuses again. So no hit is lost
 * between reading a counter and writing it back, whichever process counts.
 * When a limit refuses, the hits counted against the limits before it are
 * taken back (`unhitRateLimit`), and nothing else is written.
 *
 * @module
 */

import type { RateLimitHit, RateLimitVerdict } from "./store_types.ts";

/** What one upsert returned: the window's start and whether it is notified, or no row. */
export interface HitRow {
  window_start: number;
  notified: boolean;
}

/** A hit counted in the window that started at `window_start`. */
export interface CountedHit {
  hit: RateLimitHit;
  window_start: number;
}

/** Refuses a hit with non-integer or negative numbers before any SQL runs. */
export function checkHits(hits: readonly RateLimitHit[]): void {
  for (const hit of hits) {
    if (
      hit.key === "" || !Number.isSafeInteger(hit.limit) || hit.limit < 0 ||
      !Number.isSafeInteger(hit.window_ms) || hit.window_ms <= 0
    ) {
      throw new RangeError(
        `rate limit ${
          JSON.stringify(hit.key)
        }: ${hit.limit} per ${hit.window_ms} ms is not a limit`,
      );
    }
  }
}

/** True when the upsert counted the hit; false when the limit refused it. */
export function wasCounted(row: HitRow | undefined): row is HitRow {
  return row !== undefined && !row.notified;
}

/**
 * The verdict of a refusal by `hit`: `row` is what its upsert returned
 * (undefined when the window was notified already), `stored_start` the
 * window's start read afterwards in that case.
 */
export function refusal(
  hit: RateLimitHit,
  row: HitRow | undefined,
  stored_start: number | undefined,
  now: number,
): RateLimitVerdict {
  return {
    allowed: false,
    key: hit.key,
    window_start: row?.window_start ?? stored_start ?? now,
    notify: row !== undefined,
  };
}
