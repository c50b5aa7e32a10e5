/**
 * Connects the pipeline to Discord: gateway messages go to the runner with
 * a `DiscordReply` each, interactions to the slash-command handler, channel
 * events to the directory; slash commands are registered at start-up (a
 * bulk overwrite, so registering again is harmless). Every handler catches
 * its own errors: one bad event is logged and skipped.
 *
 * @module
 */

import { traceCalls } from "../observability/tracing.ts";
import { MESSAGE_COMPONENT, toButtonPress } from "./buttons/button_press.ts";
import { ButtonRouter } from "./buttons/button_router.ts";
import { ChannelDirectory } from "./channel_directory.ts";
import { ChannelThrottle, systemThrottleTimers } from "./channel_throttle.ts";
import { DiscordTurns } from "./turns/discord_turns.ts";
import { registerTurnButtons } from "./buttons/turn_buttons.ts";
import { DiscordReply } from "./discord_reply.ts";
import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import type { PacedPort } from "./global_pacing.ts";
import { createDiscordClient } from "./discordeno_client.ts";
import { ShardStatus } from "./shard_status.ts";
import type { DiscordClient } from "./discordeno_client.ts";
import { handleAsk } from "./ask_command.ts";
import { toIncomingMessage } from "./message_mapping.ts";
import type { GatewayMessage } from "./message_mapping.ts";
import { APPLICATION_COMMAND, handleInteraction } from "./slash_commands.ts";
import {
  FORGET_ME_ACTION,
  forgetMeButtonHandler,
} from "./memory_interactions.ts";
import type { GatewayInteraction } from "./slash_commands.ts";
import type { DiscordRuntimeOptions } from "./discord_runtime_options.ts";
import { gatewayEvents } from "./gateway_events.ts";
import { discordPacing } from "./discord_pacing.ts";
import { memberRoles } from "./member_roles.ts";
import { registerSlashCommands } from "./command_registration.ts";
import { recoverDiscordTurns } from "./discord_recovery.ts";

export type {
  DiscordObserver,
  DiscordRuntimeOptions,
} from "./discord_runtime_options.ts";

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
    const events = gatewayEvents({
      logger,
      shards: this.#shards,
      fatal: (message) => this.#fatal(message),
      message: (raw) => this.#onMessage(raw),
      messageUpdated: (raw) => this.#onEdit(raw),
      interaction: (raw) => this.#onInteraction(raw),
      directory: () => this.#directory,
      store: options.services.store,
      observer: options.observer,
    });
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
      timers: options.timers,
    });
    this.#directory = new ChannelDirectory((id) =>
      this.#client.fetchChannel(id)
    );
    options.services.access.useMemberRoles((user_id) =>
      this.#memberRoles(user_id)
    );
    const timers = options.timers ?? systemThrottleTimers;
    const { throttle, port } = discordPacing(options, this.#client.port);
    this.#throttle = throttle;
    this.#port = port;
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
    await recoverDiscordTurns({
      options: this.#options,
      port: this.#port,
      throttle: this.#throttle,
      replyFor: (message) => this.#replyFor(message),
    });
  }

  /**
   * Registers `/reset` and `/persona` where the config says; failures are
   * logged. Of several gateway processes only the one owning shard 0 does.
   */
  async refreshCommands(): Promise<void> {
    if ((this.#options.shards?.first ?? 0) !== 0) return;
    await registerSlashCommands({
      config: () => this.#options.services.config(),
      client: this.#client,
      logger: this.#options.logger,
    });
  }

  /** Closes the gateway and stops pacing timers. */
  async shutdown(): Promise<void> {
    this.#throttle.close();
    this.#port.close();
    await this.#client.shutdown();
    this.#shards.markAllDown();
  }

  #memberRoles(user_id: string): Promise<string[] | null> {
    return memberRoles({
      config: () => this.#options.services.config(),
      directory: this.#directory,
      client: this.#client,
      logger: this.#options.logger,
    }, user_id);
  }

  #onInteraction(raw: GatewayInteraction): Promise<void> {
    const options = this.#options;
    const { logger } = options;
    return raw.type === MESSAGE_COMPONENT
      ? this.#onButton(raw)
      : raw.type === APPLICATION_COMMAND && raw.data?.name === "ask"
      ? this.#onAsk(raw)
      : handleInteraction(raw, {
        commands: options.services.commands,
        config: options.services.config,
        directory: this.#directory,
        responder: traceCalls(this.#client.responder, "discord"),
        logger,
      });
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
      answerElsewhere: (message, answer) =>
        this.#turns.answerElsewhere(message, answer),
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
