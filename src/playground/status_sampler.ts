/**
 * The status panel's numbers (served by `deno task start` only): gateway and
 * shard state, each endpoint's health, queue depth, and, from the same
 * counters and histograms as `/metrics`, turns per minute and each
 * endpoint's recent time to first token. The sampler reads a snapshot at
 * a fixed interval and keeps a short series of each for the live charts.
 * No message content is ever part of it.
 *
 * @module
 */

/** One endpoint's numbers at one moment. */
export interface EndpointSnapshot {
  name: string;
  /** Cumulative replies and failed requests (health is judged from their changes). */
  replies_total: number;
  errors_total: number;
  active: number;
  waiting: number;
  /** Cumulative time-to-first-token observations: count and sum in seconds. */
  first_token_count: number;
  first_token_sum_seconds: number;
}

/** What a status source reports at one moment. */
export interface StatusSnapshot {
  /** Gateway connection; null when not connected to Discord at all. */
  gateway: {
    state: string;
    shards: { id: number; state: string }[];
    reconnects: number;
  } | null;
  endpoints: EndpointSnapshot[];
  /** Cumulative turns finished (all outcomes). */
  turns_total: number;
}

/** Where the numbers come from (the app builds it from the metrics). */
export interface StatusSource {
  snapshot(): StatusSnapshot | Promise<StatusSnapshot>;
}

/** One point of the charts. */
export interface StatusPoint {
  at: number;
  turns_per_minute: number;
  queue_depth: number;
  /** Recent time to first token per endpoint, ms; null when no reply came in the interval. */
  first_token_ms: Record<string, number | null>;
}

/** What the page gets. */
export interface StatusReport {
  gateway: StatusSnapshot["gateway"];
  endpoints: (EndpointSnapshot & {
    recent_first_token_ms: number | null;
    /** True after a reply, false after failures with no reply since, null before either. */
    healthy: boolean | null;
  })[];
  points: StatusPoint[];
}

/** Keeps the last `keep` points computed from successive snapshots. */
export class StatusSampler {
  readonly #source: StatusSource;
  readonly #now: () => number;
  readonly #keep: number;
  readonly #points: StatusPoint[] = [];
  #last: { at: number; snapshot: StatusSnapshot } | null = null;
  #lastFirstToken: Record<string, number | null> = {};
  readonly #healthy: Record<string, boolean | null> = {};

  constructor(source: StatusSource, now: () => number, keep = 60) {
    this.#source = source;
    this.#now = now;
    this.#keep = keep;
  }

  /** Takes a snapshot and returns the report with the new point. */
  async sample(): Promise<StatusReport> {
    const snapshot = await this.#source.snapshot();
    const at = this.#now();
    const previous = this.#last;
    const first_token_ms: Record<string, number | null> = {};
    for (const endpoint of snapshot.endpoints) {
      const before = previous?.snapshot.endpoints.find((e) =>
        e.name === endpoint.name
      );
      const count = endpoint.first_token_count -
        (before?.first_token_count ?? 0);
      const sum = endpoint.first_token_sum_seconds -
        (before?.first_token_sum_seconds ?? 0);
      first_token_ms[endpoint.name] = count > 0
        ? Math.round(sum / count * 1000)
        : null;
      const replies = endpoint.replies_total - (before?.replies_total ?? 0);
      const errors = endpoint.errors_total - (before?.errors_total ?? 0);
      if (replies > 0) this.#healthy[endpoint.name] = true;
      else if (errors > 0) this.#healthy[endpoint.name] = false;
      else this.#healthy[endpoint.name] ??= null;
    }
    if (previous !== null) {
      const minutes = Math.max(at - previous.at, 1) / 60_000;
      this.#points.push({
        at,
        turns_per_minute: Math.round(
          Math.max(0, snapshot.turns_total - previous.snapshot.turns_total) /
            minutes * 10,
        ) / 10,
        queue_depth: snapshot.endpoints.reduce((n, e) => n + e.waiting, 0),
        first_token_ms,
      });
      if (this.#points.length > this.#keep) this.#points.shift();
    }
    for (const [name, ms] of Object.entries(first_token_ms)) {
      if (ms !== null || !(name in this.#lastFirstToken)) {
        this.#lastFirstToken[name] = ms;
      }
    }
    this.#last = { at, snapshot };
    return {
      gateway: snapshot.gateway,
      endpoints: snapshot.endpoints.map((e) => ({
        ...e,
        recent_first_token_ms: this.#lastFirstToken[e.name] ?? null,
        healthy: this.#healthy[e.name] ?? null,
      })),
      points: [...this.#points],
    };
  }
}
