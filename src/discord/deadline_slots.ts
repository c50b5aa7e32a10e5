/**
 * Deadlines for many HTTP exchanges without a timer or controller each:
 * exchanges started within the same `slot_ms` share one abort signal, and
 * one timer aborts it `timeout_ms` after the slot closed, so every exchange
 * gets between `timeout_ms` and `timeout_ms + slot_ms` before it is cut
 * off. An exchange that ended earlier is not affected. Time goes through the
 * injected timers, so tests drive it.
 *
 * @module
 */

import type { ThrottleTimers } from "./channel_throttle.ts";

interface Slot {
  controller: AbortController;
  /** Exchanges starting from this time on take the next slot. */
  closes_at: number;
  timer: unknown;
}

/** Shared deadlines; see the module doc. */
export class DeadlineSlots {
  readonly #timeout: number;
  readonly #slot: number;
  readonly #timers: ThrottleTimers;
  readonly #open = new Set<Slot>();
  #current: Slot | null = null;

  constructor(timeout_ms: number, timers: ThrottleTimers, slot_ms?: number) {
    this.#timeout = timeout_ms;
    this.#slot = slot_ms ?? Math.max(50, Math.min(1_000, timeout_ms / 10));
    this.#timers = timers;
  }

  /** The signal of an exchange starting now: aborted once its deadline has passed. */
  signal(): AbortSignal {
    const now = this.#timers.now();
    let slot = this.#current;
    if (slot === null || now >= slot.closes_at) {
      const opened: Slot = {
        controller: new AbortController(),
        closes_at: now + this.#slot,
        timer: undefined,
      };
      opened.timer = this.#timers.setTimeout(() => {
        this.#open.delete(opened);
        if (this.#current === opened) this.#current = null;
        opened.controller.abort();
      }, this.#slot + this.#timeout);
      this.#open.add(opened);
      this.#current = slot = opened;
    }
    return slot.controller.signal;
  }

  /** Stops every pending timer (exchanges still running are not aborted). */
  close(): void {
    for (const slot of this.#open) this.#timers.clearTimeout(slot.timer);
    this.#open.clear();
    this.#current = null;
  }
}
