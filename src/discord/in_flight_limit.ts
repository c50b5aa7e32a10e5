/**
 * At most `max` requests in flight at once, the rest waiting in arrival
 * order. The HTTP client opens a connection for every request running at
 * the same time and keeps it open: without a bound a burst of replies left
 * hundreds of idle connections to Discord, each holding buffers.
 *
 * @module
 */

/** A counting semaphore; see the module doc. */
export class InFlightLimit {
  readonly #max: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  /** Resolves when a place is free, and takes it; give it back with `release()`. */
  acquire(): Promise<void> | undefined {
    if (this.#active < this.#max) {
      this.#active++;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Gives a place back: the longest waiting request takes it. */
  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#active--;
    else next();
  }
}
