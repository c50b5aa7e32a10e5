/**
 * The Discordeno adapter: the one place that creates the Discordeno bot. It
 * declares every field the bot reads (`desiredProperties`), asks for the
 * intents the bot needs, points REST and the gateway at
 * `DISCORD_API_BASE_URL` / `DISCORD_GATEWAY_URL` when set (keeping
 * Discordeno's own rate limiting on), paces reconnects with backoff (v21
 * retries in a tight loop), turns fatal close codes into a clear stop,
 * contains malformed events, and clears the timers Discordeno leaves behind
 * at shutdown. Past this file, ids are strings and nothing knows Discordeno.
 *
 * @module
 */

import {
  type ButtonComponent,
  createBot,
  createDesiredPropertiesObject,
  GatewayIntents,
  InteractionResponseTypes,
  MessageComponentTypes,
} from "@discordeno/bot";
import type { CommandsTarget } from "../config/config_types.ts";
import type { Logger } from "../log/logging.ts";
import { isThreadType } from "./channel_directory.ts";
import type { ChannelInfo } from "./channel_directory.ts";
import { discordenoPort } from "./discordeno_port.ts";
import type { DiscordPort } from "./discord_port.ts";
import { fatalCloseMessage } from "./gateway_close_codes.ts";
import type { GatewayMessage } from "./message_mapping.ts";
import { ReconnectBackoff } from "./reconnect_backoff.ts";
import type {
  CommandDefinition,
  GatewayInteraction,
  InteractionResponder,
} from "./slash_commands.ts";

/** Every field the bot reads; Discordeno drops all others. */
export const desiredProperties = createDesiredPropertiesObject({
  message: {
    id: true,
    content: true,
    channelId: true,
    guildId: true,
    author: true,
    member: true,
    mentions: true,
    messageReference: true,
    referencedMessage: true,
    webhookId: true,
    type: true,
  },
  messageReference: { messageId: true, channelId: true, guildId: true },
  user: { id: true, username: true, globalName: true, toggles: true },
  member: { id: true, nick: true, roles: true, user: true },
  guild: { id: true, name: true, channels: true },
  channel: { id: true, type: true, parentId: true, guildId: true, name: true },
  interaction: {
    id: true,
    type: true,
    token: true,
    data: true,
    channelId: true,
    guildId: true,
    user: true,
    member: true,
  },
});

/** The intents the bot needs: servers, their messages, DMs, and message content. */
export const BOT_INTENTS = GatewayIntents.Guilds |
  GatewayIntents.GuildMessages |
  GatewayIntents.DirectMessages | GatewayIntents.MessageContent;

/** What the adapter reports to the runtime. */
export interface DiscordClientEvents {
  /** A session is READY (or RESUMED): the gateway is connected. */
  connected(): void;
  /** The gateway connection was lost; reconnecting with backoff. */
  disconnected(): void;
  /** A close code reconnecting cannot fix: the bot must stop. */
  fatal(message: string): void;
  message(message: GatewayMessage): void;
  interaction(interaction: GatewayInteraction): void;
  channel(info: ChannelInfo): void;
  channelDeleted(id: string): void;
  guild(id: string, name: string): void;
  /** A REST request got HTTP 429. */
  rateLimited(): void;
  /** A reconnect attempt is starting. */
  reconnecting(delay_ms: number): void;
}

/** How to reach Discord. */
export interface DiscordClientOptions {
  token: string;
  /** A Discord-compatible REST base up to `/api` (tests, emulators). */
  api_base_url?: string | undefined;
  /** A Discord-compatible gateway URL. */
  gateway_url?: string | undefined;
  events: DiscordClientEvents;
  logger: Logger;
  backoff?: ReconnectBackoff;
}

/** The connected Discord client, Discordeno-free. */
export interface DiscordClient {
  readonly bot_user_id: string;
  readonly port: DiscordPort;
  readonly responder: InteractionResponder;
  fetchChannel(id: string): Promise<ChannelInfo | null>;
  registerCommands(
    target: CommandsTarget,
    commands: CommandDefinition[],
  ): Promise<void>;
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

interface ChannelLike {
  id: bigint;
  type?: number;
  name?: string;
  guildId?: bigint;
  parentId?: bigint;
}

function channelInfo(channel: ChannelLike, guild_id?: bigint): ChannelInfo {
  return {
    id: String(channel.id),
    name: channel.name ?? "",
    guild_id: String(channel.guildId ?? guild_id ?? ""),
    parent_id: channel.parentId === undefined ? "" : String(channel.parentId),
    is_thread: isThreadType(channel.type),
  };
}

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
  const bot = createBot({
    token: options.token,
    intents: BOT_INTENTS,
    desiredProperties,
    loggerFactory: () => quiet,
    rest: options.api_base_url
      ? { proxy: { baseUrl: options.api_base_url } }
      : {},
    gateway: {
      ...(options.gateway_url ? { url: options.gateway_url } : {}),
      spawnShardDelay: 0,
      events: { disconnected: () => events.disconnected() },
    },
    events: {
      raw(data) {
        if (data.t === "READY" || data.t === "RESUMED") {
          backoff.reset();
          events.connected();
        }
      },
      messageCreate: (message) =>
        events.message(message as unknown as GatewayMessage),
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
      channelDelete: (channel) => events.channelDeleted(String(channel.id)),
      threadCreate: (thread) => events.channel(channelInfo(thread)),
      threadUpdate: (thread) => events.channel(channelInfo(thread)),
      threadDelete: (thread) => events.channelDeleted(String(thread.id)),
    },
  });
  // A proxy URL makes Discordeno skip its own rate limiting; ours is Discord-compatible, not a proxy.
  bot.rest.isProxied = false;
  countRateLimits(bot.rest, events);
  containMalformedEvents(bot.handlers, logger);
  pacedReconnects(bot.gateway.shards, backoff, events, logger);

  const client: DiscordClient = {
    bot_user_id: String(bot.id),
    port: discordenoPort(bot.helpers),
    responder: {
      async deferEphemeral(id, token) {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.DeferredChannelMessageWithSource,
          data: { flags: 64 },
        });
      },
      async editResponse(token, content, buttons = []) {
        await bot.helpers.editOriginalInteractionResponse(token, {
          content,
          allowedMentions: { parse: [] },
          ...(buttons.length === 0 ? {} : {
            components: [{
              type: MessageComponentTypes.ActionRow,
              // One row of at most 5 buttons (Discordeno types it as a tuple).
              components: buttons.slice(0, 5).map((button) => ({
                type: MessageComponentTypes.Button,
                customId: button.custom_id,
                label: button.label,
                style: button.style,
              })) as [ButtonComponent],
            }],
          }),
        });
      },
      async updateMessage(id, token, content) {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.UpdateMessage,
          data: { content, components: [], allowedMentions: { parse: [] } },
        });
      },
      async replyEphemeral(id, token, content) {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.ChannelMessageWithSource,
          data: { content, flags: 64, allowedMentions: { parse: [] } },
        });
      },
      async autocomplete(id, token, choices) {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.ApplicationCommandAutocompleteResult,
          data: { choices },
        });
      },
    },
    async fetchChannel(id) {
      try {
        return channelInfo(await bot.helpers.getChannel(id));
      } catch (error) {
        logger.debug("Could not look up channel {id}: {error}", { id, error });
        return null;
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
    start: () => bot.start(),
    async shutdown() {
      await bot.shutdown();
      await clearLeftoverTimers(bot);
    },
  };
  return client;
}

/** Counts REST 429s (Discordeno retries them itself). */
function countRateLimits(
  rest: {
    invalidBucket: {
      handleCompletedRequest(status: number, shared: boolean): void;
    };
  },
  events: DiscordClientEvents,
): void {
  const invalid = rest.invalidBucket;
  const original = invalid.handleCompletedRequest.bind(invalid);
  invalid.handleCompletedRequest = (status, shared) => {
    if (status === 429) events.rateLimited();
    original(status, shared);
  };
}

/** Wraps every gateway handler so one malformed event is logged and skipped. */
function containMalformedEvents(
  handlers: Record<string, unknown>,
  logger: Logger,
): void {
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== "function") continue;
    handlers[name] = (...args: unknown[]) => {
      const skip = (error: unknown) =>
        logger.warn("Skipped a malformed {event} event: {error}", {
          event: name,
          error,
        });
      try {
        const result = handler(...args);
        if (result instanceof Promise) return result.catch(skip);
        return result;
      } catch (error) {
        skip(error);
      }
    };
  }
}

interface ShardLike {
  id: number;
  connect(): Promise<unknown>;
  handleClose(close: { code: number; reason?: string }): Promise<void>;
}

/**
 * Patches each shard as Discordeno creates it: every connection attempt
 * waits its backoff delay, and a close code that forbids reconnecting
 * becomes a `fatal` event instead of an exception nobody catches.
 */
function pacedReconnects(
  shards: Map<number, unknown>,
  backoff: ReconnectBackoff,
  events: DiscordClientEvents,
  logger: Logger,
): void {
  const set = shards.set.bind(shards);
  shards.set = (id: number, value: unknown) => {
    const shard = value as ShardLike;
    const connect = shard.connect.bind(shard);
    shard.connect = async () => {
      const delay = backoff.next();
      if (delay > 0) {
        events.reconnecting(delay);
        logger.info("Reconnecting to the Discord gateway in {seconds} s", {
          seconds: (delay / 1000).toFixed(1),
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      return await connect();
    };
    const handleClose = shard.handleClose.bind(shard);
    shard.handleClose = async (close) => {
      const fatal = fatalCloseMessage(close.code);
      try {
        await handleClose(close);
      } catch (error) {
        logger.debug("Gateway closed for good: {error}", { error });
      }
      if (fatal !== null) events.fatal(fatal);
    };
    return set(id, value);
  };
}

/** Clears the timers `bot.shutdown()` leaves behind (DESIGN §5). */
async function clearLeftoverTimers(
  bot: ReturnType<typeof createBot<typeof desiredProperties>>,
): Promise<void> {
  for (const shard of bot.gateway.shards.values()) {
    clearTimeout(shard.bucket.timeoutId);
    delete shard.bucket.timeoutId;
  }
  // After a 429 Discordeno re-checks rate-limited paths every second without a handle; let it finish.
  for (let i = 0; i < 30 && bot.rest.processingRateLimitedPaths; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const queue of bot.rest.queues.values()) {
    clearTimeout(queue.timeoutId);
    clearTimeout(queue.deleteQueueTimeout);
  }
  bot.rest.queues.clear();
}
