/**
 * A timeout for silence that costs one timer, not one per chunk: activity
 * only moves a timestamp (`touch()`), and when the timer fires it checks
 * how long it really has been quiet, arming itself again for the rest when
 * something happened in between. A stream of many small chunks thus sets a
 * handful of timers instead of clearing and setting one per chunk (each a
 * timer object, a heap update and garbage). The same timer also watches an
 * overall deadline (`limit()`), so a whole request costs one timer.
 *
 * @module
 */

import type { Timers } from "./timers.ts";

/** One silence watch; see the module doc. */
export class SilenceTimer {
  readonly #timers: Timers;
  #handle: unknown = undefined;
  /** `timers.now()` when the armed timer fires. */
  #armedAt = 0;
  #ms = Infinity;
  #since = 0;
  #paused = false;
  #onExpire: () => void = () => {};
  #deadline = Infinity;
  #onDeadline: () => void = () => {};

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /**
   * Also runs `onDeadline` at `at` (by `timers.now()`), silence or not,
   * until `stop()`.
   */
  limit(at: number, onDeadline: () => void): void {
    this.#deadline = at;
    this.#onDeadline = onDeadline;
    this.#armBy(this.#timers.now(), at);
  }

  /**
   * (Re)starts the watch: `onExpire` runs after `ms` of silence. The timer
   * is set again only when it would fire too late; `checkWithin` (at most
   * `ms`) makes it fire sooner to look, so that a later `start()` with a
   * shorter silence needs no new timer.
   */
  start(ms: number, onExpire: () => void, checkWithin: number = ms): void {
    const now = this.#timers.now();
    this.#ms = ms;
    this.#onExpire = onExpire;
    this.#since = now;
    this.#paused = false;
    this.#armBy(now, now + Math.min(ms, checkWithin));
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

  /** Stops watching, the deadline included. */
  stop(): void {
    if (this.#handle !== undefined) this.#timers.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#ms = Infinity;
    this.#deadline = Infinity;
  }

  /** Makes sure the timer fires by `at` (and not after the deadline). */
  #armBy(now: number, at: number): void {
    const target = Math.min(at, this.#deadline);
    if (this.#handle !== undefined) {
      if (this.#armedAt <= target) return;
      this.#timers.clearTimeout(this.#handle);
    }
    this.#armedAt = target;
    this.#handle = this.#timers.setTimeout(
      () => this.#check(),
      Math.max(0, target - now),
    );
  }

  #check(): void {
    this.#handle = undefined;
    const now = this.#timers.now();
    if (now >= this.#deadline) return this.#onDeadline();
    if (this.#ms === Infinity) return this.#armBy(now, this.#deadline);
    if (this.#paused) return this.#armBy(now, now + this.#ms);
    const quiet = now - this.#since;
    if (quiet >= this.#ms) this.#onExpire();
    else this.#armBy(now, now + this.#ms - quiet);
  }
}
