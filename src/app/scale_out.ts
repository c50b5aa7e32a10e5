/**
 * The start-up settings of one process of a bot split over several
 * (README "Scaling out"): which shards it connects (`DISCORD_SHARDS`, which
 * wins over `discord.shards`), and whether its REST calls go through
 * `deno task rest` (`DISCORD_REST_URL` with `DISCORD_REST_SECRET`).
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import {
  formatShardRange,
  parseShardRange,
  type ShardRange,
} from "../config/shard_range.ts";
import type { RestProxyTarget } from "../discord/discordeno_client.ts";
import type { Env } from "./start_checks.ts";

/** What this process connects and how it reaches Discord's REST API. */
export interface ScaleOut {
  /** Absent: all shards (one process). */
  shards?: ShardRange | undefined;
  /** Absent: REST calls go to Discord (or `DISCORD_API_BASE_URL`) directly. */
  rest_proxy?: RestProxyTarget | undefined;
  /** `0-1/4`, or `all`: the label of this process's metrics and logs. */
  label: string;
}

/** Reads the settings, or returns a one-line message saying what is wrong. */
export function scaleOutFromEnv(env: Env, config: Config): ScaleOut | string {
  const fromEnv = env("DISCORD_SHARDS")?.trim();
  const text = fromEnv || config.discord.shards;
  let shards: ShardRange | undefined;
  if (text !== undefined && text !== "") {
    const parsed = parseShardRange(text);
    if (typeof parsed === "string") {
      return `Cannot use ${
        fromEnv ? "DISCORD_SHARDS" : "discord.shards"
      }: ${parsed}`;
    }
    shards = parsed;
  }
  const url = env("DISCORD_REST_URL")?.trim();
  const secret = env("DISCORD_REST_SECRET")?.trim();
  let rest_proxy: RestProxyTarget | undefined;
  if (url) {
    if (!secret) {
      return "DISCORD_REST_URL is set but DISCORD_REST_SECRET is not: set it to the same secret the REST proxy (deno task rest) was started with";
    }
    try {
      new URL(url);
    } catch {
      return `Cannot use DISCORD_REST_URL: ${
        JSON.stringify(url)
      } is not a URL; write the proxy's origin, e.g. http://127.0.0.1:8090`;
    }
    rest_proxy = { url, secret };
  }
  return {
    shards,
    rest_proxy,
    label: shards === undefined ? "all" : formatShardRange(shards),
  };
}
