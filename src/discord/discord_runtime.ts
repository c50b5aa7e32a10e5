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
import { ChannelDirectory } from "./channel_directory.ts";
import { ChannelThrottle, systemThrottleTimers } from "./channel_throttle.ts";
import type { ThrottleTimers } from "./channel_throttle.ts";
import { DiscordReply } from "./discord_reply.ts";
import { withGlobalPacing } from "./global_pacing.ts";
import { withRequestLanes } from "./request_lanes.ts";
import type { PacedPort } from "./global_pacing.ts";
import { createDiscordClient } from "./discordeno_client.ts";
import type {
  DiscordClient,
  DiscordClientEvents,
} from "./discordeno_client.ts";
import { toIncomingMessage } from "./message_mapping.ts";
import type { GatewayMessage } from "./message_mapping.ts";
import { commandDefinitions, handleInteraction } from "./slash_commands.ts";
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
  #fatal: (message: string) => void = () => {};
  /** Resolves with an explanation when Discord closed the connection for good (bad token, intents…). */
  readonly fatal: Promise<string>;

  constructor(options: DiscordRuntimeOptions) {
    this.#options = options;
    const { logger } = options;
    this.fatal = new Promise((resolve) => this.#fatal = resolve);
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
      connected: () => {
        if (!this.#connected) logger.info("Connected to the Discord gateway");
        this.#connected = true;
      },
      disconnected: () => {
        if (this.#connected) {
          logger.warn("Lost the Discord gateway connection; reconnecting");
        }
        this.#connected = false;
      },
      fatal: (message) => {
        this.#connected = false;
        this.#fatal(message);
      },
      message: guard("message", (raw: GatewayMessage) => this.#onMessage(raw)),
      interaction: guard(
        "interaction",
        (raw: GatewayInteraction) =>
          handleInteraction(raw, {
            commands: options.services.commands,
            config: options.services.config,
            directory: this.#directory,
            responder: this.#client.responder,
            logger,
          }),
      ),
      channel: guard(
        "channel event",
        (info) => this.#directory.setChannel(info),
      ),
      channelDeleted: guard(
        "channel event",
        (id: string) => this.#directory.deleteChannel(id),
      ),
      guild: (id, name) => this.#directory.setGuild(id, name),
      rateLimited: () => options.observer?.rateLimited?.(),
      reconnecting: () => options.observer?.reconnecting?.(),
    };
    this.#client = createDiscordClient({
      token: options.token,
      api_base_url: options.api_base_url,
      gateway_url: options.gateway_url,
      events,
      logger,
    });
    this.#directory = new ChannelDirectory((id) =>
      this.#client.fetchChannel(id)
    );
    const timers = options.timers ?? systemThrottleTimers;
    const paced = options.pacing ?? true;
    const bound = { onRefused: () => options.observer?.throttleRefused?.() };
    this.#throttle = paced
      ? new ChannelThrottle(5, 5_000, timers, bound)
      : new ChannelThrottle(Infinity, 1, timers, bound);
    this.#port = withGlobalPacing(
      withRequestLanes(this.#client.port),
      timers,
      paced ? 45 : Infinity,
    );
  }

  /** The bot's own user id (from the token). */
  get bot_user_id(): string {
    return this.#client.bot_user_id;
  }

  /** Sends and edits waiting for a channel slot (metrics). */
  get throttleWaiting(): number {
    return this.#throttle.waiting;
  }

  /** True while a gateway session is READY. */
  get connected(): boolean {
    return this.#connected;
  }

  /** Connects to the gateway and registers the slash commands. */
  async start(): Promise<void> {
    await this.#client.start();
    await this.refreshCommands();
  }

  /** Registers `/reset` and `/persona` where the config says; failures are logged. */
  async refreshCommands(): Promise<void> {
    const config = this.#options.services.config();
    try {
      await this.#client.registerCommands(
        config.discord.commands,
        commandDefinitions(config),
      );
      const where = config.discord.commands.kind === "guild"
        ? `server ${config.discord.commands.guild_id}`
        : "globally";
      this.#options.logger.info("Registered /reset and /persona {where}", {
        where,
      });
    } catch (error) {
      this.#options.logger.error("Could not register slash commands: {error}", {
        error,
      });
    }
  }

  /** Closes the gateway and stops pacing timers. */
  async shutdown(): Promise<void> {
    this.#throttle.close();
    this.#port.close();
    await this.#client.shutdown();
    this.#connected = false;
  }

  async #onMessage(raw: GatewayMessage): Promise<void> {
    const { services, logger } = this.#options;
    const mapped = await toIncomingMessage(
      raw,
      this.bot_user_id,
      this.#directory,
    );
    if (!mapped.ok) {
      logger.debug("Skipped a message: {reason}", { reason: mapped.reason });
      return;
    }
    const message = mapped.message;
    const reply = new DiscordReply({
      port: this.#port,
      throttle: this.#throttle,
      timers: this.#options.timers ?? systemThrottleTimers,
      logger,
      channel_id: message.channel_id,
      trigger_message_id: message.id,
      ping_replied_user: services.config().discord.ping_replied_user,
    });
    await services.runner.dispatch(message, reply);
  }
}
