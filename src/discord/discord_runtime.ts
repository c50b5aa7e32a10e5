/**
 * Connects the pipeline to Discord: gateway messages go to the runner with
 * a `DiscordReply` each, interactions to the slash-command handler, channel
 * events to the directory; slash commands are registered at start-up (a
 * bulk overwrite, so registering again is harmless). Every handler catches
 * its own errors: one bad event is logged and skipped.
 *
 * @module
 */

import type { BotServices } from "../pipeline/bot_services.ts";
import type { Logger } from "../log/logging.ts";
import { traceCalls } from "../observability/tracing.ts";
import { MESSAGE_COMPONENT, toButtonPress } from "./buttons/button_press.ts";
import { ButtonRouter } from "./buttons/button_router.ts";
import { ChannelDirectory } from "./channel_directory.ts";
import { ChannelThrottle, systemThrottleTimers } from "./channel_throttle.ts";
import type { ThrottleTimers } from "./channel_throttle.ts";
import { DiscordTurns } from "./turns/discord_turns.ts";
import { forgetDeletedThread } from "../retention/deleted_threads.ts";
import { registerTurnButtons } from "./buttons/turn_buttons.ts";
import { DiscordReply } from "./discord_reply.ts";
import { closeInterruptedReply } from "./interrupted_reply.ts";
import { recoverTurns } from "../pipeline/turn_recovery.ts";
import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import { withGlobalPacing } from "./global_pacing.ts";
import { withRequestLanes } from "./request_lanes.ts";
import { withDeadline } from "./request_deadline.ts";
import { explainDiscordError } from "./discordeno_port.ts";
import type { PacedPort } from "./global_pacing.ts";
import { createDiscordClient } from "./discordeno_client.ts";
import type { RestProxyTarget } from "./discordeno_client.ts";
import { ShardStatus } from "./shard_status.ts";
import { shardOfGuild, type ShardRange } from "../config/shard_range.ts";
import type {
  DiscordClient,
  DiscordClientEvents,
} from "./discordeno_client.ts";
import { handleAsk } from "./ask_command.ts";
import { toIncomingMessage } from "./message_mapping.ts";
import type { GatewayMessage } from "./message_mapping.ts";
import {
  APPLICATION_COMMAND,
  commandDefinitions,
  handleInteraction,
} from "./slash_commands.ts";
import {
  FORGET_ME_ACTION,
  forgetMeButtonHandler,
} from "./memory_interactions.ts";
import type { GatewayInteraction } from "./slash_commands.ts";

/** Counters the runtime reports (metrics). */
export interface DiscordObserver {
  rateLimited?(): void;
  reconnecting?(): void;
  /** A send or edit was refused because its channel's wait list was full. */
  throttleRefused?(): void;
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

/** The bot's Discord side; see the module doc. */
export class DiscordRuntime {
  readonly #options: DiscordRuntimeOptions;
  readonly #client: DiscordClient;
  readonly #directory: ChannelDirectory;
  readonly #throttle: ChannelThrottle;
  readonly #port: PacedPort;
  #connected = false;
  readonly #turns: DiscordTurns;
  readonly #shards: ShardStatus;
  /**
   * The bot's buttons, by action: register a handler with `buttons.on(action, …)`
   * and put `customId(action, …)` on the button. Presses pass the access decision first.
   */
  readonly buttons: ButtonRouter;
  #fatal: (message: string) => void = () => {};
  /** Resolves with an explanation when Discord closed the connection for good (bad token, intents…). */
  readonly fatal: Promise<string>;

  constructor(options: DiscordRuntimeOptions) {
    this.#options = options;
    const { logger } = options;
    this.fatal = new Promise((resolve) => this.#fatal = resolve);
    this.#shards = new ShardStatus(options.shards);
    this.buttons = new ButtonRouter({
      access: (press) =>
        options.services.access.decide({
          user_id: press.user_id,
          guild_id: press.guild_id,
          role_ids: press.role_ids,
        }),
      logger,
    });
    this.buttons.on(
      FORGET_ME_ACTION,
      forgetMeButtonHandler(options.services.commands),
    );
    const guard =
      <T>(what: string, handler: (value: T) => Promise<void> | void) =>
      (value: T) => {
        try {
          Promise.resolve(handler(value)).catch((error) =>
            logger.warn("Skipped a {what}: {error}", { what, error })
          );
        } catch (error) {
          logger.warn("Skipped a {what}: {error}", { what, error });
        }
      };
    const events: DiscordClientEvents = {
      connected: (shard) => {
        if (!this.#shards.isUp(shard)) {
          logger.info("Connected to the Discord gateway (shard {shard})", {
            shard,
          });
        }
        this.#shards.up(shard);
      },
      disconnected: (shard) => {
        if (this.#shards.isUp(shard)) {
          logger.warn(
            "Lost the Discord gateway connection of shard {shard}; reconnecting",
            { shard },
          );
        }
        this.#shards.down(shard);
      },
      fatal: (message) => {
        this.#shards.markAllDown();
        this.#fatal(message);
      },
      message: guard("message", (raw: GatewayMessage) => this.#onMessage(raw)),
      messageUpdated: guard(
        "message edit",
        (raw: GatewayMessage) => this.#onEdit(raw),
      ),
      interaction: guard(
        "interaction",
        (raw: GatewayInteraction) =>
          raw.type === MESSAGE_COMPONENT
            ? this.#onButton(raw)
            : raw.type === APPLICATION_COMMAND && raw.data?.name === "ask"
            ? this.#onAsk(raw)
            : handleInteraction(raw, {
              commands: options.services.commands,
              config: options.services.config,
              directory: this.#directory,
              responder: traceCalls(this.#client.responder, "discord"),
              logger,
            }),
      ),
      channel: guard(
        "channel event",
        (info) => this.#directory.setChannel(info),
      ),
      channelDeleted: (id: string, thread: boolean) => {
        this.#directory.deleteChannel(id);
        // Nobody can read a deleted thread: its conversations go with it.
        if (thread) {
          void forgetDeletedThread(options.services.store, id, logger);
        }
      },
      guild: (id, name) => this.#directory.setGuild(id, name),
      botRole: (guild, role) => this.#directory.addBotRole(guild, role),
      rateLimited: () => options.observer?.rateLimited?.(),
      reconnecting: () => options.observer?.reconnecting?.(),
    };
    this.#client = createDiscordClient({
      token: options.token,
      api_base_url: options.api_base_url,
      gateway_url: options.gateway_url,
      shards: options.shards,
      rest_proxy: options.rest_proxy,
      request_timeout_ms: options.services.config().discord.request_timeout,
      events,
      logger,
      message_content: options.services.config().discord.message_content,
    });
    this.#directory = new ChannelDirectory((id) =>
      this.#client.fetchChannel(id)
    );
    options.services.access.useMemberRoles((user_id) =>
      this.#memberRoles(user_id)
    );
    const timers = options.timers ?? systemThrottleTimers;
    const paced = options.pacing ?? true;
    const bound = { onRefused: () => options.observer?.throttleRefused?.() };
    this.#throttle = paced
      ? new ChannelThrottle(5, 5_000, timers, bound)
      : new ChannelThrottle(Infinity, 1, timers, bound);
    // Of several gateway processes, each paces itself to its shards' share
    // of the bot's global limit; the REST proxy enforces the whole.
    const share = options.shards === undefined
      ? 1
      : (options.shards.last - options.shards.first + 1) / options.shards.total;
    this.#port = withGlobalPacing(
      withRequestLanes(
        withDeadline(
          traceCalls(this.#client.port, "discord"),
          // Past the fetch deadline (which starts when the request is sent), for
          // time spent in Discordeno's queues.
          options.services.config().discord.request_timeout * 2,
          timers,
        ),
      ),
      timers,
      paced ? Math.max(1, 45 * share) : Infinity,
    );
    this.#turns = new DiscordTurns({
      services: options.services,
      client: this.#client,
      port: this.#port,
      throttle: this.#throttle,
      timers,
      directory: this.#directory,
      logger,
    });
    registerTurnButtons(this.buttons, {
      turns: this.#turns,
      controls: options.services.controls,
      config: options.services.config,
      logger,
    });
  }

  /** The bot's own user id (from the token). */
  get bot_user_id(): string {
    return this.#client.bot_user_id;
  }

  /** Sends and edits waiting for a channel slot (metrics). */
  get throttleWaiting(): number {
    return this.#throttle.waiting;
  }

  /** True while every owned shard has a READY gateway session. */
  get connected(): boolean {
    return this.#shards.ready;
  }

  /** Each shard and whether it has a gateway session (the playground's status). */
  get shardStates(): { id: number; up: boolean }[] {
    return this.#shards.all;
  }

  /** The owned shards without a gateway session, for `/readyz`. */
  get shardsDown(): number[] {
    return this.#shards.downShards;
  }

  /**
   * Connects to the gateway, recovers the turns a crash cut off (closing
   * half-written replies, answering young unanswered messages) and registers
   * the slash commands.
   */
  async start(): Promise<void> {
    await this.#client.start();
    await this.recover();
    await this.refreshCommands();
  }

  /** Start-up recovery of Discord turns (see `recoverTurns`). */
  async recover(): Promise<void> {
    const { services, logger } = this.#options;
    const timers = this.#options.timers ?? systemThrottleTimers;
    await recoverTurns({
      store: services.store,
      source: "discord",
      now: () => timers.now(),
      max_age_ms: services.config().recovery.max_age,
      owns: (turn) => this.#ownsGuild(turn.message.conversation.guild_id),
      logger,
      answer: (message, turn) => {
        void services.runner.dispatch(
          message,
          this.#replyFor(message),
          { stored: turn.message },
        );
      },
      close: (message, posted) =>
        closeInterruptedReply(
          this.#port,
          this.#throttle,
          message.channel_id,
          posted,
        ),
    });
  }

  /** True when the guild's events arrive on one of this process's shards (DMs: shard 0). */
  #ownsGuild(guild_id: string): boolean {
    const range = this.#options.shards;
    if (range === undefined) return true;
    const shard = shardOfGuild(guild_id, range.total);
    return shard >= range.first && shard <= range.last;
  }

  /**
   * Registers `/reset` and `/persona` where the config says; failures are
   * logged. Of several gateway processes only the one owning shard 0 does.
   */
  async refreshCommands(): Promise<void> {
    if ((this.#options.shards?.first ?? 0) !== 0) return;
    const config = this.#options.services.config();
    try {
      await this.#client.registerCommands(
        config.discord.commands,
        commandDefinitions(config),
      );
      const where = config.discord.commands.kind === "guild"
        ? `server ${config.discord.commands.guild_id}`
        : "globally";
      this.#options.logger.info("Registered the slash commands {where}", {
        where,
      });
    } catch (error) {
      this.#options.logger.error(
        "Could not register the slash commands: {reason}. /reset and /persona are missing in Discord until this is fixed (a config reload or restart tries again)",
        { reason: explainDiscordError(error), error },
      );
    }
  }

  /** Closes the gateway and stops pacing timers. */
  async shutdown(): Promise<void> {
    this.#throttle.close();
    this.#port.close();
    await this.#client.shutdown();
    this.#shards.markAllDown();
  }

  /**
   * A user's roles in every bound server together (for judging DMs): `[]`
   * when they are in none, null when a lookup failed.
   */
  async #memberRoles(user_id: string): Promise<string[] | null> {
    const config = this.#options.services.config();
    const guilds = new Set<string>();
    for (const binding of config.bindings) {
      if (binding.guild !== undefined) guilds.add(binding.guild);
      for (const channel of binding.channels ?? []) {
        const info = await this.#directory.resolve(channel);
        if (info === null) return null; // its server is unknown: so are the roles
        if (info.guild_id !== "") guilds.add(info.guild_id);
      }
    }
    try {
      const roles = await Promise.all(
        [...guilds].map((guild) =>
          this.#client.fetchMemberRoles(guild, user_id)
        ),
      );
      return [...new Set(roles.flat())];
    } catch (error) {
      this.#options.logger.warn(
        "Could not look up the roles of user {user} for a DM: {error}",
        { user: user_id, error },
      );
      return null;
    }
  }

  async #onAsk(raw: GatewayInteraction): Promise<void> {
    await handleAsk(raw, {
      services: this.#options.services,
      directory: this.#directory,
      webhook: (id, token) =>
        traceCalls(this.#client.interactionWebhook(id, token), "discord"),
      throttle: this.#throttle,
      timers: this.#options.timers ?? systemThrottleTimers,
      logger: this.#options.logger,
      now: Date.now,
    });
  }

  async #onButton(raw: GatewayInteraction): Promise<void> {
    const press = toButtonPress(raw);
    if (press === null) {
      this.#options.logger.debug("Skipped a component interaction");
      return;
    }
    await this.buttons.handle(
      press,
      traceCalls(
        this.#client.buttonResponder(press.interaction_id, press.token),
        "discord",
      ),
    );
  }

  async #onMessage(raw: GatewayMessage): Promise<void> {
    const { logger } = this.#options;
    const mapped = await toIncomingMessage(
      raw,
      this.bot_user_id,
      this.#directory,
    );
    if (!mapped.ok) {
      logger.debug("Skipped a message: {reason}", { reason: mapped.reason });
      return;
    }
    await this.#turns.answer(mapped.message);
  }

  async #onEdit(raw: GatewayMessage): Promise<void> {
    // Most edits are the bot's own streaming replies and the personas' (webhooks):
    // only a person's edit of a question can matter, and only for a remembered turn.
    if (raw.webhookId != null || raw.author?.bot === true) return;
    if (!this.#turns.remembers(String(raw.id))) return;
    const mapped = await toIncomingMessage(
      raw,
      this.bot_user_id,
      this.#directory,
    );
    if (mapped.ok) await this.#turns.edited(mapped.message);
  }

  #replyFor(message: IncomingMessage): DiscordReply {
    return new DiscordReply({
      port: this.#port,
      throttle: this.#throttle,
      timers: this.#options.timers ?? systemThrottleTimers,
      logger: this.#options.logger,
      channel_id: message.channel_id,
      trigger_message_id: message.id,
      ping_replied_user: this.#options.services.config().discord
        .ping_replied_user,
    });
  }
}
