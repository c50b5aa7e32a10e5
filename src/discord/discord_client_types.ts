/**
 * The Discord client as the rest of the bot sees it, Discordeno-free: what
 * it reports (`DiscordClientEvents`), how it is reached
 * (`DiscordClientOptions`) and what it does (`DiscordClient`). The adapter
 * that implements it is `discordeno_client.ts`.
 *
 * @module
 */

import type { CommandsTarget } from "../config/config_types.ts";
import type { Logger } from "../log/logging.ts";
import type { ButtonResponder } from "./buttons/button_router.ts";
import type { WebhookLookup } from "./webhooks/webhook_directory.ts";
import type { WebhookMessages } from "./webhooks/webhook_port.ts";
import type { ChannelInfo } from "./channel_directory.ts";
import type { DiscordPort } from "./discord_port.ts";
import type { ShardRange } from "../config/shard_range.ts";
import type { GatewayMessage } from "./message_mapping.ts";
import type { InteractionWebhook } from "./interaction_port.ts";
import type { ReconnectBackoff } from "./reconnect_backoff.ts";
import type { ThrottleTimers } from "./channel_throttle.ts";
import type {
  CommandDefinition,
  GatewayInteraction,
  InteractionResponder,
} from "./slash_commands.ts";

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
  /** A REST request was answered with `status` (0: no answer). */
  requested(method: string, status: number): void;
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
  /** Clock and timers of the message requests' deadlines and waits. */
  timers?: ThrottleTimers | undefined;
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

/** Where the REST proxy of `deno task rest` listens, and its shared secret. */
export interface RestProxyTarget {
  /** The proxy's origin, e.g. `http://127.0.0.1:8090`. */
  url: string;
  /** `DISCORD_REST_SECRET`, sent as the proxy's authorization header. */
  secret: string;
}
