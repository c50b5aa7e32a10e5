/**
 * How a file is named and sized to the model. File names are chosen by
 * whoever uploads, so before one reaches the model or the database it is
 * normalised (NFC), stripped of control and invisible formatting characters
 * (bidi overrides included), of the brackets and backticks our own markers
 * and fences use, and bounded in length with its extension kept.
 *
 * @module
 */

/** Longest file name shown, in characters. */
export const MAX_FILE_NAME = 80;

/** A file name safe to show the model: see the module doc. */
export function safeFileName(name: string): string {
  const cleaned = name.normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, " ")
    .replace(/[`\[\]<>]/g, "_")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...cleaned];
  if (chars.length === 0) return "file";
  if (chars.length <= MAX_FILE_NAME) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const ext = dot > 0 && cleaned.length - dot <= 12
    ? [...cleaned.slice(dot)]
    : [];
  const keep = MAX_FILE_NAME - ext.length - 1;
  return chars.slice(0, keep).join("") + "…" + ext.join("");
}

/** Bytes for people, decimal units with at most one decimal: `2100000` → `2.1 MB`. */
export function formatByteSize(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  const units = [["kB", 1e3], ["MB", 1e6], ["GB", 1e9]] as const;
  let unit: readonly [string, number] = units[0];
  for (const candidate of units) if (bytes >= candidate[1]) unit = candidate;
  const value = bytes / unit[1];
  const text = value >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `${text.replace(/\.0$/, "")} ${unit[0]}`;
}

/** The one-line note for a file the model cannot read. */
export function attachedNote(name: string, size: number, why: string): string {
  return `[attached: ${name}, ${formatByteSize(size)}, ${why}]`;
}

/** A fence of backticks longer than any run of backticks in `text`. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) {
    longest = Math.max(longest, run.length);
  }
  return "`".repeat(Math.max(3, longest + 1));
}
