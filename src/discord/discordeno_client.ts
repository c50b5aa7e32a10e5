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
import type { ButtonResponder } from "./buttons/button_router.ts";
import {
  discordenoWebhookLookup,
  discordenoWebhookMessages,
} from "./webhooks/discordeno_webhooks.ts";
import type { WebhookLookup } from "./webhooks/webhook_directory.ts";
import type { WebhookMessages } from "./webhooks/webhook_port.ts";
import { isThreadType } from "./channel_directory.ts";
import type { ChannelInfo } from "./channel_directory.ts";
import {
  classifyDiscordError,
  discordenoPort,
  rawMessageHelpers,
  type RawRest,
} from "./discordeno_port.ts";
import { botIdFromToken } from "./bot_token.ts";
import {
  botIdentity,
  type IdentifiedBot,
  STAND_IN_TOKEN,
} from "./bot_identity.ts";
import { type GuardedRest, guardRest } from "./rest_guard.ts";
import type { DiscordPort } from "./discord_port.ts";
import { fatalCloseMessage } from "./gateway_close_codes.ts";
import type { ShardRange } from "../config/shard_range.ts";
import type { GatewayMessage } from "./message_mapping.ts";
import type { InteractionWebhook } from "./interaction_port.ts";
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
    applicationId: true,
    type: true,
    mentionedRoleIds: true,
    attachments: true,
    embeds: true,
  },
  attachment: {
    id: true,
    filename: true,
    contentType: true,
    size: true,
    url: true,
    proxyUrl: true,
  },
  messageReference: { messageId: true, channelId: true, guildId: true },
  user: { id: true, username: true, globalName: true, toggles: true },
  member: { id: true, nick: true, roles: true, user: true },
  guild: { id: true, name: true, channels: true },
  channel: {
    id: true,
    type: true,
    parentId: true,
    guildId: true,
    name: true,
    ownerId: true,
    threadMetadata: true,
  },
  interaction: {
    id: true,
    type: true,
    token: true,
    data: true,
    channelId: true,
    guildId: true,
    user: true,
    member: true,
    message: true,
  },
});

/** The intents the bot needs: servers, their messages, DMs, and message content. */
export const BOT_INTENTS = GatewayIntents.Guilds |
  GatewayIntents.GuildMessages |
  GatewayIntents.DirectMessages | GatewayIntents.MessageContent;

/**
 * The intents to request: without `message_content` the privileged Message
 * Content intent is left out (Discord then shows the bot the text of server
 * messages only when they mention it; DMs and interactions are unaffected).
 */
export function botIntents(message_content: boolean): number {
  return message_content
    ? BOT_INTENTS
    : BOT_INTENTS & ~GatewayIntents.MessageContent;
}

/** What the adapter reports to the runtime. */
export interface DiscordClientEvents {
  /** A session is READY (or RESUMED) on shard `shard_id`: the gateway is connected. */
  connected(shard_id: number): void;
  /** Shard `shard_id` lost its gateway connection; reconnecting with backoff. */
  disconnected(shard_id: number): void;
  /** A close code reconnecting cannot fix: the bot must stop. */
  fatal(message: string): void;
  message(message: GatewayMessage): void;
  /** A message was edited (MESSAGE_UPDATE; Discord sends the whole message). */
  messageUpdated(message: GatewayMessage): void;
  interaction(interaction: GatewayInteraction): void;
  channel(info: ChannelInfo): void;
  /** A channel or (`thread`) a thread was deleted. */
  channelDeleted(id: string, thread: boolean): void;
  guild(id: string, name: string): void;
  /** A role Discord manages for this bot in a server. */
  botRole(guild_id: string, role_id: string): void;
  /** A REST request got HTTP 429. */
  rateLimited(): void;
  /** A reconnect attempt is starting. */
  reconnecting(delay_ms: number): void;
}

/** How to reach Discord. */
export interface DiscordClientOptions {
  token: string;
  /** The deadline of every REST request, answer body included (default 15 s). */
  request_timeout_ms?: number | undefined;
  /** A Discord-compatible REST base up to `/api` (tests, emulators). */
  api_base_url?: string | undefined;
  /** A Discord-compatible gateway URL. */
  gateway_url?: string | undefined;
  /** The shards to connect (`DISCORD_SHARDS`); absent: all of them. */
  shards?: ShardRange | undefined;
  /**
   * A REST proxy (`deno task rest`) to send every REST call through, with
   * its shared secret; the process then makes no REST call to Discord itself.
   */
  rest_proxy?: RestProxyTarget | undefined;
  events: DiscordClientEvents;
  logger: Logger;
  backoff?: ReconnectBackoff;
  /** Request the privileged Message Content intent (default true). */
  message_content?: boolean;
}

/** The connected Discord client, Discordeno-free. */
export interface DiscordClient {
  readonly bot_user_id: string;
  readonly port: DiscordPort;
  readonly responder: InteractionResponder;
  /** Starts a public thread on a message (one day's auto-archive); resolves to the thread's id. */
  startThread(
    channel_id: string,
    message_id: string,
    name: string,
  ): Promise<string>;
  /** Finding and making the bot's channel webhooks. */
  readonly webhookLookup: WebhookLookup;
  /** Posting and editing through a webhook. */
  readonly webhookMessages: WebhookMessages;
  /** How to answer one button press. */
  buttonResponder(interaction_id: string, token: string): ButtonResponder;
  /** The webhook of one interaction, for `/ask`'s streamed answer. */
  interactionWebhook(interaction_id: string, token: string): InteractionWebhook;
  fetchChannel(id: string): Promise<ChannelInfo | null>;
  /**
   * A member's role ids in a server; `[]` when the user is not a member
   * (Discord's 404); throws when it cannot be established.
   */
  fetchMemberRoles(guild_id: string, user_id: string): Promise<string[]>;
  registerCommands(
    target: CommandsTarget,
    commands: CommandDefinition[],
  ): Promise<void>;
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The bot's managed roles (tags.bot_id is the bot) in a raw GUILD_CREATE or GUILD_ROLE_* payload. */
function botRolesIn(
  data: { t?: string | null; d?: unknown },
  bot_id: string,
): [string, string][] {
  const d = data.d as
    | {
      id?: unknown;
      guild_id?: unknown;
      roles?: unknown;
      role?: unknown;
    }
    | null
    | undefined;
  if (d === null || d === undefined || typeof d !== "object") return [];
  let guild: unknown;
  let roles: unknown[];
  if (data.t === "GUILD_CREATE") {
    guild = d.id;
    roles = Array.isArray(d.roles) ? d.roles : [];
  } else if (data.t === "GUILD_ROLE_CREATE" || data.t === "GUILD_ROLE_UPDATE") {
    guild = d.guild_id;
    roles = [d.role];
  } else return [];
  if (typeof guild !== "string") return [];
  return roles.flatMap((role) => {
    const r = role as { id?: unknown; tags?: { bot_id?: unknown } } | null;
    return typeof r?.id === "string" && r.tags?.bot_id === bot_id
      ? [[guild, r.id] as [string, string]]
      : [];
  });
}

interface ChannelLike {
  id: bigint;
  type?: number;
  name?: string;
  guildId?: bigint;
  parentId?: bigint;
  ownerId?: bigint;
  archived?: boolean;
}

function channelInfo(channel: ChannelLike, guild_id?: bigint): ChannelInfo {
  return {
    id: String(channel.id),
    name: channel.name ?? "",
    guild_id: String(channel.guildId ?? guild_id ?? ""),
    parent_id: channel.parentId === undefined ? "" : String(channel.parentId),
    is_thread: isThreadType(channel.type),
    owner_id: channel.ownerId === undefined ? "" : String(channel.ownerId),
    archived: channel.archived === true,
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
  });
  countRateLimits(bot.rest, events);
  containMalformedEvents(bot.handlers, logger);
  pacedReconnects(bot.gateway.shards, backoff, events, logger);

  const identity = botIdentity(
    bot as unknown as IdentifiedBot,
    tokenId,
    logger,
  );

  const client: DiscordClient = {
    get bot_user_id() {
      return String(bot.id);
    },
    // `bot.rest`, not `bot.helpers`: see discordeno_port.ts.
    port: discordenoPort(rawMessageHelpers(bot.rest as unknown as RawRest)),
    responder: {
      async respond(id, token, content) {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.ChannelMessageWithSource,
          data: { content, flags: 64, allowedMentions: { parse: [] } },
        });
      },
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
      async autocomplete(id, token, choices) {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.ApplicationCommandAutocompleteResult,
          data: { choices },
        });
      },
    },
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
    interactionWebhook: (id, token) => ({
      async defer() {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.DeferredChannelMessageWithSource,
        });
      },
      async editOriginal(content) {
        const message = await bot.helpers.editOriginalInteractionResponse(
          token,
          { content, allowedMentions: { parse: [] } },
        );
        return String(message.id);
      },
      async followUp(content, ephemeral = false) {
        const message = await bot.helpers.sendFollowupMessage(token, {
          content,
          allowedMentions: { parse: [] },
          ...(ephemeral ? { flags: 64 } : {}),
        });
        return String(message.id);
      },
      async editMessage(message_id, content) {
        await bot.helpers.editFollowupMessage(token, message_id, {
          content,
          allowedMentions: { parse: [] },
        });
      },
      async deleteOriginal() {
        await bot.helpers.deleteOriginalInteractionResponse(token);
      },
    }),
    buttonResponder: (id, token) => ({
      async acknowledge() {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.DeferredUpdateMessage,
        });
      },
      async ephemeral(content) {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.ChannelMessageWithSource,
          data: { content, flags: 64, allowedMentions: { parse: [] } },
        });
      },
      async update(content) {
        await bot.helpers.sendInteractionResponse(id, token, {
          type: InteractionResponseTypes.UpdateMessage,
          data: { content, components: [], allowedMentions: { parse: [] } },
        });
      },
    }),
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

/** Where the REST proxy of `deno task rest` listens, and its shared secret. */
export interface RestProxyTarget {
  /** The proxy's origin, e.g. `http://127.0.0.1:8090`. */
  url: string;
  /** `DISCORD_REST_SECRET`, sent as the proxy's authorization header. */
  secret: string;
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
