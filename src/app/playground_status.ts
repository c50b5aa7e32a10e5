/**
 * The playground's status panel fed from the bot's metrics: the same
 * counters and histograms `/metrics` shows, read as data through
 * `BotMetrics.read` (no text parsing), plus the gateway's connection state.
 * Only numbers: no message content.
 *
 * @module
 */

import type { MetricSample } from "../observability/bot_metrics.ts";
import type {
  StatusSnapshot,
  StatusSource,
} from "../playground/status_sampler.ts";

/** Where the numbers come from. */
export interface MetricsStatusDeps {
  /** `BotMetrics.read`. */
  read(name: string): Promise<MetricSample[]>;
  /** The configured endpoint names (the current config). */
  endpoints(): string[];
  /** Active and waiting LLM requests per endpoint (`LlmClient.status`). */
  queue(): Record<string, { active: number; waiting: number }>;
  /** True while the gateway session is READY; undefined when there is no gateway. */
  connected?: () => boolean;
  /** Each shard and whether it is connected. */
  shards?: () => { id: number; up: boolean }[];
}

function total(
  samples: MetricSample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter((s) =>
      s.name === name &&
      Object.entries(labels).every(([key, value]) => s.labels[key] === value)
    )
    .reduce((sum, s) => sum + s.value, 0);
}

/** A status source reading the bot's metrics. */
export function metricsStatusSource(deps: MetricsStatusDeps): StatusSource {
  return {
    async snapshot(): Promise<StatusSnapshot> {
      const [turns, firstToken, requests, errors, reconnects] = await Promise
        .all([
          deps.read("bot_turns_total"),
          deps.read("bot_llm_time_to_first_token_seconds"),
          deps.read("bot_llm_request_duration_seconds"),
          deps.read("bot_llm_errors_total"),
          deps.read("bot_gateway_reconnects_total"),
        ]);
      const queue = deps.queue();
      return {
        gateway: deps.connected === undefined ? null : {
          state: deps.connected() ? "connected (READY)" : "connecting",
          shards: (deps.shards?.() ?? []).map((shard) => ({
            id: shard.id,
            state: shard.up ? "ready" : "down",
          })),
          reconnects: total(reconnects, "bot_gateway_reconnects_total"),
        },
        endpoints: deps.endpoints().map((endpoint) => ({
          name: endpoint,
          replies_total: total(
            requests,
            "bot_llm_request_duration_seconds_count",
            { endpoint },
          ),
          errors_total: total(errors, "bot_llm_errors_total", { endpoint }),
          active: queue[endpoint]?.active ?? 0,
          waiting: queue[endpoint]?.waiting ?? 0,
          first_token_count: total(
            firstToken,
            "bot_llm_time_to_first_token_seconds_count",
            { endpoint },
          ),
          first_token_sum_seconds: total(
            firstToken,
            "bot_llm_time_to_first_token_seconds_sum",
            { endpoint },
          ),
        })),
        // Turns that ran: messages not for the bot (unrouted, ignored) are not turns.
        turns_total: total(turns, "bot_turns_total") -
          total(turns, "bot_turns_total", { outcome: "unrouted" }) -
          total(turns, "bot_turns_total", { outcome: "ignored" }),
      };
    },
  };
}
