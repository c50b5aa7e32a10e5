/**
 * The convention for rate-limit keys, which lets the store find every counter
 * about one user when it must forget them. A key is `:`-separated segments:
 * the subject first — `user:<id>` or `channel:<id>` — then any qualifiers
 * (a binding, a limit name). Every segment is percent-encoded, so no segment
 * contains `:` and `user:<id>` can only appear where a user is meant:
 * `rateLimitKey("user", "42", "binding 0")` is `user:42:binding%200`.
 *
 * @module
 */

/** Whom a rate-limit counter counts: one user, or one channel. */
export type RateLimitSubject = "user" | "channel";

/**
 * Builds a rate-limit key for `Store.getRateLimit`/`setRateLimit`: the subject
 * and its id, then the qualifiers, each percent-encoded and joined with `:`.
 */
export function rateLimitKey(
  subject: RateLimitSubject,
  id: string,
  ...qualifiers: string[]
): string {
  return [subject, id, ...qualifiers].map(encodeURIComponent).join(":");
}

/**
 * The text a key contains, between `:` or at its ends, when it concerns the
 * user: `user:<encoded id>`. Store implementations search for it, wrapped in
 * `:` on both sides, in `:` + key + `:`.
 */
export function userKeySegment(user_id: string): string {
  return `user:${encodeURIComponent(user_id)}`;
}

/** True when the rate-limit key concerns this user (holds the segments `user:<id>`). */
export function rateLimitKeyMentionsUser(
  key: string,
  user_id: string,
): boolean {
  return `:${key}:`.includes(`:${userKeySegment(user_id)}:`);
}
