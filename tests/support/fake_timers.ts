/**
 * A hand-driven clock for code that takes injected timers: `advance(ms)`
 * moves time forward, running every timer that falls due in order and
 * letting promises settle between them. No real waiting.
 */
import type { ThrottleTimers } from "../../src/discord/channel_throttle.ts";

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Fake clock and timers. */
export class FakeTimers implements ThrottleTimers {
  #now: number;
  #next = 1;
  #timers: Timer[] = [];

  constructor(start = 1_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = {
      id: this.#next++,
      at: this.#now + Math.max(0, ms),
      callback,
    };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    await settle();
    for (;;) {
      const due = this.#timers.filter((t) =>
        t.at <= end
      ).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) {
        break;
      }
      this.#timers = this.#timers.filter((t) =>
        t !== due
      );
      this.#now = Math.max(this.#now, due.at);
      due.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}
