/**
 * A small Prometheus registry with no dependency: counters, gauges (set by
 * the code or read from a callback at scrape time) and histograms with fixed
 * buckets, rendered in the text exposition format 0.0.4.
 *
 * Recording is cheap: `metric.labels("a", "b")` finds its series through
 * nested maps keyed by the label values (no key string is built), and each
 * series renders its label text once, when it is created. Keep a series in
 * a variable when you record to it often.
 *
 * ```ts
 * const registry = new MetricsRegistry();
 * const turns = registry.counter("bot_turns_total", "Turns by outcome.", ["outcome"]);
 * turns.labels("replied").inc();
 * registry.render(); // "# HELP bot_turns_total Turns by outcome.\n# TYPE …"
 * ```
 *
 * @module
 */

import { isLabelName, isMetricName } from "./exposition_format.ts";
import {
  CallbackGauge,
  type CollectErrorHandler,
  Counter,
  type Family,
  Gauge,
  type GaugeSample,
  Histogram,
} from "./metric_families.ts";
import { MetricsError } from "./metrics_error.ts";

/** Options of a {@link MetricsRegistry}. */
export interface MetricsRegistryOptions {
  /**
   * Called when a callback gauge throws or returns bad samples; the gauge is
   * then rendered without samples and the rest of the page still renders.
   * Without it, `render()` throws.
   */
  onCollectError?: CollectErrorHandler | undefined;
}

/** Holds metric families in declaration order and renders them for a scrape. */
export class MetricsRegistry {
  readonly #families = new Map<string, Family>();
  readonly #onCollectError: CollectErrorHandler | undefined;

  constructor(options: MetricsRegistryOptions = {}) {
    this.#onCollectError = options.onCollectError;
  }

  /** Declares a counter; label values are later given in `labelNames` order. */
  counter(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
  ): Counter {
    return this.#add(
      new Counter(this.#check(name, labelNames), help, [...labelNames]),
    );
  }

  /** Declares a gauge that the code sets. */
  gauge(
    name: string,
    help: string,
    labelNames: readonly string[] = [],
  ): Gauge {
    return this.#add(
      new Gauge(this.#check(name, labelNames), help, [...labelNames]),
    );
  }

  /** Declares a gauge whose samples `collect` returns at each scrape. */
  gaugeFromCallback(
    name: string,
    help: string,
    labelNames: readonly string[],
    collect: () => Iterable<GaugeSample>,
  ): void {
    this.#add(
      new CallbackGauge(
        this.#check(name, labelNames),
        help,
        [...labelNames],
        collect,
        this.#onCollectError,
      ),
    );
  }

  /** Declares a histogram with these strictly increasing, finite bucket bounds. */
  histogram(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames: readonly string[] = [],
  ): Histogram {
    this.#check(name, labelNames);
    if (labelNames.includes("le")) {
      throw new MetricsError(
        `Cannot declare histogram ${name}: the label name "le" is reserved for buckets`,
      );
    }
    const increasing = buckets.every((b, i) =>
      Number.isFinite(b) && (i === 0 || b > (buckets[i - 1] as number))
    );
    if (buckets.length === 0 || !increasing) {
      throw new MetricsError(
        `Cannot declare histogram ${name}: buckets must be finite and strictly increasing, got [${
          buckets.join(", ")
        }]`,
      );
    }
    return this.#add(new Histogram(name, help, [...buckets], [...labelNames]));
  }

  /** Every family in the text exposition format 0.0.4, ending with a newline. */
  render(): string {
    let out = "";
    for (const family of this.#families.values()) out += family.render();
    return out;
  }

  #check(name: string, labelNames: readonly string[]): string {
    if (!isMetricName(name)) {
      throw new MetricsError(
        `Cannot declare metric "${name}": names match [a-zA-Z_:][a-zA-Z0-9_:]*`,
      );
    }
    if (this.#families.has(name)) {
      throw new MetricsError(
        `Cannot declare metric ${name}: it is already declared`,
      );
    }
    const bad = labelNames.find((label) => !isLabelName(label));
    if (bad !== undefined) {
      throw new MetricsError(
        `Cannot declare metric ${name}: label name "${bad}" must match [a-zA-Z_][a-zA-Z0-9_]* and not start with "__"`,
      );
    }
    if (new Set(labelNames).size !== labelNames.length) {
      throw new MetricsError(
        `Cannot declare metric ${name}: label names repeat (${
          labelNames.join(", ")
        })`,
      );
    }
    return name;
  }

  #add<T extends Family>(family: T): T {
    this.#families.set(family.name, family);
    return family;
  }
}
