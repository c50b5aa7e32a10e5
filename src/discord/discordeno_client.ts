/**
 * The Discordeno adapter: the one place that creates the Discordeno bot. It
 * declares every field the bot reads (`desiredProperties`), asks for the
 * intents the bot needs, points REST and the gateway at
 * `DISCORD_API_BASE_URL` / `DISCORD_GATEWAY_URL` when set (keeping
 * Discordeno's own rate limiting on), paces reconnects with backoff (v21
 * retries in a tight loop), turns fatal close codes into a clear stop,
 * contains malformed events, and clears the timers Discordeno leaves behind
 * at shutdown. Past this file, ids are strings and nothing knows Discordeno.
 * Its parts: `discordeno_properties.ts` (fields, intents),
 * `discordeno_payloads.ts`, `discordeno_patches.ts`,
 * `discordeno_interactions.ts`; the contract is `discord_client_types.ts`.
 *
 * @module
 */

import { createBot } from "@discordeno/bot";
import {
  discordenoWebhookLookup,
  discordenoWebhookMessages,
} from "./webhooks/discordeno_webhooks.ts";
import {
  classifyDiscordError,
  directMessageHelpers,
  discordenoPort,
} from "./discordeno_port.ts";
import { DirectRest, type SharedLimits } from "./direct_rest.ts";
import { systemThrottleTimers } from "./channel_throttle.ts";
import { botIdFromToken } from "./bot_token.ts";
import {
  botIdentity,
  type IdentifiedBot,
  STAND_IN_TOKEN,
} from "./bot_identity.ts";
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  type GuardedRest,
  guardRest,
} from "./rest_guard.ts";
import type { ShardRange } from "../config/shard_range.ts";
import type { GatewayMessage } from "./message_mapping.ts";
import { ReconnectBackoff } from "./reconnect_backoff.ts";
import type { GatewayInteraction } from "./slash_commands.ts";
import type {
  DiscordClient,
  DiscordClientOptions,
} from "./discord_client_types.ts";
import {
  botIntents,
  desiredProperties,
  type DiscordenoBot,
} from "./discordeno_properties.ts";
import { botRolesIn, channelInfo } from "./discordeno_payloads.ts";
import {
  clearLeftoverTimers,
  containMalformedEvents,
  countRateLimits,
  pacedReconnects,
  skipOwnMessages,
} from "./discordeno_patches.ts";
import {
  discordenoButtonResponder,
  discordenoInteractionWebhook,
  discordenoResponder,
} from "./discordeno_interactions.ts";

export type {
  DiscordClient,
  DiscordClientEvents,
  DiscordClientOptions,
  RestProxyTarget,
} from "./discord_client_types.ts";
export {
  BOT_INTENTS,
  botIntents,
  desiredProperties,
} from "./discordeno_properties.ts";

/** Creates the Discordeno bot and wraps it; see the module doc. */
export function createDiscordClient(
  options: DiscordClientOptions,
): DiscordClient {
  const { events, logger } = options;
  const backoff = options.backoff ?? new ReconnectBackoff();
  const quiet = {
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) =>
      logger.debug("Discordeno: {args}", { args: args.map(String) }),
    error: (...args: unknown[]) =>
      logger.debug("Discordeno: {args}", { args: args.map(String) }),
    fatal: (...args: unknown[]) =>
      logger.error("Discordeno: {args}", { args: args.map(String) }),
  };
  // Discordeno decodes the bot id from a Discord token's first part and throws
  // on other formats: it starts with a stand-in, and every request and the
  // gateway use the real token. The id Discord reports wins (see start()).
  const tokenId = botIdFromToken(options.token);
  const bot = createBot({
    token: tokenId === null ? STAND_IN_TOKEN : options.token,
    intents: botIntents(options.message_content ?? true),
    desiredProperties,
    loggerFactory: () => quiet,
    rest: {
      ...restOptions(options),
      token: options.token,
      ...(tokenId === null ? { applicationId: "0" } : {}),
    },
    gateway: {
      token: options.token,
      ...(options.gateway_url ? { url: options.gateway_url } : {}),
      ...shardOptions(options.shards),
      spawnShardDelay: 0,
      events: { disconnected: (shard) => events.disconnected(shard.id) },
    },
    events: {
      raw(data, shardId) {
        if (data.t === "READY" || data.t === "RESUMED") {
          backoff.reset();
          if (data.t === "READY") {
            identity.learn((data.d as { user?: { id?: unknown } })?.user?.id);
          }
          events.connected(shardId);
        }
        for (const [guild, role] of botRolesIn(data, String(bot.id))) {
          events.botRole(guild, role);
        }
      },
      messageCreate: (message) =>
        events.message(message as unknown as GatewayMessage),
      messageUpdate: (message) =>
        events.messageUpdated(message as unknown as GatewayMessage),
      interactionCreate: (interaction) =>
        events.interaction(interaction as unknown as GatewayInteraction),
      guildCreate(guild) {
        events.guild(String(guild.id), guild.name ?? "");
        for (const channel of guild.channels?.values() ?? []) {
          events.channel(channelInfo(channel, guild.id));
        }
      },
      channelCreate: (channel) => events.channel(channelInfo(channel)),
      channelUpdate: (channel) => events.channel(channelInfo(channel)),
      channelDelete: (channel) =>
        events.channelDeleted(String(channel.id), false),
      threadCreate: (thread) => events.channel(channelInfo(thread)),
      threadUpdate: (thread) => events.channel(channelInfo(thread)),
      threadDelete: (thread) => events.channelDeleted(String(thread.id), true),
    },
  });
  // A proxy URL makes Discordeno skip its own rate limiting: right for the
  // REST proxy, which limits for all processes; a Discord-compatible
  // DISCORD_API_BASE_URL is not a proxy, so the limiting stays on there.
  if (options.rest_proxy === undefined) bot.rest.isProxied = false;
  guardRest(bot.rest as unknown as GuardedRest, {
    logger,
    ...(options.request_timeout_ms
      ? { timeout_ms: options.request_timeout_ms }
      : {}),
    observe: (method, status) => events.requested(method, status),
  });
  countRateLimits(bot.rest, events);
  skipOwnMessages(bot.handlers, () => String(bot.id));
  containMalformedEvents(bot.handlers, logger);
  pacedReconnects(bot.gateway.shards, backoff, events, logger);

  const identity = botIdentity(
    bot as unknown as IdentifiedBot,
    tokenId,
    logger,
  );

  const messages = directRest(options, bot.rest);
  const client: DiscordClient = {
    get bot_user_id() {
      return String(bot.id);
    },
    // Not through Discordeno's request pipeline: see direct_rest.ts.
    port: discordenoPort(directMessageHelpers(messages)),
    responder: discordenoResponder(bot),
    async startThread(channel_id, message_id, name) {
      try {
        const thread = await bot.rest.startThreadWithMessage(
          channel_id,
          message_id,
          { name, autoArchiveDuration: 1440 },
        );
        return String(thread.id);
      } catch (error) {
        const failure = classifyDiscordError(error);
        // The message already has its thread (a retried turn): answer there.
        if (/\(code 160004\)/.test(failure.message)) return message_id;
        throw failure;
      }
    },
    webhookLookup: discordenoWebhookLookup(
      bot.rest,
      () => String(bot.applicationId),
    ),
    webhookMessages: discordenoWebhookMessages(bot.rest),
    interactionWebhook: (id, token) =>
      discordenoInteractionWebhook(bot, id, token),
    buttonResponder: (id, token) => discordenoButtonResponder(bot, id, token),
    async fetchChannel(id) {
      try {
        return channelInfo(await bot.helpers.getChannel(id));
      } catch (error) {
        logger.debug("Could not look up channel {id}: {error}", { id, error });
        return null;
      }
    },
    async fetchMemberRoles(guild_id, user_id) {
      try {
        const member = await bot.helpers.getMember(guild_id, user_id);
        return (member.roles ?? []).map(String);
      } catch (error) {
        const status = (error as { cause?: { status?: number } } | null)?.cause
          ?.status;
        if (status === 404) return [];
        throw error;
      }
    },
    async registerCommands(target, commands) {
      const payload = commands as unknown as Parameters<
        typeof bot.helpers.upsertGlobalApplicationCommands
      >[0];
      if (target.kind === "guild") {
        await bot.helpers.upsertGuildApplicationCommands(
          target.guild_id,
          payload,
        );
      } else await bot.helpers.upsertGlobalApplicationCommands(payload);
    },
    async start() {
      // Who the token belongs to, as Discord says: also for tokens in other formats.
      await identity.ask();
      await bot.start();
    },
    async shutdown() {
      await bot.shutdown();
      messages.close();
      await clearLeftoverTimers(bot);
    },
  };
  return client;
}

/** The message requests' own path, sharing Discordeno's rate-limit state. */
function directRest(
  options: DiscordClientOptions,
  rest: DiscordenoBot["rest"],
): DirectRest {
  const proxy = options.rest_proxy;
  return new DirectRest({
    base_url: proxy?.url ?? options.api_base_url ?? "https://discord.com/api",
    authorization: proxy?.secret ?? `Bot ${options.token}`,
    user_agent: rest.createBaseHeaders()["user-agent"] ?? "DiscordBot",
    identifier: `Bot ${options.token}`,
    limits: proxy === undefined ? rest as unknown as SharedLimits : undefined,
    timeout_ms: options.request_timeout_ms ?? DEFAULT_REQUEST_TIMEOUT_MS,
    timers: options.timers ?? systemThrottleTimers,
    logger: options.logger,
    observe: (method, status) => options.events.requested(method, status),
  });
}

function restOptions(options: DiscordClientOptions) {
  if (options.rest_proxy !== undefined) {
    return {
      proxy: {
        baseUrl: options.rest_proxy.url.replace(/\/+$/, ""),
        authorization: options.rest_proxy.secret,
      },
    };
  }
  return options.api_base_url
    ? { proxy: { baseUrl: options.api_base_url } }
    : {};
}

function shardOptions(shards: ShardRange | undefined) {
  return shards === undefined ? {} : {
    firstShardId: shards.first,
    lastShardId: shards.last,
    totalShards: shards.total,
  };
}
