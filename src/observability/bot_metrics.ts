/**
 * The bot's metrics by name, with a typed recording method for each thing
 * the pipeline and the adapters report, and the scrape-time gauges (LLM
 * queue depth, process memory and uptime). `render()` gives the `/metrics`
 * page.
 *
 * Recording never throws: a negative duration (a clock that stepped back)
 * counts as 0, and NaN durations and token counts are dropped. Label values
 * must come from a small set (outcomes, stage names, endpoint names from the
 * config); Discord routes have their snowflakes replaced by `:id` so that
 * one series does not appear per channel.
 *
 * @module
 */

import {
  FIRST_TOKEN_BUCKETS,
  QUEUE_WAIT_BUCKETS,
  REQUEST_BUCKETS,
  STAGE_BUCKETS,
} from "./metric_buckets.ts";
import { MetricsRegistry } from "./metrics_registry.ts";
import type { GaugeSample } from "./metric_families.ts";

/** What an endpoint's queue holds right now (the LLM client's `status()`). */
export type QueueStatusSource = () => Record<
  string,
  { active: number; waiting: number }
>;

/** Options of {@link createBotMetrics}; every field has a production default. */
export interface BotMetricsOptions {
  /** Active and waiting LLM requests per endpoint, read at each scrape. */
  queueStatus?: QueueStatusSource | undefined;
  /** Resident set size in bytes (default `Deno.memoryUsage().rss`). */
  residentMemoryBytes?: (() => number) | undefined;
  /** Seconds since the process started (default `performance.now() / 1000`). */
  uptimeSeconds?: (() => number) | undefined;
  /** Process start as Unix seconds (default `performance.timeOrigin / 1000`). */
  startTimeSeconds?: number | undefined;
  /** Told when a scrape-time gauge fails; that gauge is left empty. Default: ignore. */
  onCollectError?: ((metric: string, error: unknown) => void) | undefined;
}

/** The recording API of the bot's metrics. */
export interface BotMetrics {
  /** The registry behind these metrics, to add more or to render. */
  readonly registry: MetricsRegistry;
  /** A turn finished: `bot_turns_total{outcome}` (e.g. `replied`, `error`, `rate_limited`). */
  turnEnded(outcome: string): void;
  /** A pipeline stage took `seconds`: `bot_stage_duration_seconds{stage}`. */
  stageObserved(stage: string, seconds: number): void;
  /**
   * An LLM reply completed on `endpoint` (the one that answered, after any
   * fallback): time to first token (null when no token came), total time,
   * and the reported token counts (null when the server sent no usage).
   */
  llmReply(
    endpoint: string,
    firstTokenSeconds: number | null,
    totalSeconds: number,
    promptTokens: number | null,
    completionTokens: number | null,
  ): void;
  /** An LLM request failed on `endpoint`: `bot_llm_errors_total{endpoint,kind}` (kind as `LlmError.kind`). */
  llmFailed(endpoint: string, kind: string): void;
  /** A request waited `seconds` for a slot of `endpoint`: `bot_llm_queue_wait_seconds{endpoint}`. */
  llmQueueWait(endpoint: string, seconds: number): void;
  /** Replaces the source of `bot_llm_queue_depth` (e.g. after a new LLM client). */
  setQueueStatus(source: QueueStatusSource | undefined): void;
  /** Replaces the source of `bot_wait_list_length{list}` (every bounded wait list and its length). */
  setWaitLists(source: (() => Record<string, number>) | undefined): void;
  /** A wait list was full and refused an entry: `bot_wait_list_refused_total{list}`. */
  waitListRefused(list: string): void;
  /** A turn was refused by a rate limit: `bot_rate_limited_turns_total{kind}`. */
  rateLimited(kind: "user" | "channel"): void;
  /** Discord answered 429 on `route`: `bot_discord_rate_limited_total{route}`. */
  discord429(route: string): void;
  /** A Discord REST request finished: `bot_discord_requests_total{method,status}`. */
  discordRequest(method: string, status: number): void;
  /** The gateway connection was re-established: `bot_gateway_reconnects_total`. */
  gatewayReconnect(): void;
  /** A config reload was applied or rejected: `bot_config_reloads_total{result}`. */
  configReload(result: "applied" | "rejected"): void;
  /** The whole page in the text exposition format 0.0.4. */
  render(): string;
}

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
  const registry = new MetricsRegistry({
    onCollectError: options.onCollectError ?? (() => {}),
  });
  const turns = registry.counter(
    "bot_turns_total",
    "Turns finished, by outcome.",
    ["outcome"],
  );
  const stages = registry.histogram(
    "bot_stage_duration_seconds",
    "Time spent in each pipeline stage, in seconds.",
    STAGE_BUCKETS,
    ["stage"],
  );
  const firstToken = registry.histogram(
    "bot_llm_time_to_first_token_seconds",
    "Time from sending an LLM request to its first token, in seconds.",
    FIRST_TOKEN_BUCKETS,
    ["endpoint"],
  );
  const requests = registry.histogram(
    "bot_llm_request_duration_seconds",
    "Time from sending an LLM request to its last token, in seconds.",
    REQUEST_BUCKETS,
    ["endpoint"],
  );
  const tokens = registry.counter(
    "bot_llm_tokens_total",
    "Tokens reported by the LLM servers: in = prompt, out = completion.",
    ["endpoint", "direction"],
  );
  const llmErrors = registry.counter(
    "bot_llm_errors_total",
    "LLM requests that failed, by endpoint and kind of failure.",
    ["endpoint", "kind"],
  );
  const queueWaits = registry.histogram(
    "bot_llm_queue_wait_seconds",
    "Time an LLM request waited for a free slot of its endpoint, in seconds.",
    QUEUE_WAIT_BUCKETS,
    ["endpoint"],
  );
  let queueStatus = options.queueStatus;
  registry.gaugeFromCallback(
    "bot_llm_queue_depth",
    "LLM requests per endpoint: active (holding a slot) or waiting for one.",
    ["endpoint", "state"],
    () => queueSamples(queueStatus),
  );
  let waitLists: (() => Record<string, number>) | undefined;
  registry.gaugeFromCallback(
    "bot_wait_list_length",
    "Entries in each bounded wait list: turns in conversation queues, Discord sends waiting for a channel slot.",
    ["list"],
    () =>
      Object.entries(waitLists?.() ?? {}).map(([list, value]) => ({
        labels: [list],
        value,
      })),
  );
  const waitRefused = registry.counter(
    "bot_wait_list_refused_total",
    "Entries refused because their wait list was full.",
    ["list"],
  );
  const rateLimits = registry.counter(
    "bot_rate_limited_turns_total",
    "Turns refused by the bot's own rate limits, per user or per channel.",
    ["kind"],
  );
  const discord429s = registry.counter(
    "bot_discord_rate_limited_total",
    "HTTP 429 answers from Discord, by route.",
    ["route"],
  );
  const discordRequests = registry.counter(
    "bot_discord_requests_total",
    "Discord REST requests, by method and HTTP status.",
    ["method", "status"],
  );
  const reconnects = registry.counter(
    "bot_gateway_reconnects_total",
    "Times the Discord gateway connection was re-established.",
  );
  const reloads = registry.counter(
    "bot_config_reloads_total",
    "Config file changes, applied or rejected.",
    ["result"],
  );
  const rss = options.residentMemoryBytes ??
    (() => Deno.memoryUsage().rss);
  registry.gaugeFromCallback(
    "process_resident_memory_bytes",
    "Resident memory size in bytes.",
    [],
    () => [{ labels: [], value: rss() }],
  );
  const uptime = options.uptimeSeconds ?? (() => performance.now() / 1000);
  registry.gaugeFromCallback(
    "process_uptime_seconds",
    "Seconds since the process started.",
    [],
    () => [{ labels: [], value: uptime() }],
  );
  const started = options.startTimeSeconds ?? performance.timeOrigin / 1000;
  registry.gaugeFromCallback(
    "process_start_time_seconds",
    "Start time of the process since the Unix epoch, in seconds.",
    [],
    () => [{ labels: [], value: started }],
  );

  // Series every dashboard expects to exist from the start, at 0.
  rateLimits.labels("user");
  rateLimits.labels("channel");
  waitRefused.labels("conversation_queue");
  waitRefused.labels("channel_throttle");
  reloads.labels("applied");
  reloads.labels("rejected");

  return {
    registry,
    turnEnded(outcome) {
      turns.labels(outcome).inc();
    },
    stageObserved(stage, value) {
      const s = seconds(value);
      if (s !== null) stages.labels(stage).observe(s);
    },
    llmReply(endpoint, firstTokenSeconds, totalSeconds, promptIn, out) {
      const first = firstTokenSeconds === null
        ? null
        : seconds(firstTokenSeconds);
      if (first !== null) firstToken.labels(endpoint).observe(first);
      const total = seconds(totalSeconds);
      if (total !== null) requests.labels(endpoint).observe(total);
      if (promptIn !== null && promptIn >= 0) {
        tokens.labels(endpoint, "in").inc(promptIn);
      }
      if (out !== null && out >= 0) tokens.labels(endpoint, "out").inc(out);
    },
    llmFailed(endpoint, kind) {
      llmErrors.labels(endpoint, kind).inc();
    },
    llmQueueWait(endpoint, value) {
      const s = seconds(value);
      if (s !== null) queueWaits.labels(endpoint).observe(s);
    },
    setQueueStatus(source) {
      queueStatus = source;
    },
    setWaitLists(source) {
      waitLists = source;
    },
    waitListRefused(list) {
      waitRefused.labels(list).inc();
    },
    rateLimited(kind) {
      rateLimits.labels(kind).inc();
    },
    discord429(route) {
      discord429s.labels(normalizeRoute(route)).inc();
    },
    discordRequest(method, status) {
      discordRequests.labels(method.toUpperCase(), String(status)).inc();
    },
    gatewayReconnect() {
      reconnects.inc();
    },
    configReload(result) {
      reloads.labels(result).inc();
    },
    render() {
      return registry.render();
    },
  };
}

function queueSamples(source: QueueStatusSource | undefined): GaugeSample[] {
  if (source === undefined) return [];
  const samples: GaugeSample[] = [];
  for (const [endpoint, status] of Object.entries(source())) {
    samples.push({ labels: [endpoint, "active"], value: status.active });
    samples.push({ labels: [endpoint, "waiting"], value: status.waiting });
  }
  return samples;
}
