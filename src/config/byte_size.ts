/**
 * Sizes in the config are strings such as `100kB`, `8MB`, `512KiB` or a
 * plain number of bytes. Decimal units (`kB` = 1000 bytes, `MB`, `GB`) and
 * binary ones (`KiB` = 1024 bytes, `MiB`, `GiB`) are both understood; `KB`
 * is read as `kB`. This module turns them into bytes.
 *
 * @module
 */

const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  kib: 1_024,
  mib: 1_048_576,
  gib: 1_073_741_824,
};

/** The regular expression a size string must match (used in the JSON Schema). */
export const BYTE_SIZE_PATTERN =
  "^\\s*\\d+(\\.\\d+)?\\s*([kKmMgG]i?[bB]|[bB])?\\s*$";

/** Parses a size like `100kB`, `8MB` or `2048` into bytes, or null when it is not one. */
export function parseByteSize(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (match === null) return null;
  const unit = (match[2] ?? "").toLowerCase() || "b";
  const factor = UNIT_BYTES[unit];
  if (factor === undefined) return null;
  return Math.round(Number(match[1]) * factor);
}
