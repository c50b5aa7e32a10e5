/**
 * Per-channel pacing of message sends and edits: at most `limit` operations
 * in any `window_ms` (Discord allows about 5 per 5 s per channel), shared by
 * every reply in the channel, plus pauses a 429's `retry_after` asks for.
 * An operation counts from the moment it finished, for the window plus
 * `margin_ms`: Discord's window opens when its server took the first
 * request, by its own clock, so a margin keeps a small clock step or a
 * request that landed just after we stopped waiting for it from making
 * the sixth operation of a window.
 * The wait list of a channel is bounded (`max_waiters`): past it `acquire`
 * rejects at once with a `ThrottleFullError` instead of growing without end.
 * Waiting goes through the injected `setTimeout`, so tests drive the clock.
 *
 * @module
 */

/** Clock and timer edges. */
export interface ThrottleTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock and timers. */
export const systemThrottleTimers: ThrottleTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
};

/** Default bound of one channel's wait list. */
export const MAX_THROTTLE_WAITERS = 100;

/** Thrown by `acquire` when the channel's wait list is full. */
export class ThrottleFullError extends Error {
  constructor(channel: string, max: number) {
    super(
      `Cannot wait for a send slot in channel ${channel}: ${max} operations are already waiting`,
    );
    this.name = "ThrottleFullError";
  }
}

interface Slot {
  /** When the operation finished; it counts for a whole window from then. */
  at: number;
  /** Still running: it holds its place until it finishes. */
  running: boolean;
}

interface ChannelState {
  /** The operations inside the current window. */
  recent: Slot[];
  /** No operation before this time (a 429 asked for a pause). */
  paused_until: number;
  /** Waiters in arrival order. */
  waiters: Waiter[];
  timer: unknown;
}

interface Waiter {
  resolve: (done: () => void) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal | undefined;
}

/** Paces operations per channel; see the module doc. */
export class ChannelThrottle {
  readonly #limit: number;
  readonly #window: number;
  readonly #timers: ThrottleTimers;
  readonly #channels = new Map<string, ChannelState>();
  readonly #maxWaiters: number;
  readonly #onRefused: () => void;
  #rejected = 0;

  constructor(
    limit = 5,
    window_ms = 5_000,
    timers: ThrottleTimers = systemThrottleTimers,
    bound: {
      max_waiters?: number;
      onRefused?: () => void;
      margin_ms?: number;
    } = {},
  ) {
    this.#limit = limit;
    this.#window = window_ms + (bound.margin_ms ?? 0);
    this.#timers = timers;
    this.#maxWaiters = bound.max_waiters ?? MAX_THROTTLE_WAITERS;
    this.#onRefused = bound.onRefused ?? (() => {});
  }

  /** Operations waiting for a slot, over all channels (metrics). */
  get waiting(): number {
    let count = 0;
    for (const state of this.#channels.values()) count += state.waiters.length;
    return count;
  }

  /** Operations refused because a channel's wait list was full (metrics). */
  get rejected(): number {
    return this.#rejected;
  }

  /** True when an operation in `channel` may go now without waiting. */
  available(channel: string): boolean {
    const state = this.#channels.get(channel);
    if (state === undefined) return true;
    this.#expire(state);
    return state.waiters.length === 0 &&
      this.#readyAt(state) <= this.#timers.now();
  }

  /**
   * Waits for a slot in `channel` (first come, first served) and takes it.
   * Call the returned `done` when the request has finished: the slot then
   * counts for a whole window from that moment, so time a request spends
   * queued inside the HTTP client cannot squeeze operations together.
   */
  acquire(channel: string, signal?: AbortSignal): Promise<() => void> {
    if (this.#limit === Infinity) return Promise.resolve(() => {}); // pacing switched off
    const state = this.#state(channel);
    return new Promise<() => void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (state.waiters.length >= this.#maxWaiters) {
        this.#rejected += 1;
        this.#onRefused();
        return reject(new ThrottleFullError(channel, this.#maxWaiters));
      }
      const waiter: Waiter = { resolve, reject, signal };
      state.waiters.push(waiter);
      signal?.addEventListener("abort", () => {
        const index = state.waiters.indexOf(waiter);
        if (index !== -1) {
          state.waiters.splice(index, 1);
          reject(signal.reason);
          this.#pump(channel, state);
        }
      }, { once: true });
      this.#pump(channel, state);
    });
  }

  /** Holds every operation in `channel` for `ms` (a 429's `retry_after`). */
  pause(channel: string, ms: number): void {
    const state = this.#state(channel);
    state.paused_until = Math.max(state.paused_until, this.#timers.now() + ms);
    this.#pump(channel, state);
  }

  /** Stops every pending timer; waiters are rejected. */
  close(): void {
    for (const state of this.#channels.values()) {
      this.#timers.clearTimeout(state.timer);
      for (const waiter of state.waiters.splice(0)) {
        waiter.reject(new Error("The channel throttle was closed"));
      }
    }
    this.#channels.clear();
  }

  #state(channel: string): ChannelState {
    let state = this.#channels.get(channel);
    if (state === undefined) {
      state = { recent: [], paused_until: 0, waiters: [], timer: undefined };
      this.#channels.set(channel, state);
    }
    return state;
  }

  #expire(state: ChannelState): void {
    const cutoff = this.#timers.now() - this.#window;
    state.recent = state.recent.filter((slot) =>
      slot.running || slot.at > cutoff
    );
  }

  /** When the next slot frees up: Infinity while every slot is still running. */
  #readyAt(state: ChannelState): number {
    if (state.recent.length < this.#limit) return state.paused_until;
    const finished = state.recent.filter((slot) => !slot.running).map((slot) =>
      slot.at
    );
    const oldest = finished.length === 0 ? Infinity : Math.min(...finished);
    return Math.max(oldest + this.#window, state.paused_until);
  }

  #pump(channel: string, state: ChannelState): void {
    this.#timers.clearTimeout(state.timer);
    state.timer = undefined;
    for (;;) {
      this.#expire(state);
      const waiter = state.waiters[0];
      if (waiter === undefined) break;
      const wait = this.#readyAt(state) - this.#timers.now();
      if (wait === Infinity) return; // a finishing operation pumps again
      if (wait > 0) {
        state.timer = this.#timers.setTimeout(
          () => this.#pump(channel, state),
          wait,
        );
        return;
      }
      state.waiters.shift();
      const slot: Slot = { at: this.#timers.now(), running: true };
      state.recent.push(slot);
      waiter.resolve(() => {
        if (!slot.running) return;
        slot.running = false;
        slot.at = this.#timers.now();
        this.#pump(channel, state);
      });
    }
    if (state.recent.length === 0 && state.paused_until <= this.#timers.now()) {
      this.#channels.delete(channel);
    }
  }
}
