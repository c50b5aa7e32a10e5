/**
 * The recording API of the bot's metrics and its options, apart from how
 * `bot_metrics.ts` declares them on prom-client.
 *
 * @module
 */

import type { MetricSample } from "./scrape_gauge.ts";
import type { ProcessMetricSources } from "./process_metrics.ts";

/** What an endpoint's queue holds right now (the LLM client's `status()`). */
export type QueueStatusSource = () => Record<
  string,
  { active: number; waiting: number }
>;

/** Options of {@link createBotMetrics}; every field has a production default. */
export interface BotMetricsOptions extends ProcessMetricSources {
  /** Active and waiting LLM requests per endpoint, read at each scrape. */
  queueStatus?: QueueStatusSource | undefined;
  /** Told when a scrape-time gauge fails; that gauge is left empty. Default: ignore. */
  onCollectError?: ((metric: string, error: unknown) => void) | undefined;
  /**
   * Labels every sample carries, e.g. `{ shards: "0-1/4" }` for one of
   * several gateway processes. Default: none.
   */
  defaultLabels?: Readonly<Record<string, string>> | undefined;
}

/** The recording API of the bot's metrics. */
export interface BotMetrics {
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
  /** The names of every metric on the page. */
  names(): string[];
  /** The current samples of metric `name` (empty when there is no such metric), without parsing the page. */
  read(name: string): Promise<MetricSample[]>;
  /** The whole page in the Prometheus text format 0.0.4. */
  render(): Promise<string>;
  /** The page's `Content-Type`. */
  readonly contentType: string;
}
