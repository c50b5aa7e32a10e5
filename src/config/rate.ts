/**
 * Rates in the config are strings `N/unit`: `6/minute`, `5/second`,
 * `100/hour`, `1000/day`. This module turns them into a count per window.
 *
 * @module
 */

/** A parsed rate: at most `count` events per `window_ms` milliseconds. */
export interface Rate {
  count: number;
  window_ms: number;
}

const WINDOW_MS: Record<string, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The regular expression a rate string must match (used in the JSON Schema). */
export const RATE_PATTERN = "^\\s*\\d+\\s*/\\s*(second|minute|hour|day)\\s*$";

/** Parses `6/minute` into `{ count: 6, window_ms: 60000 }`, or returns null when the text is not a rate. */
export function parseRate(text: string): Rate | null {
  const match = /^\s*(\d+)\s*\/\s*(second|minute|hour|day)s?\s*$/.exec(text);
  if (match === null) return null;
  const count = Number(match[1]);
  const window_ms = WINDOW_MS[match[2] ?? ""];
  if (window_ms === undefined || !Number.isSafeInteger(count)) return null;
  return { count, window_ms };
}

/** Formats a rate back into its config form, e.g. `6/minute`. */
export function formatRate(rate: Rate): string {
  const unit = Object.entries(WINDOW_MS).find(([, ms]) =>
    ms === rate.window_ms
  );
  return unit
    ? `${rate.count}/${unit[0]}`
    : `${rate.count}/${rate.window_ms}ms`;
}
