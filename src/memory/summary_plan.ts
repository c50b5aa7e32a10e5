/**
 * Which messages a summary should take in, decided in blocks so that the
 * start of the prompt stays the same for many turns: nothing while every
 * message after the summary still fits the history room; once they do not,
 * everything but the newest half of the room is folded in at once. The
 * next turns then find the summary unchanged and the history growing from a
 * fixed first message, until the room is full again.
 *
 * @module
 */

/** One message after the summary, newest first, with its counted cost. */
export interface PlannedMessage {
  id: number;
  created_at: number;
  /** Tokens it costs in a request (content, name prefix, per-message overhead). */
  cost: number;
}

/** The limits the history of a request lives within. */
export interface PlanLimits {
  /** Tokens a request had for history. */
  room: number;
  max_messages: number;
  /** Messages created before this (epoch ms) are no longer sent. */
  oldest: number;
}

/**
 * The messages to fold, oldest first: empty while everything fits;
 * otherwise all but the newest that fit in half the room (and half of
 * `max_messages`, and within the age limit).
 */
export function planSummary(
  newestFirst: readonly PlannedMessage[],
  limits: PlanLimits,
): PlannedMessage[] {
  const total = newestFirst.reduce((sum, m) => sum + m.cost, 0);
  const oldest = newestFirst.at(-1);
  if (
    oldest === undefined ||
    (total <= limits.room && newestFirst.length <= limits.max_messages &&
      oldest.created_at >= limits.oldest)
  ) return [];
  let kept = 0;
  let used = 0;
  for (const message of newestFirst) {
    if (
      used + message.cost > limits.room / 2 ||
      kept + 1 > Math.max(1, Math.floor(limits.max_messages / 2)) ||
      message.created_at < limits.oldest
    ) break;
    used += message.cost;
    kept += 1;
  }
  return newestFirst.slice(kept).reverse();
}
