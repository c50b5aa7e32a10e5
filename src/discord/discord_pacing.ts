/**
 * The pacing every send and edit goes through: a per-channel throttle
 * (Discord's 5 per 5 s) and, over the client's port (which keeps each
 * request's deadline, see `direct_rest.ts`), request lanes and the bot's
 * global rate (~50 requests/s, shared among gateway processes by their
 * shards).
 *
 * @module
 */

import { traceCalls } from "../observability/tracing.ts";
import { ChannelThrottle, systemThrottleTimers } from "./channel_throttle.ts";
import type { DiscordPort } from "./discord_port.ts";
import type { DiscordRuntimeOptions } from "./discord_runtime_options.ts";
import { withGlobalPacing } from "./global_pacing.ts";
import type { PacedPort } from "./global_pacing.ts";
import { withRequestLanes } from "./request_lanes.ts";

/**
 * How much longer than Discord's 5 s a channel's operation counts: its
 * window opens by Discord's clock when the first request lands, ours when
 * the answer came back, and with a REST proxy in between a request we gave
 * up on may still land later (discord.js waits 50 ms more by default).
 */
export const CHANNEL_MARGIN_MS = 100;

/** The per-channel throttle and the paced port over `client_port`. */
export function discordPacing(
  options: DiscordRuntimeOptions,
  client_port: DiscordPort,
): { throttle: ChannelThrottle; port: PacedPort } {
  const timers = options.timers ?? systemThrottleTimers;
  const paced = options.pacing ?? true;
  const bound = { onRefused: () => options.observer?.throttleRefused?.() };
  const throttle = paced
    ? new ChannelThrottle(5, 5_000, timers, {
      ...bound,
      margin_ms: CHANNEL_MARGIN_MS,
    })
    : new ChannelThrottle(Infinity, 1, timers, bound);
  // Of several gateway processes, each paces itself to its shards' share
  // of the bot's global limit; the REST proxy enforces the whole.
  const share = options.shards === undefined
    ? 1
    : (options.shards.last - options.shards.first + 1) / options.shards.total;
  const port = withGlobalPacing(
    withRequestLanes(traceCalls(client_port, "discord")),
    timers,
    paced ? Math.max(1, Math.floor(45 * share)) : Infinity,
  );
  return { throttle, port };
}
