/**
 * A timeout for silence that costs one timer, not one per chunk: activity
 * only moves a timestamp (`touch()`), and when the timer fires it checks
 * how long it really has been quiet, arming itself again for the rest when
 * something happened in between. A stream of many small chunks thus sets a
 * handful of timers instead of clearing and setting one per chunk (each a
 * timer object, a heap update and garbage).
 *
 * @module
 */

import type { Timers } from "./timers.ts";

/** One silence watch; see the module doc. */
export class SilenceTimer {
  readonly #timers: Timers;
  #handle: unknown = undefined;
  #ms = 0;
  #since = 0;
  #paused = false;
  #onExpire: () => void = () => {};

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /** (Re)starts the watch: `onExpire` runs after `ms` of silence. */
  start(ms: number, onExpire: () => void): void {
    this.stop();
    this.#ms = ms;
    this.#onExpire = onExpire;
    this.#since = this.#timers.now();
    this.#paused = false;
    this.#arm(ms);
  }

  /** Something happened: the silence starts again from now. */
  touch(): void {
    this.#since = this.#timers.now();
  }

  /** The wait is not the other side's until `resume()` (the caller is busy). */
  pause(): void {
    this.#paused = true;
  }

  /** Counts silence again, from now. */
  resume(): void {
    this.#paused = false;
    this.#since = this.#timers.now();
  }

  /** Stops watching. */
  stop(): void {
    if (this.#handle !== undefined) this.#timers.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #arm(ms: number): void {
    this.#handle = this.#timers.setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    this.#handle = undefined;
    if (this.#paused) return this.#arm(this.#ms);
    const quiet = this.#timers.now() - this.#since;
    if (quiet >= this.#ms) this.#onExpire();
    else this.#arm(this.#ms - quiet);
  }
}
