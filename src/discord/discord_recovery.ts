/**
 * Start-up recovery of Discord turns (see `recoverTurns`): half-written
 * replies are closed, young unanswered messages answered, each by the
 * gateway process whose shards own its server.
 *
 * @module
 */

import { shardOfGuild, type ShardRange } from "../config/shard_range.ts";
import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import { recoverTurns } from "../pipeline/turn_recovery.ts";
import { systemThrottleTimers } from "./channel_throttle.ts";
import type { ChannelThrottle } from "./channel_throttle.ts";
import type { DiscordReply } from "./discord_reply.ts";
import type { DiscordRuntimeOptions } from "./discord_runtime_options.ts";
import type { PacedPort } from "./global_pacing.ts";
import { closeInterruptedReply } from "./interrupted_reply.ts";

/** What recovery needs from the runtime. */
export interface DiscordRecoveryDeps {
  options: DiscordRuntimeOptions;
  port: PacedPort;
  throttle: ChannelThrottle;
  /** A reply for a message answered again. */
  replyFor: (message: IncomingMessage) => DiscordReply;
}

/** Recovers the turns of `source: discord` this process owns. */
export async function recoverDiscordTurns(
  deps: DiscordRecoveryDeps,
): Promise<void> {
  const { services, logger } = deps.options;
  const timers = deps.options.timers ?? systemThrottleTimers;
  await recoverTurns({
    store: services.store,
    source: "discord",
    now: () => timers.now(),
    max_age_ms: services.config().recovery.max_age,
    owns: (turn) =>
      ownsGuild(deps.options.shards, turn.message.conversation.guild_id),
    logger,
    answer: (message, turn) => {
      void services.runner.dispatch(
        message,
        deps.replyFor(message),
        { stored: turn.message },
      );
    },
    close: (message, posted) =>
      closeInterruptedReply(
        deps.port,
        deps.throttle,
        message.channel_id,
        posted,
      ),
  });
}

/** True when the guild's events arrive on one of the shards of `range` (DMs: shard 0; no range: all). */
export function ownsGuild(
  range: ShardRange | undefined,
  guild_id: string,
): boolean {
  if (range === undefined) return true;
  const shard = shardOfGuild(guild_id, range.total);
  return shard >= range.first && shard <= range.last;
}
