/**
 * Metric families: counters, gauges, callback gauges and histograms, each
 * rendering itself in the text exposition format 0.0.4. Declare them through
 * the `MetricsRegistry`, which checks names and keeps their order.
 *
 * @module
 */

import {
  familyHeader,
  formatLabels,
  formatValue,
} from "./exposition_format.ts";
import { MetricsError } from "./metrics_error.ts";
import {
  CounterSeries,
  GaugeSeries,
  HistogramSeries,
  SeriesCache,
} from "./metric_series.ts";

/** One value of a callback gauge: label values in the gauge's label order. */
export interface GaugeSample {
  labels: readonly string[];
  value: number;
}

/**
 * Told when a callback gauge throws or returns bad samples; the gauge then
 * renders without samples and the rest of the page still renders.
 */
export type CollectErrorHandler = (metric: string, error: unknown) => void;

/** What the registry needs of a family. */
export interface Family {
  /** The metric name. */
  readonly name: string;
  /** The family's `# HELP`, `# TYPE` and sample lines. */
  render(): string;
}

/** A counter family; {@link Counter.labels} picks a series. */
export class Counter implements Family {
  /** The metric name. */
  readonly name: string;
  readonly #help: string;
  readonly #series: SeriesCache<CounterSeries>;

  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.#help = help;
    this.#series = new SeriesCache(
      name,
      labelNames,
      (text) => new CounterSeries(text),
    );
  }

  /** The series of these label values, in the order the labels were declared. */
  labels(...values: string[]): CounterSeries {
    return this.#series.get(values);
  }

  /** Adds `by` to the only series of a counter without labels. */
  inc(by = 1): void {
    this.#series.get([]).inc(by);
  }

  /** The family in the text format. */
  render(): string {
    let out = familyHeader(this.name, this.#help, "counter");
    for (const s of this.#series.all()) {
      out += `${this.name}${s.labelText} ${formatValue(s.value)}\n`;
    }
    return out;
  }
}

/** A gauge family set by the code; {@link Gauge.labels} picks a series. */
export class Gauge implements Family {
  /** The metric name. */
  readonly name: string;
  readonly #help: string;
  readonly #series: SeriesCache<GaugeSeries>;

  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.#help = help;
    this.#series = new SeriesCache(
      name,
      labelNames,
      (text) => new GaugeSeries(text),
    );
  }

  /** The series of these label values, in the order the labels were declared. */
  labels(...values: string[]): GaugeSeries {
    return this.#series.get(values);
  }

  /** Sets the only series of a gauge without labels. */
  set(value: number): void {
    this.#series.get([]).set(value);
  }

  /** The family in the text format. */
  render(): string {
    let out = familyHeader(this.name, this.#help, "gauge");
    for (const s of this.#series.all()) {
      out += `${this.name}${s.labelText} ${formatValue(s.value)}\n`;
    }
    return out;
  }
}

/** A histogram family with fixed bucket bounds; {@link Histogram.labels} picks a series. */
export class Histogram implements Family {
  /** The metric name. */
  readonly name: string;
  readonly #help: string;
  readonly #bounds: readonly number[];
  readonly #series: SeriesCache<HistogramSeries>;

  constructor(
    name: string,
    help: string,
    bounds: readonly number[],
    labelNames: readonly string[],
  ) {
    this.name = name;
    this.#help = help;
    this.#bounds = bounds;
    this.#series = new SeriesCache(
      name,
      labelNames,
      (text) => new HistogramSeries(text, bounds),
    );
  }

  /** The series of these label values, in the order the labels were declared. */
  labels(...values: string[]): HistogramSeries {
    return this.#series.get(values);
  }

  /** Records into the only series of a histogram without labels. */
  observe(value: number): void {
    this.#series.get([]).observe(value);
  }

  /** The family in the text format: cumulative `_bucket`s up to `+Inf`, `_sum`, `_count`. */
  render(): string {
    const name = this.name;
    let out = familyHeader(name, this.#help, "histogram");
    for (const s of this.#series.all()) {
      const open = s.labelText === "" ? "{" : `${s.labelText.slice(0, -1)},`;
      const counts = s.cumulative();
      this.#bounds.forEach((bound, i) => {
        out += `${name}_bucket${open}le="${formatValue(bound)}"} ${
          formatValue(counts[i] ?? 0)
        }\n`;
      });
      out += `${name}_bucket${open}le="+Inf"} ${formatValue(s.count)}\n`;
      out += `${name}_sum${s.labelText} ${formatValue(s.sum)}\n`;
      out += `${name}_count${s.labelText} ${formatValue(s.count)}\n`;
    }
    return out;
  }
}

/** A gauge whose samples a callback returns at each scrape. */
export class CallbackGauge implements Family {
  /** The metric name. */
  readonly name: string;
  readonly #help: string;
  readonly #labelNames: readonly string[];
  readonly #collect: () => Iterable<GaugeSample>;
  readonly #onError: CollectErrorHandler | undefined;

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: () => Iterable<GaugeSample>,
    onError: CollectErrorHandler | undefined,
  ) {
    this.name = name;
    this.#help = help;
    this.#labelNames = labelNames;
    this.#collect = collect;
    this.#onError = onError;
  }

  /** The family in the text format; a failing callback throws, or goes to the error handler when there is one. */
  render(): string {
    const header = familyHeader(this.name, this.#help, "gauge");
    let body = "";
    try {
      for (const sample of this.#collect()) {
        if (sample.labels.length !== this.#labelNames.length) {
          throw new MetricsError(
            `Cannot render ${this.name}: the callback gave ${sample.labels.length} label value(s), the gauge has ${this.#labelNames.length}`,
          );
        }
        body += `${this.name}${formatLabels(this.#labelNames, sample.labels)} ${
          formatValue(sample.value)
        }\n`;
      }
    } catch (error) {
      if (this.#onError === undefined) {
        throw error instanceof MetricsError ? error : new MetricsError(
          `Cannot render ${this.name}: its callback failed: ${
            error instanceof Error ? error.message : String(error)
          }`,
          { cause: error },
        );
      }
      this.#onError(this.name, error);
      return header;
    }
    return header + body;
  }
}
