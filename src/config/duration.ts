/**
 * Durations in the config are strings such as `30s`, `5m`, `24h`, `7d`,
 * `500ms` or combinations like `1h30m`. This module turns them into
 * milliseconds.
 *
 * @module
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/** The regular expression a duration string must match (used in the JSON Schema). */
export const DURATION_PATTERN = "^\\s*(\\d+(\\.\\d+)?(ms|s|m|h|d|w))+\\s*$";

/**
 * Parses a duration like `30s`, `5m`, `1h30m` or `500ms` into milliseconds,
 * or returns null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < trimmed.length) {
    const match = PART.exec(trimmed);
    if (match === null) return null;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 0);
  }
  return Math.round(total);
}

/** Formats milliseconds back into the shortest readable duration, e.g. `90000` → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = ms;
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join("");
}
