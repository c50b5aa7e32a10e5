/** Source of "now" for the fake's rules: rate-limit windows, the interaction deadline, timestamps. */
export interface FakeClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real wall clock (`Date.now`). */
export const systemClock: FakeClock = { now: () => Date.now() };

/**
 * A clock that only moves when told to, so tests can cross a 5-second rate-limit window or the
 * 3-second interaction deadline without sleeping. Starts at the current time by default so
 * timestamps and snowflakes stay realistic.
 */
export class ManualClock implements FakeClock {
  #now: number;

  /** Creates a clock frozen at `start` (default: the current wall-clock time). */
  constructor(start: number = Date.now()) {
    this.#now = start;
  }

  /** The frozen time in milliseconds since the epoch. */
  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms` milliseconds (never backwards). */
  advance(ms: number): void {
    if (ms < 0) {
      throw new RangeError(`Cannot move the clock backwards by ${ms} ms`);
    }
    this.#now += ms;
  }
}
