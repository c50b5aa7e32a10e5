/**
 * Keeps notices from becoming an amplifier: at most one notice (rate
 * limited, queue full) per user per conversation per minute, however many
 * messages they send. Memory stays bounded: expired entries are dropped
 * when the table grows.
 *
 * @module
 */

/** The quiet time between two notices to one user in one conversation. */
export const NOTICE_INTERVAL_MS = 60_000;
const MAX_ENTRIES = 10_000;

/** Decides whether a notice may be sent; see the module doc. */
export class NoticeLimiter {
  readonly #last = new Map<string, number>();
  readonly #interval: number;

  constructor(interval_ms = NOTICE_INTERVAL_MS) {
    this.#interval = interval_ms;
  }

  /** True (and remembered) when `user` may get a notice in `conversation` at `now`. */
  allow(conversation: string, user: string, now: number): boolean {
    const key = `${conversation}\n${user}`;
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.#interval) return false;
    if (this.#last.size >= MAX_ENTRIES) this.#prune(now);
    this.#last.set(key, now);
    return true;
  }

  #prune(now: number): void {
    for (const [key, at] of this.#last) {
      if (now - at >= this.#interval) this.#last.delete(key);
    }
    if (this.#last.size >= MAX_ENTRIES) this.#last.clear();
  }
}
