import type { FakeClock } from "./clock.ts";

/** A rate limit: at most `limit` requests per fixed window of `windowMs` milliseconds. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/** The outcome of asking a limiter for one request. */
export interface WindowTake {
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** When the window resets, in ms since the epoch. */
  resetAt: number;
  resetAfterMs: number;
}

/**
 * Fixed-window limiter keyed by bucket (e.g. one per channel): the window opens at the first
 * request and closes `windowMs` later, like Discord's buckets. A refused request uses nothing.
 */
export class FixedWindowLimiter {
  readonly #clock: FakeClock;
  readonly #limit: WindowLimit;
  readonly #windows = new Map<string, { start: number; used: number }>();

  /** Creates a limiter reading time from `clock`. */
  constructor(clock: FakeClock, limit: WindowLimit) {
    if (limit.limit < 1 || limit.windowMs <= 0) {
      throw new RangeError(
        `Invalid rate limit ${limit.limit} per ${limit.windowMs} ms`,
      );
    }
    this.#clock = clock;
    this.#limit = limit;
  }

  /** Takes one request from the bucket `key` if the window has room. */
  take(key: string): WindowTake {
    const now = this.#clock.now();
    let window = this.#windows.get(key);
    if (!window || now >= window.start + this.#limit.windowMs) {
      window = { start: now, used: 0 };
      this.#windows.set(key, window);
    }
    const allowed = window.used < this.#limit.limit;
    if (allowed) window.used += 1;
    const resetAt = window.start + this.#limit.windowMs;
    return {
      allowed,
      limit: this.#limit.limit,
      remaining: this.#limit.limit - window.used,
      resetAt,
      resetAfterMs: resetAt - now,
    };
  }
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** The `X-RateLimit-*` headers Discord sends on every response of a limited route. */
export function routeLimitHeaders(
  take: WindowTake,
  bucketId: string,
): Record<string, string> {
  return {
    "x-ratelimit-limit": String(take.limit),
    "x-ratelimit-remaining": String(take.remaining),
    "x-ratelimit-reset": seconds(take.resetAt),
    "x-ratelimit-reset-after": seconds(take.resetAfterMs),
    "x-ratelimit-bucket": bucketId,
  };
}

/**
 * The 429 body and extra headers: `retry_after` in seconds (float) in the body, `Retry-After`
 * in whole seconds rounded up, and `X-RateLimit-Scope` (plus `X-RateLimit-Global` when global).
 */
export function tooManyRequests(
  retryAfterMs: number,
  scope: "user" | "global" | "shared",
): { body: Record<string, unknown>; headers: Record<string, string> } {
  const global = scope === "global";
  const retryAfter = Math.max(0, retryAfterMs) / 1000;
  const headers: Record<string, string> = {
    "retry-after": String(Math.ceil(retryAfter)),
    "x-ratelimit-scope": scope,
  };
  if (global) headers["x-ratelimit-global"] = "true";
  return {
    body: {
      message: scope === "shared"
        ? "The resource is being rate limited."
        : "You are being rate limited.",
      retry_after: Math.round(retryAfter * 1000) / 1000,
      global,
    },
    headers,
  };
}
