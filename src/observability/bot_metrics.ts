/**
 * The bot's metrics by name, with a typed recording method for each thing
 * the pipeline and the adapters report, the scrape-time gauges (LLM queue
 * depth) and the process metrics. `render()` gives the `/metrics` page;
 * `read()` gives one metric's current values as data (for a status page).
 *
 * Built on prom-client (only `src/observability/` imports it), on a registry
 * of its own per call, so tests and several bots in one process never share
 * series.
 *
 * Recording never throws: a negative duration (a clock that stepped back)
 * counts as 0, and NaN durations and token counts are dropped. Label values
 * must come from a small set (outcomes, stage names, endpoint names from the
 * config); Discord routes have their snowflakes replaced by `:id` so that
 * one series does not appear per channel.
 *
 * @module
 */

import { Counter, Histogram, Registry } from "prom-client";
import {
  FIRST_TOKEN_BUCKETS,
  QUEUE_WAIT_BUCKETS,
  REQUEST_BUCKETS,
  STAGE_BUCKETS,
} from "./metric_buckets.ts";
import { registerProcessMetrics } from "./process_metrics.ts";
import { readMetric, scrapeGauge } from "./scrape_gauge.ts";
import type { MetricSample } from "./scrape_gauge.ts";

import type { BotMetrics, BotMetricsOptions } from "./bot_metrics_types.ts";

export type { MetricSample };
export type {
  BotMetrics,
  BotMetricsOptions,
  QueueStatusSource,
} from "./bot_metrics_types.ts";

const SNOWFLAKE = /\d{15,21}/g;

/** Replaces snowflakes in a Discord route with `:id`, so routes stay few. */
export function normalizeRoute(route: string): string {
  return route.replace(SNOWFLAKE, ":id");
}

function seconds(value: number): number | null {
  if (Number.isNaN(value)) return null;
  return value < 0 ? 0 : value;
}

/** Declares the bot's metrics on a new registry and returns the recording API. */
export function createBotMetrics(options: BotMetricsOptions = {}): BotMetrics {
  const registry = new Registry();
  if (options.defaultLabels !== undefined) {
    registry.setDefaultLabels({ ...options.defaultLabels });
  }
  const registers = [registry];
  const onCollectError = options.onCollectError ?? (() => {});
  const turns = new Counter({
    name: "bot_turns_total",
    help: "Turns finished, by outcome.",
    labelNames: ["outcome"],
    registers,
  });
  const stages = new Histogram({
    name: "bot_stage_duration_seconds",
    help: "Time spent in each pipeline stage, in seconds.",
    buckets: [...STAGE_BUCKETS],
    labelNames: ["stage"],
    registers,
  });
  const firstToken = new Histogram({
    name: "bot_llm_time_to_first_token_seconds",
    help: "Time from sending an LLM request to its first token, in seconds.",
    buckets: [...FIRST_TOKEN_BUCKETS],
    labelNames: ["endpoint"],
    registers,
  });
  const requests = new Histogram({
    name: "bot_llm_request_duration_seconds",
    help: "Time from sending an LLM request to its last token, in seconds.",
    buckets: [...REQUEST_BUCKETS],
    labelNames: ["endpoint"],
    registers,
  });
  const tokens = new Counter({
    name: "bot_llm_tokens_total",
    help: "Tokens reported by the LLM servers: in = prompt, out = completion.",
    labelNames: ["endpoint", "direction"],
    registers,
  });
  const llmErrors = new Counter({
    name: "bot_llm_errors_total",
    help: "LLM requests that failed, by endpoint and kind of failure.",
    labelNames: ["endpoint", "kind"],
    registers,
  });
  const queueWaits = new Histogram({
    name: "bot_llm_queue_wait_seconds",
    help:
      "Time an LLM request waited for a free slot of its endpoint, in seconds.",
    buckets: [...QUEUE_WAIT_BUCKETS],
    labelNames: ["endpoint"],
    registers,
  });
  let queueStatus = options.queueStatus;
  scrapeGauge(registry, {
    name: "bot_llm_queue_depth",
    help:
      "LLM requests per endpoint: active (holding a slot) or waiting for one.",
    labelNames: ["endpoint", "state"],
  }, () =>
    Object.entries(queueStatus?.() ?? {}).flatMap((
      [endpoint, status],
    ): [Record<string, string>, number][] => [
      [{ endpoint, state: "active" }, status.active],
      [{ endpoint, state: "waiting" }, status.waiting],
    ]), onCollectError);
  let waitLists: (() => Record<string, number>) | undefined;
  scrapeGauge(registry, {
    name: "bot_wait_list_length",
    help:
      "Entries in each bounded wait list: turns in conversation queues, Discord sends waiting for a channel slot.",
    labelNames: ["list"],
  }, () =>
    Object.entries(waitLists?.() ?? {}).map((
      [list, value],
    ): [Record<string, string>, number] => [{ list }, value]), onCollectError);
  const waitRefused = new Counter({
    name: "bot_wait_list_refused_total",
    help: "Entries refused because their wait list was full.",
    labelNames: ["list"],
    registers,
  });
  const rateLimits = new Counter({
    name: "bot_rate_limited_turns_total",
    help:
      "Turns refused by the bot's own rate limits, per user or per channel.",
    labelNames: ["kind"],
    registers,
  });
  const discord429s = new Counter({
    name: "bot_discord_rate_limited_total",
    help: "HTTP 429 answers from Discord, by route.",
    labelNames: ["route"],
    registers,
  });
  const discordRequests = new Counter({
    name: "bot_discord_requests_total",
    help: "Discord REST requests, by method and HTTP status (0: no answer).",
    labelNames: ["method", "status"],
    registers,
  });
  const reconnects = new Counter({
    name: "bot_gateway_reconnects_total",
    help: "Times the Discord gateway connection was re-established.",
    registers,
  });
  const reloads = new Counter({
    name: "bot_config_reloads_total",
    help: "Config file changes, applied or rejected.",
    labelNames: ["result"],
    registers,
  });
  registerProcessMetrics(registry, options);

  // Series every dashboard expects to exist from the start, at 0.
  rateLimits.inc({ kind: "user" }, 0);
  rateLimits.inc({ kind: "channel" }, 0);
  waitRefused.inc({ list: "conversation_queue" }, 0);
  waitRefused.inc({ list: "channel_throttle" }, 0);
  reloads.inc({ result: "applied" }, 0);
  reloads.inc({ result: "rejected" }, 0);

  return {
    turnEnded(outcome) {
      turns.inc({ outcome });
    },
    stageObserved(stage, value) {
      const s = seconds(value);
      if (s !== null) stages.observe({ stage }, s);
    },
    llmReply(endpoint, firstTokenSeconds, totalSeconds, promptIn, out) {
      const first = firstTokenSeconds === null
        ? null
        : seconds(firstTokenSeconds);
      if (first !== null) firstToken.observe({ endpoint }, first);
      const total = seconds(totalSeconds);
      if (total !== null) requests.observe({ endpoint }, total);
      if (promptIn !== null && promptIn >= 0) {
        tokens.inc({ endpoint, direction: "in" }, promptIn);
      }
      if (out !== null && out >= 0) {
        tokens.inc({ endpoint, direction: "out" }, out);
      }
    },
    llmFailed(endpoint, kind) {
      llmErrors.inc({ endpoint, kind });
    },
    llmQueueWait(endpoint, value) {
      const s = seconds(value);
      if (s !== null) queueWaits.observe({ endpoint }, s);
    },
    setQueueStatus(source) {
      queueStatus = source;
    },
    setWaitLists(source) {
      waitLists = source;
    },
    waitListRefused(list) {
      waitRefused.inc({ list });
    },
    rateLimited(kind) {
      rateLimits.inc({ kind });
    },
    discord429(route) {
      discord429s.inc({ route: normalizeRoute(route) });
    },
    discordRequest(method, status) {
      discordRequests.inc({
        method: method.toUpperCase(),
        status: String(status),
      });
    },
    gatewayReconnect() {
      reconnects.inc();
    },
    configReload(result) {
      reloads.inc({ result });
    },
    names() {
      return registry.getMetricsAsArray().map((metric) => metric.name);
    },
    read: (name) => readMetric(registry, name),
    render() {
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}
