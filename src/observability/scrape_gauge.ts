/**
 * Gauges read at scrape time, and metrics read as data: the two things the
 * bot's metrics need beyond what prom-client gives directly. A scrape-time
 * gauge whose source throws is left empty and the error reported, so one
 * broken source never turns the whole `/metrics` page into an error.
 *
 * @module
 */

import { Gauge } from "prom-client";
import type { Registry } from "prom-client";

/** One sample of a metric as data: see `BotMetrics.read`. */
export interface MetricSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** Declares a gauge on `registry` whose samples come from `source` at each scrape. */
export function scrapeGauge(
  registry: Registry,
  gauge: { name: string; help: string; labelNames: string[] },
  source: () => Iterable<[Record<string, string>, number]>,
  onCollectError: (metric: string, error: unknown) => void,
): void {
  new Gauge({
    ...gauge,
    registers: [registry],
    collect() {
      this.reset();
      try {
        for (const [labels, value] of source()) this.set(labels, value);
      } catch (error) {
        this.reset();
        onCollectError(gauge.name, error);
      }
    },
  });
}

/** The current samples of metric `name` on `registry`; empty when there is none. */
export async function readMetric(
  registry: Registry,
  name: string,
): Promise<MetricSample[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return [];
  const { values } = await metric.get();
  return values.map((sample) => ({
    name: (sample as { metricName?: string }).metricName ?? name,
    labels: Object.fromEntries(
      Object.entries(sample.labels).map(([k, v]) => [k, String(v)]),
    ),
    value: sample.value,
  }));
}
