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
import { DiscordTurns } from "./discord_turns.ts";
import { registerTurnButtons } from "./buttons/turn_buttons.ts";
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
  readonly #turns: DiscordTurns;
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
    this.buttons = new ButtonRouter({
      access: (press) =>
        options.services.access.decide({
          user_id: press.user_id,
          guild_id: press.guild_id,
          role_ids: press.role_ids,
        }),
      logger,
    });
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
      messageUpdated: guard(
        "message edit",
        (raw: GatewayMessage) => this.#onEdit(raw),
      ),
      interaction: guard(
        "interaction",
        (raw: GatewayInteraction) =>
          raw.type === MESSAGE_COMPONENT
            ? this.#onButton(raw)
            : handleInteraction(raw, {
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
      botRole: (guild, role) => this.#directory.addBotRole(guild, role),
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
    options.services.access.useMemberRoles((user_id) =>
      this.#memberRoles(user_id)
    );
    const timers = options.timers ?? systemThrottleTimers;
    const paced = options.pacing ?? true;
    const bound = { onRefused: () => options.observer?.throttleRefused?.() };
    this.#throttle = paced
      ? new ChannelThrottle(5, 5_000, timers, bound)
      : new ChannelThrottle(Infinity, 1, timers, bound);
    this.#port = withGlobalPacing(
      withRequestLanes(traceCalls(this.#client.port, "discord")),
      timers,
      paced ? 45 : Infinity,
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

  async #onButton(raw: GatewayInteraction): Promise<void> {
    const press = toButtonPress(raw);
    if (press === null) {
      this.#options.logger.debug("Skipped a component interaction");
      return;
    }
    await this.buttons.handle(
      press,
      this.#client.buttonResponder(press.interaction_id, press.token),
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
    const mapped = await toIncomingMessage(
      raw,
      this.bot_user_id,
      this.#directory,
    );
    if (mapped.ok) await this.#turns.edited(mapped.message);
  }
}
