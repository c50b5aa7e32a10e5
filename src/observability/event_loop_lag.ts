/**
 * Event-loop lag, measured: a timer asks to run every `resolution_ms` and
 * records how late it ran. A bot whose loop is blocked (a long synchronous
 * task, a GC pause, a starved CPU) answers everything that late.
 *
 * It exists because Deno's `perf_hooks.monitorEventLoopDelay`, which
 * prom-client's lag percentiles read, reports a few microseconds whatever
 * the loop does (checked on Deno 2.9: a 300 ms block shows as 17 µs). The
 * summary covers the last `window` samples (a minute at the default
 * 100 ms), so it tells how the bot is doing now rather than since start.
 *
 * @module
 */

/** The timers the monitor uses; tests pass fake ones. */
export interface LagTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Lag over the recent window, in seconds; all 0 before the first sample. */
export interface LagSummary {
  min: number;
  max: number;
  mean: number;
  stddev: number;
  p50: number;
  p90: number;
  p99: number;
  /** Samples the summary covers. */
  count: number;
}

/** Options of {@link EventLoopLagMonitor}. */
export interface EventLoopLagOptions {
  /** How often to sample, in ms (default 100). */
  resolution_ms?: number;
  /** How many recent samples the summary covers (default 600: a minute). */
  window?: number;
  timers?: LagTimers;
}

const systemTimers: LagTimers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
};

/** Samples event-loop lag from `start()` until `stop()`; see the module doc. */
export class EventLoopLagMonitor {
  readonly #resolution: number;
  readonly #timers: LagTimers;
  readonly #samples: Float64Array;
  #count = 0;
  #next = 0;
  #handle: unknown = undefined;

  constructor(options: EventLoopLagOptions = {}) {
    this.#resolution = options.resolution_ms ?? 100;
    this.#timers = options.timers ?? systemTimers;
    this.#samples = new Float64Array(options.window ?? 600);
  }

  /** Starts sampling (again); harmless when already started. */
  start(): void {
    if (this.#handle !== undefined) return;
    this.#schedule();
  }

  /** Stops sampling; the samples taken so far stay. */
  stop(): void {
    if (this.#handle === undefined) return;
    this.#timers.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  /** The lag over the recent window. */
  summary(): LagSummary {
    const n = Math.min(this.#count, this.#samples.length);
    if (n === 0) {
      return {
        min: 0,
        max: 0,
        mean: 0,
        stddev: 0,
        p50: 0,
        p90: 0,
        p99: 0,
        count: 0,
      };
    }
    const sorted = this.#samples.slice(0, n).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    const mean = sum / n;
    let squares = 0;
    for (const v of sorted) squares += (v - mean) ** 2;
    const at = (q: number) => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!;
    return {
      min: sorted[0]! / 1000,
      max: sorted[n - 1]! / 1000,
      mean: mean / 1000,
      stddev: Math.sqrt(squares / n) / 1000,
      p50: at(0.5) / 1000,
      p90: at(0.9) / 1000,
      p99: at(0.99) / 1000,
      count: n,
    };
  }

  #schedule(): void {
    const due = this.#timers.now() + this.#resolution;
    this.#handle = this.#timers.setTimeout(() => {
      this.#record(Math.max(0, this.#timers.now() - due));
      this.#schedule();
    }, this.#resolution);
  }

  #record(lagMs: number): void {
    this.#samples[this.#next] = lagMs;
    this.#next = (this.#next + 1) % this.#samples.length;
    this.#count++;
  }
}
