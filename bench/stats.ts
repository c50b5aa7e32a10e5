/**
 * Summary statistics for latency samples.
 *
 * @module
 */

/**
 * The `p`-th percentile (0–100) of `samples`, interpolating linearly between
 * the two nearest ranks. Throws a RangeError for no samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) {
    throw new RangeError(`Cannot take the p${p} of no samples`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] ?? 0;
  const b = sorted[high] ?? a;
  return a + (b - a) * (rank - low);
}

/** Rounds to `digits` decimals (for the report). */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * Paces turns per channel: the bot sends at most 5 messages per 5 s in a
 * channel (its own throttle, like Discord), so a benchmark that must never
 * wait on that throttle spaces the turns of one channel by `interval_ms`.
 */
export class ChannelPacer {
  readonly #interval: number;
  readonly #last = new Map<string, number>();

  /** Creates a pacer that spaces uses of one channel by `interval_ms`. */
  constructor(interval_ms: number) {
    this.#interval = interval_ms;
  }

  /** Milliseconds until `channel` may be used again (0 when it may now). */
  waitFor(channel: string, now = performance.now()): number {
    const last = this.#last.get(channel);
    return last === undefined ? 0 : Math.max(0, last + this.#interval - now);
  }

  /** Records a use of `channel` now. */
  use(channel: string, now = performance.now()): void {
    this.#last.set(channel, now);
  }
}
