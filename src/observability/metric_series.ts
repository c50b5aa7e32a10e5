/**
 * The series of a metric: one value (or one set of bucket counts) per
 * combination of label values, each holding its label text rendered once,
 * and the cache that finds a series from its label values through nested
 * maps without building a key string.
 *
 * @module
 */

import { formatLabels } from "./exposition_format.ts";
import { MetricsError } from "./metrics_error.ts";

/**
 * Finds or creates the series of one label-value combination, for the
 * metric families. The map depth equals the number of label names; a metric
 * without labels has exactly one series, created up front.
 */
export class SeriesCache<T> {
  readonly #name: string;
  readonly #labelNames: readonly string[];
  readonly #create: (values: readonly string[]) => T;
  readonly #root = new Map<string, unknown>();
  readonly #all: T[] = [];
  readonly #single: T | undefined;

  constructor(
    name: string,
    labelNames: readonly string[],
    create: (labels: string) => T,
  ) {
    this.#name = name;
    this.#labelNames = labelNames;
    this.#create = (values) => create(formatLabels(labelNames, values));
    if (labelNames.length === 0) {
      this.#single = this.#create([]);
      this.#all.push(this.#single);
    }
  }

  /** The series of these label values; throws when their number is wrong. */
  get(values: readonly string[]): T {
    const depth = this.#labelNames.length;
    if (values.length !== depth) {
      throw new MetricsError(
        `Cannot record ${this.#name}: it takes ${depth} label value(s) (${
          this.#labelNames.join(", ") || "none"
        }), got ${values.length}`,
      );
    }
    if (this.#single !== undefined) return this.#single;
    let map = this.#root;
    for (let i = 0; i < depth - 1; i++) {
      const key = values[i] as string;
      let next = map.get(key) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        map.set(key, next);
      }
      map = next;
    }
    const last = values[depth - 1] as string;
    let series = map.get(last) as T | undefined;
    if (series === undefined) {
      series = this.#create(values);
      map.set(last, series);
      this.#all.push(series);
    }
    return series;
  }

  /** Every series, in creation order. */
  all(): readonly T[] {
    return this.#all;
  }
}

/** One label combination of a counter. */
export class CounterSeries {
  /** The rendered label set, e.g. `{outcome="replied"}`. */
  readonly labelText: string;
  #value = 0;

  constructor(labelText: string) {
    this.labelText = labelText;
  }

  /** Adds `by` (default 1); counters only go up, so `by` must be ≥ 0. */
  inc(by = 1): void {
    if (!(by >= 0)) {
      throw new MetricsError(`Cannot decrease a counter: inc(${by})`);
    }
    this.#value += by;
  }

  /** The current total. */
  get value(): number {
    return this.#value;
  }
}

/** One label combination of a gauge. */
export class GaugeSeries {
  /** The rendered label set, e.g. `{endpoint="local"}`. */
  readonly labelText: string;
  #value = 0;

  constructor(labelText: string) {
    this.labelText = labelText;
  }

  /** Sets the value. */
  set(value: number): void {
    this.#value = value;
  }

  /** Adds `by` (default 1). */
  inc(by = 1): void {
    this.#value += by;
  }

  /** Subtracts `by` (default 1). */
  dec(by = 1): void {
    this.#value -= by;
  }

  /** The current value. */
  get value(): number {
    return this.#value;
  }
}

/** One label combination of a histogram. */
export class HistogramSeries {
  /** The rendered label set, e.g. `{stage="generation"}`. */
  readonly labelText: string;
  readonly #bounds: readonly number[];
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;

  constructor(labelText: string, bounds: readonly number[]) {
    this.labelText = labelText;
    this.#bounds = bounds;
    this.#counts = new Float64Array(bounds.length);
  }

  /** Records one observation (seconds, for our histograms); NaN is refused. */
  observe(value: number): void {
    if (Number.isNaN(value)) {
      throw new MetricsError("Cannot observe NaN in a histogram");
    }
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        this.#counts[i]! += 1;
        break;
      }
    }
    this.#count += 1;
    this.#sum += value;
  }

  /** How many observations. */
  get count(): number {
    return this.#count;
  }

  /** The sum of all observations. */
  get sum(): number {
    return this.#sum;
  }

  /** Cumulative counts per bucket bound, in bound order (without `+Inf`). */
  cumulative(): number[] {
    let running = 0;
    return Array.from(this.#counts, (n) => (running += n));
  }
}
