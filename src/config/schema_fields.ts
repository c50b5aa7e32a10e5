/**
 * The building blocks of the config schema: durations, byte sizes, rates,
 * Discord ids and names, each with its hint for bad input.
 *
 * @module
 */

import { z } from "zod";
import { DURATION_PATTERN, formatDuration, parseDuration } from "./duration.ts";
import { parseRate, RATE_PATTERN } from "./rate.ts";
import { BYTE_SIZE_PATTERN, parseByteSize } from "./byte_size.ts";

const DURATION_HINT = 'expected a duration like "30s", "5m", "24h" or "1h30m"';
const RATE_HINT =
  'expected a rate like "6/minute" (N per second, minute, hour or day)';

/**
 * Longest duration a timer can wait: JavaScript timers overflow past
 * 2^31 − 1 ms (about 24.8 days) and fire at once, so timeouts stop at 24d.
 */
export const MAX_TIMER_MS = 24 * 86_400_000;

/** Allowed range of a duration key, inclusive. */
export interface DurationRange {
  min_ms: number;
  max_ms: number;
}

/** Timeouts: at least a second, and short enough for a timer. */
export const TIMEOUT_RANGE: DurationRange = {
  min_ms: 1_000,
  max_ms: MAX_TIMER_MS,
};

/** A duration key: parsed to milliseconds, checked against `range`. */
export function duration(description: string, range: DurationRange) {
  const allowed = `from ${formatDuration(range.min_ms)} to ${
    formatDuration(range.max_ms)
  }`;
  return z.string({ error: DURATION_HINT })
    .regex(new RegExp(DURATION_PATTERN), { error: DURATION_HINT })
    .transform((text) => parseDuration(text) ?? 0)
    .refine((ms) => ms >= range.min_ms && ms <= range.max_ms, {
      error: `expected a duration ${allowed}`,
    })
    .describe(`${description} Allowed: ${allowed}.`);
}

const SIZE_HINT = 'expected a size like "100kB", "8MB" or a number of bytes';

/** A byte size key: "100kB", "8MB" or a number of bytes. */
export function byteSize(description: string) {
  return z.union([
    z.string({ error: SIZE_HINT })
      .regex(new RegExp(BYTE_SIZE_PATTERN), { error: SIZE_HINT })
      .transform((text) => parseByteSize(text) ?? 0),
    z.int({ error: SIZE_HINT }).min(0, { error: SIZE_HINT }),
  ], { error: SIZE_HINT }).describe(description);
}

/** A rate key such as "6/minute": parsed to `{ count, window_ms }`. */
export function rate(description: string) {
  return z.string({ error: RATE_HINT })
    .regex(new RegExp(RATE_PATTERN), { error: RATE_HINT })
    .transform((text) => parseRate(text) ?? { count: 0, window_ms: 1 })
    .refine((rate) => rate.count >= 1, {
      error:
        "a rate of 0 lets nothing through: use at least 1, or remove the key for no limit",
    })
    .describe(`${description} At least 1 per window.`);
}

/** A Discord id (snowflake), written in quotes. */
export const snowflake = z.string({
  error: 'expected a Discord id in quotes, e.g. "123456789012345678"',
})
  .regex(/^[0-9]{15,21}$/, { error: "expected a Discord id: 17 to 20 digits" })
  .describe("A Discord id (snowflake), written in quotes.");

/** A key name: letters, digits, _ and -. */
export const name = z.string().regex(/^[A-Za-z0-9_-]+$/, {
  error: "names may use letters, digits, _ and - only",
});
