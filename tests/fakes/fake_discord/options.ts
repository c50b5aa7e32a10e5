import type { FakeClock } from "./clock.ts";
import type { WindowLimit } from "./rate_limits.ts";
import { fakeBotToken, SnowflakeGenerator } from "./snowflake.ts";
import type {
  FakeDmChannelSpec,
  FakeGuildSpec,
  FakeUserSpec,
} from "./types.ts";
import { FakeWorld } from "./world.ts";

/** How to set up a fake Discord. Every field has a default. */
export interface FakeDiscordOptions {
  hostname?: string;
  clock?: FakeClock;
  botId?: string;
  botUsername?: string;
  applicationId?: string;
  /** Default: a realistic token whose first part is the base64 of the bot id. */
  token?: string;
  /** People who write messages; default one user "alice". */
  users?: FakeUserSpec[];
  guilds?: FakeGuildSpec[];
  dmChannels?: FakeDmChannelSpec[];
  /** HELLO's heartbeat_interval (default 41250). Keep ≥ 1100: below ~1017 Discordeno freezes. */
  heartbeatIntervalMs?: number;
  /** Time allowed for the interaction callback (default 3000). */
  interactionDeadlineMs?: number;
  /** Message create+edit limit per channel (default 5 per 5000 ms). */
  messageRateLimit?: WindowLimit;
  /** Global limit for bot-token requests (default 50 per 1000 ms). */
  globalRateLimit?: WindowLimit;
  /** Privileged intents enabled "in the portal" (default all three). */
  enabledPrivilegedIntents?: number;
  /** Dispatch MESSAGE_CREATE/UPDATE/DELETE for the bot's own messages, as Discord does (default true). */
  echoBotMessages?: boolean;
}

/**
 * Builds the world described by `options` (the bot, users, guilds, DM channels) and the bot
 * token: by default a new snowflake for the bot id and a token whose first part encodes it.
 */
export function buildWorld(
  options: FakeDiscordOptions,
  clock: FakeClock,
): { world: FakeWorld; token: string } {
  const ids = new SnowflakeGenerator(() => clock.now());
  const botId = options.botId ?? ids.next();
  const bot: FakeUserSpec = {
    id: botId,
    username: options.botUsername ?? "FakeBot",
    bot: true,
  };
  const world = new FakeWorld(ids, clock, bot, options.applicationId ?? botId);
  for (const user of options.users ?? [{ id: ids.next(), username: "alice" }]) {
    world.addUser(user);
  }
  for (const guild of options.guilds ?? []) world.addGuild(guild);
  for (const dm of options.dmChannels ?? []) world.addDmChannel(dm);
  return { world, token: options.token ?? fakeBotToken(botId) };
}
