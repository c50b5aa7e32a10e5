/**
 * The channels where a thread could not be opened (`threads: auto` without
 * Create Public Threads): for ten minutes after a refusal their messages
 * are answered in the channel, in the channel's own conversation as with
 * `threads: off`, instead of each question alone in a conversation of its
 * own; then a new question tries again, so granting the permission needs
 * no restart. The owner is warned once per channel.
 *
 * @module
 */

/** How long a channel that refused a thread is answered in place before trying again. */
export const THREAD_RETRY_AFTER_MS = 10 * 60_000;
/** Channels remembered at most (the oldest refusal goes first). */
const MAX_CHANNELS = 10_000;

/** Refused channels and when; see the module doc. */
export class ThreadRefusals {
  readonly #now: () => number;
  readonly #refusedAt = new Map<string, number>();
  readonly #warned = new Set<string>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Records a refusal in `channel_id`; true the first time (warn the owner then). */
  refused(channel_id: string): boolean {
    this.#refusedAt.delete(channel_id);
    this.#refusedAt.set(channel_id, this.#now());
    if (this.#refusedAt.size > MAX_CHANNELS) {
      const [oldest] = this.#refusedAt.keys();
      if (oldest !== undefined) this.#refusedAt.delete(oldest);
    }
    if (this.#warned.has(channel_id)) return false;
    this.#warned.add(channel_id);
    return true;
  }

  /** True while `channel_id` refused a thread less than ten minutes ago. */
  recent(channel_id: string): boolean {
    const at = this.#refusedAt.get(channel_id);
    return at !== undefined && this.#now() - at < THREAD_RETRY_AFTER_MS;
  }
}
