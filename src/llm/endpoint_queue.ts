/**
 * Per-endpoint admission: at most `max_concurrency` requests in flight, the
 * others waiting first come, first served, at most `max_queue` of them and
 * each at most `queue_timeout` ms. Waiters hear their position whenever it
 * changes, so the bot can tell a user "you are 3rd in line".
 *
 * @module
 */

import { LlmError } from "./llm_error.ts";
import type { Timers } from "./timers.ts";

/** The limits of one endpoint's queue (field names as in the config). */
export interface QueueLimits {
  max_concurrency: number;
  max_queue: number;
  queue_timeout: number;
}

/** A held place among the in-flight requests; release it exactly once (more is harmless). */
export interface Slot {
  release(): void;
}

interface Waiter {
  grant(): void;
  onPosition(position: number): void;
  position: number;
}

/** The FIFO queue in front of one endpoint. */
export class EndpointQueue {
  readonly name: string;
  #limits: QueueLimits;
  #timers: Timers;
  #active = 0;
  #waiters: Waiter[] = [];

  constructor(name: string, limits: QueueLimits, timers: Timers) {
    this.name = name;
    this.#limits = limits;
    this.#timers = timers;
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for a slot now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Applies new limits (config reload); waiting requests may start at once. */
  setLimits(limits: QueueLimits): void {
    this.#limits = limits;
    this.#dispatch();
  }

  /**
   * A slot at once when one is free and nobody waits, else null: the
   * common case without a promise, a signal listener or a timer.
   */
  tryAcquire(): Slot | null {
    const concurrency = Math.max(1, this.#limits.max_concurrency);
    if (this.#active >= concurrency || this.#waiters.length > 0) return null;
    this.#active++;
    return this.#slot();
  }

  /**
   * Waits for a slot. Rejects with an `LlmError` of kind `saturated` when
   * the queue is full or the wait exceeds `queue_timeout`, and with the
   * signal's reason when `signal` aborts first. `onPosition` is called with
   * 1 for "next in line", and again whenever the position changes; it is
   * not called when a slot is free at once.
   */
  acquire(
    signal: AbortSignal,
    onPosition: (position: number) => void = () => {},
  ): Promise<Slot> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const concurrency = Math.max(1, this.#limits.max_concurrency);
    if (this.#active < concurrency && this.#waiters.length === 0) {
      this.#active++;
      return Promise.resolve(this.#slot());
    }
    if (this.#waiters.length >= this.#limits.max_queue) {
      return Promise.reject(
        new LlmError(
          `Cannot queue a request for endpoint "${this.name}": all ${concurrency} slots are busy and ${this.#waiters.length} requests already wait (max_queue ${this.#limits.max_queue})`,
          { kind: "saturated", endpoint: this.name },
        ),
      );
    }
    return new Promise<Slot>((resolve, reject) => {
      const timeoutMs = this.#limits.queue_timeout;
      const settle = () => {
        this.#timers.clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
      };
      const leave = (error: unknown) => {
        const index = this.#waiters.indexOf(waiter);
        if (index === -1) return;
        this.#waiters.splice(index, 1);
        settle();
        reject(error);
        this.#announce();
      };
      const onAbort = () => leave(signal.reason);
      const waiter: Waiter = {
        grant: () => {
          settle();
          resolve(this.#slot());
        },
        onPosition,
        position: 0,
      };
      const timer = this.#timers.setTimeout(() =>
        leave(
          new LlmError(
            `Cannot start a request on endpoint "${this.name}": no slot became free within queue_timeout (${timeoutMs} ms)`,
            { kind: "saturated", endpoint: this.name },
          ),
        ), timeoutMs);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#announce();
    });
  }

  #slot(): Slot {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#active--;
        this.#dispatch();
      },
    };
  }

  #dispatch(): void {
    const concurrency = Math.max(1, this.#limits.max_concurrency);
    while (this.#active < concurrency && this.#waiters.length > 0) {
      const next = this.#waiters.shift() as Waiter;
      this.#active++;
      next.grant();
    }
    this.#announce();
  }

  #announce(): void {
    this.#waiters.forEach((waiter, index) => {
      if (waiter.position === index + 1) return;
      waiter.position = index + 1;
      waiter.onPosition(index + 1);
    });
  }
}
