/**
 * What {@link DiscordRuntime} is built from, and the counters it reports.
 *
 * @module
 */

import type { BotServices } from "../pipeline/bot_services.ts";
import type { Logger } from "../log/logging.ts";
import type { ThrottleTimers } from "./channel_throttle.ts";
import type { RestProxyTarget } from "./discordeno_client.ts";
import type { ShardRange } from "../config/shard_range.ts";

/** Counters the runtime reports (metrics). */
export interface DiscordObserver {
  rateLimited?(): void;
  /** A shard that had a session is connected again. */
  reconnected?(): void;
  /** A send or edit was refused because its channel's wait list was full. */
  throttleRefused?(): void;
  /** A REST request was answered with `status` (0: no answer). */
  requested?(method: string, status: number): void;
}

/** What the runtime needs. */
export interface DiscordRuntimeOptions {
  services: BotServices;
  token: string;
  api_base_url?: string | undefined;
  gateway_url?: string | undefined;
  /** The shards this process connects (`DISCORD_SHARDS`); absent: all. */
  shards?: ShardRange | undefined;
  /** Send every REST call through `deno task rest` (`DISCORD_REST_URL`). */
  rest_proxy?: RestProxyTarget | undefined;
  logger: Logger;
  timers?: ThrottleTimers;
  observer?: DiscordObserver;
  /**
   * Discord's rate limits (5 sends and edits per 5 s per channel, ~50
   * requests/s per bot). `false` lifts the bot's own pacing, for
   * Discord-compatible test servers without those limits (benchmarks);
   * Discordeno still follows whatever rate-limit headers the server sends.
   */
  pacing?: boolean;
}
