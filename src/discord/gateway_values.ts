/**
 * Defensive readers for values of gateway payloads, which may lack fields or
 * carry unexpected types: a snowflake is accepted as a bigint, a decimal
 * string or a safe integer, and anything else reads as absent.
 *
 * @module
 */

/** A snowflake as a decimal string, or undefined when `value` is not one. */
export function snowflake(value: unknown): string | undefined {
  if (typeof value === "bigint") return value >= 0n ? String(value) : undefined;
  if (typeof value === "string") {
    return /^[0-9]{1,20}$/.test(value) ? value : undefined;
  }
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value >= 0
      ? String(value)
      : undefined;
  }
  return undefined;
}

/** `value` if it is a string, else "". */
export function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** `value` if it is an array, else []. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` if it is a plain object, else undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}

/** The snowflakes of a list, skipping what is not one. */
export function snowflakes(value: unknown): string[] {
  return list(value).map(snowflake).filter((id): id is string =>
    id !== undefined
  );
}
