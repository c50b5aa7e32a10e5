/**
 * The process's own metrics, from prom-client's default collectors with
 * what they cannot do under Deno supplied here.
 *
 * prom-client's defaults give CPU time (`process_cpu_*`), event-loop lag
 * (`nodejs_eventloop_lag_*`, from `perf_hooks.monitorEventLoopDelay`), V8
 * heap sizes, GC durations and active resources, and all of them work under
 * Deno except two kinds. The ones that read `/proc/self/…` (resident and
 * virtual memory, open file descriptors) report 0: Deno allows reading
 * `/proc/self` only with `--allow-all`. They are removed, and
 * `process_resident_memory_bytes` comes from `Deno.memoryUsage().rss`
 * instead. The lag percentiles (`nodejs_eventloop_lag_p99_seconds`, …) read
 * `monitorEventLoopDelay`, which under Deno reports microseconds whatever
 * the loop does: they are replaced by the same names read from an
 * {@link EventLoopLagMonitor} when one is given, and left out otherwise
 * (`nodejs_eventloop_lag_seconds`, measured at each scrape, stays).
 * `process_start_time_seconds` and `process_uptime_seconds` come from
 * injectable sources so that tests can pin them.
 *
 * @module
 */

import { collectDefaultMetrics, Gauge } from "prom-client";
import type { Registry } from "prom-client";
import type { LagSummary } from "./event_loop_lag.ts";

/** Where the process gauges read their values; every field has a production default. */
export interface ProcessMetricSources {
  /** Resident set size in bytes (default `Deno.memoryUsage().rss`). */
  residentMemoryBytes?: (() => number) | undefined;
  /** Seconds since the process started (default `performance.now() / 1000`). */
  uptimeSeconds?: (() => number) | undefined;
  /** Process start as Unix seconds (default `performance.timeOrigin / 1000`). */
  startTimeSeconds?: number | undefined;
  /** Recent event-loop lag (an `EventLoopLagMonitor`'s `summary`); without it the lag percentiles are left out. */
  eventLoopLag?: (() => LagSummary) | undefined;
}

/** Default collectors that read `/proc/self` and so report 0 under Deno without `--allow-all`. */
const UNUSABLE_UNDER_DENO = [
  "process_resident_memory_bytes",
  "process_virtual_memory_bytes",
  "process_heap_bytes",
  "process_open_fds",
  "process_max_fds",
  "process_start_time_seconds",
];

/** prom-client's lag statistics, by the field of {@link LagSummary} that replaces each. */
const LAG_GAUGES = {
  min: "nodejs_eventloop_lag_min_seconds",
  max: "nodejs_eventloop_lag_max_seconds",
  mean: "nodejs_eventloop_lag_mean_seconds",
  stddev: "nodejs_eventloop_lag_stddev_seconds",
  p50: "nodejs_eventloop_lag_p50_seconds",
  p90: "nodejs_eventloop_lag_p90_seconds",
  p99: "nodejs_eventloop_lag_p99_seconds",
} as const;

/** Registers the process metrics on `registry`. */
export function registerProcessMetrics(
  registry: Registry,
  sources: ProcessMetricSources = {},
): void {
  collectDefaultMetrics({ register: registry });
  for (const name of UNUSABLE_UNDER_DENO) registry.removeSingleMetric(name);
  for (const name of Object.values(LAG_GAUGES)) {
    registry.removeSingleMetric(name);
  }
  const lag = sources.eventLoopLag;
  if (lag !== undefined) {
    for (const [field, name] of Object.entries(LAG_GAUGES)) {
      new Gauge({
        name,
        help: `The event loop's ${field} lag over the last minute, in seconds.`,
        registers: [registry],
        collect() {
          this.set(lag()[field as keyof typeof LAG_GAUGES]);
        },
      });
    }
  }
  const rss = sources.residentMemoryBytes ?? (() => Deno.memoryUsage().rss);
  const uptime = sources.uptimeSeconds ?? (() => performance.now() / 1000);
  const started = sources.startTimeSeconds ?? performance.timeOrigin / 1000;
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers: [registry],
    collect() {
      this.set(rss());
    },
  });
  new Gauge({
    name: "process_uptime_seconds",
    help: "Seconds since the process started.",
    registers: [registry],
    collect() {
      this.set(uptime());
    },
  });
  new Gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since the Unix epoch, in seconds.",
    registers: [registry],
    collect() {
      this.set(started);
    },
  });
}
