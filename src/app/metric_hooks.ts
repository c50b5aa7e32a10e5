/**
 * Connects the bot's parts to its metrics: the pipeline, runner and LLM
 * hooks of `createBotServices`, and the Discord runtime's observer, each
 * reporting into one `BotMetrics`.
 *
 * @module
 */

import type { DiscordObserver } from "../discord/discord_runtime.ts";
import type { BotMetrics } from "../observability/bot_metrics.ts";
import type { BotServicesOptions } from "../pipeline/bot_services.ts";

/** The `createBotServices` hooks that report to `metrics`. */
export function serviceMetricHooks(
  metrics: BotMetrics,
): Pick<
  BotServicesOptions,
  | "observeStage"
  | "onTurnEnd"
  | "onLlmResult"
  | "onLlmError"
  | "onLlmQueueWait"
> {
  return {
    observeStage: (stage, ms) => metrics.stageObserved(stage, ms / 1000),
    onTurnEnd: (outcome, ctx) => {
      metrics.turnEnded(outcome);
      if (outcome === "queue_full") {
        metrics.waitListRefused("conversation_queue");
      }
      if (outcome === "rate_limited") {
        metrics.rateLimited(
          ctx?.detail.startsWith("user") ? "user" : "channel",
        );
      }
    },
    onLlmResult: (result) =>
      metrics.llmReply(
        result.endpoint,
        result.timing.first_token_ms === null
          ? null
          : result.timing.first_token_ms / 1000,
        result.timing.total_ms / 1000,
        result.usage?.prompt_tokens ?? null,
        result.usage?.completion_tokens ?? null,
      ),
    onLlmError: (endpoint, kind) => metrics.llmFailed(endpoint, kind),
    onLlmQueueWait: (endpoint, ms) => metrics.llmQueueWait(endpoint, ms / 1000),
  };
}

/** The Discord runtime's observer that reports to `metrics`. */
export function discordMetricObserver(metrics: BotMetrics): DiscordObserver {
  return {
    rateLimited: () => metrics.discord429("rest"),
    reconnected: () => metrics.gatewayReconnect(),
    throttleRefused: () => metrics.waitListRefused("channel_throttle"),
    requested: (method, status) => metrics.discordRequest(method, status),
  };
}
