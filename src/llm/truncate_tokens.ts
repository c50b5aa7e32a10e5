/**
 * Cutting a text to a number of tokens, with a marker that says it was cut.
 * Used for the context window (history_window.ts) and for memory blocks.
 *
 * @module
 */

/** Appended to a message cut to fit. */
export const TRUNCATION_MARKER = "\n[…cut to fit the context window]";

/**
 * Cuts `text` so that it plus the marker counts at most `max` tokens.
 * Binary search on length, so the counter runs O(log n) times.
 */
export function truncateToTokens(
  text: string,
  max: number,
  count: (text: string) => number,
): string {
  if (max <= 0) return "";
  if (count(text) <= max) return text;
  const markerTokens = count(TRUNCATION_MARKER);
  if (markerTokens >= max) return "";
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (count(text.slice(0, mid)) + markerTokens <= max) low = mid;
    else high = mid - 1;
  }
  let end = low;
  while (end > 0) {
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1; // never split a surrogate pair
    const cut = `${text.slice(0, end)}${TRUNCATION_MARKER}`;
    if (count(cut) <= max) return cut;
    end -= Math.max(1, Math.ceil(end / 100));
  }
  return "";
}
