/**
 * How a turn shows up in Discord. For each message it builds the reply:
 * in a new thread (`threads: auto`), under the persona's name and avatar
 * (`webhooks: true`), with a Stop button while it streams and Regenerate on
 * the conversation's latest reply once done. It remembers each
 * conversation's latest reply (which messages, through which port), so
 * that the buttons can leave the reply before it, and so that Regenerate
 * and an edited question (`on_edit: regenerate`) can answer again by
 * editing that reply in place. Everything still goes through the runner:
 * access, rate limits, chunking and storage are the same as for any turn.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import type { BotServices } from "../pipeline/bot_services.ts";
import type { Rerun } from "../pipeline/controls/turn_controls.ts";
import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import { resolveRoute } from "../pipeline/route.ts";
import type { Route } from "../pipeline/route.ts";
import {
  isEmptyMessage,
  isTriggered,
  withoutBotMention,
} from "../pipeline/stages/auth_stage.ts";
import { customId } from "./buttons/custom_id.ts";
import type { ChannelDirectory } from "./channel_directory.ts";
import type { ChannelThrottle, ThrottleTimers } from "./channel_throttle.ts";
import { DiscordReply } from "./discord_reply.ts";
import type { DiscordPort, ReplyButton } from "./discord_port.ts";
import type { DiscordClient } from "./discordeno_client.ts";
import { openingThread } from "./threads/thread_opener.ts";
import type { ThreadPlan } from "./threads/thread_opener.ts";
import { threadName } from "./threads/thread_name.ts";
import { WebhookDirectory } from "./webhooks/webhook_directory.ts";
import { webhookPort } from "./webhooks/webhook_port.ts";

/** The latest reply of a conversation, as shown in Discord. */
export interface ShownReply {
  /** The id of the message that asked (the turn id in button ids). */
  turn_id: string;
  asker_id: string;
  /** The conversation, as the runner keys it. */
  conversation: string;
  /** The message as the runner got it (moved into its thread, if one was opened). */
  message: IncomingMessage;
  /** Where the reply is (the thread, for a turn moved into one). */
  channel_id: string;
  port: DiscordPort;
  posted: readonly { id: string; content: string }[];
}

/** What the turns need. */
export interface DiscordTurnsOptions {
  services: BotServices;
  client: Pick<
    DiscordClient,
    "startThread" | "webhookLookup" | "webhookMessages" | "bot_user_id"
  >;
  /** The paced REST port every reply goes through. */
  port: DiscordPort;
  throttle: ChannelThrottle;
  timers: ThrottleTimers;
  directory: ChannelDirectory;
  logger: Logger;
}

/** The Stop button of a turn. */
export function stopButton(turn_id: string): ReplyButton {
  return {
    custom_id: customId("stop", turn_id),
    label: "Stop",
    style: "danger",
    emoji: "⏹️",
  };
}

/** The Regenerate button of a turn. */
export function regenerateButton(turn_id: string): ReplyButton {
  return {
    custom_id: customId("regen", turn_id),
    label: "Regenerate",
    style: "secondary",
    emoji: "🔄",
  };
}

/** Conversations whose latest reply is remembered at most. */
const MAX_REMEMBERED = 10_000;

/** Builds and remembers the replies of turns; see the module doc. */
export class DiscordTurns {
  readonly #options: DiscordTurnsOptions;
  readonly #webhooks: WebhookDirectory;
  /** Conversation → its latest reply. */
  readonly #latest = new Map<string, ShownReply>();
  /** Turn id → the latest reply it is (only latest replies are kept). */
  readonly #byTurn = new Map<string, ShownReply>();
  readonly #threadWarnings = new Set<string>();
  /** Turn id → its turn, while queued or running (until remembered). */
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(options: DiscordTurnsOptions) {
    this.#options = options;
    this.#webhooks = new WebhookDirectory(
      options.client.webhookLookup,
      options.logger,
    );
  }

  /** The latest reply whose question was `turn_id`, if it is still the latest of its conversation. */
  latest(turn_id: string): ShownReply | undefined {
    return this.#byTurn.get(turn_id);
  }

  /** Resolves once the turn `turn_id` (if one is queued or running) has ended and been remembered. */
  async settled(turn_id: string): Promise<void> {
    await this.#inFlight.get(turn_id);
  }

  /**
   * The latest reply of a turn whose Regenerate was pressed after a restart
   * (nothing remembered): read back from the store when that turn is still
   * the latest of its conversation (no newer message, no reset since).
   * The reply's first message and the pressed one are written over.
   */
  async restore(
    turn_id: string,
    pressed: {
      message_id: string;
      webhook_id?: string | undefined;
      role_ids: string[];
      user_id: string;
    },
  ): Promise<ShownReply | undefined> {
    const { services, directory, client } = this.#options;
    const asked = await services.store.findMessageByExternalId(turn_id);
    if (asked === null || asked.role !== "user") return undefined;
    const conversation = asked.conversation;
    const [newest] = await services.store.recentMessages({
      conversation,
      limit: 1,
      since: 0,
    });
    if (
      newest?.role !== "assistant" || newest.reply_to_id !== asked.id ||
      newest.external_id === null
    ) return undefined;
    const channel = await directory.resolve(conversation.channel_id);
    const message: IncomingMessage = {
      id: turn_id,
      channel_id: conversation.channel_id,
      parent_channel_id: channel?.is_thread ? channel.parent_id : "",
      ...(channel?.is_thread && channel.owner_id === client.bot_user_id
        ? { in_own_thread: true }
        : {}),
      guild_id: conversation.guild_id,
      guild_name: directory.guildName(conversation.guild_id),
      channel_name: channel?.name ?? "",
      author: {
        id: asked.author_id,
        display_name: asked.author_name,
        is_bot: false,
        is_webhook: false,
        // The asker's roles are known only when the asker pressed.
        role_ids: pressed.user_id === asked.author_id ? pressed.role_ids : [],
      },
      content: asked.content,
      mentions_bot: true,
      reply_to: null,
      created_at: asked.created_at,
    };
    const route = resolveRoute(
      { ...message, user_id: message.author.id },
      services.config(),
    );
    if (route === null) return undefined;
    const port = this.#portFor(message, route, null);
    const ids = [...new Set([newest.external_id, pressed.message_id])];
    if (pressed.webhook_id !== undefined && "adopt" in port) {
      for (const id of ids) {
        await (port as { adopt(id: string, channel: string): Promise<void> })
          .adopt(id, message.channel_id);
      }
    }
    return {
      turn_id,
      asker_id: asked.author_id,
      conversation: JSON.stringify(route.conversation),
      message,
      channel_id: message.channel_id,
      port,
      posted: ids.map((id) => ({ id, content: newest.content })),
    };
  }

  /** Answers a new message. Resolves when its turn has ended. */
  async answer(incoming: IncomingMessage): Promise<void> {
    const { services } = this.#options;
    const config = services.config();
    const bot = this.#options.client.bot_user_id;
    let message = incoming;
    let plan: ThreadPlan | null = null;
    const first = resolveRoute(
      { ...message, user_id: message.author.id },
      config,
    );
    if (first !== null && this.#opensThread(message, first, bot)) {
      plan = {
        parent_id: message.channel_id,
        message_id: message.id,
        name: threadName(
          withoutBotMention(message.content, bot),
          message.author.display_name,
        ),
      };
      // Discord gives a thread started on a message that message's id: the conversation lives there.
      message = {
        ...message,
        channel_id: message.id,
        parent_channel_id: message.channel_id,
        channel_name: plan.name,
        in_own_thread: true,
      };
    }
    const route = plan === null
      ? first
      : resolveRoute({ ...message, user_id: message.author.id }, config);
    const port = this.#portFor(message, route, plan);
    await this.#run(message, route, port, undefined);
  }

  /**
   * Answers `turn` again in place of its reply: Regenerate (same text) or
   * an edited question (`content`). Resolves when the new answer is done.
   */
  async rerun(turn: ShownReply, content?: string): Promise<void> {
    const { store } = this.#options.services;
    const user_message = await store.findMessageByExternalId(turn.turn_id);
    if (user_message === null || user_message.role !== "user") {
      throw new Error(`Cannot answer ${turn.turn_id} again: it is not stored`);
    }
    const recent = await store.recentMessages({
      conversation: user_message.conversation,
      limit: 8,
      since: 0,
    });
    const reply =
      recent.find((m) =>
        m.role === "assistant" && m.reply_to_id === user_message.id
      ) ?? null;
    const rerun: Rerun = {
      user_message,
      reply,
      persona: reply?.persona ?? null,
    };
    const message = content === undefined
      ? turn.message
      : { ...turn.message, content };
    const route = resolveRoute(
      { ...message, user_id: message.author.id },
      this.#options.services.config(),
    );
    await this.#run(message, route, turn.port, rerun, turn.posted);
  }

  /**
   * A message was edited. When it asked the latest turn of its conversation
   * and the binding says `on_edit: regenerate`, the edited text is answered
   * by editing that turn's reply (a running answer is stopped first).
   */
  async edited(message: IncomingMessage): Promise<void> {
    if (this.#inFlight.has(message.id)) {
      // Edited while being answered: that answer is stale; stop it, then answer the edit.
      this.#options.services.controls.stop(message.id, message.author.id);
      await this.settled(message.id);
    }
    const shown = this.#byTurn.get(message.id);
    if (shown === undefined || message.author.id !== shown.asker_id) return;
    const { services, client } = this.#options;
    const route = resolveRoute(
      { ...shown.message, user_id: message.author.id },
      services.config(),
    );
    if (route?.binding.on_edit !== "regenerate") return;
    const bot = client.bot_user_id;
    // Discord also sends updates for link previews and a thread being started: same text, nothing to do.
    if (
      withoutBotMention(message.content, bot) ===
        withoutBotMention(shown.message.content, bot) ||
      isEmptyMessage(message, bot)
    ) return;
    services.controls.stop(message.id, message.author.id);
    this.#options.logger.info("Answering the edited message {turn} again", {
      turn: message.id,
    });
    await this.rerun(shown, message.content);
  }

  #opensThread(message: IncomingMessage, route: Route, bot: string): boolean {
    return route.binding.threads === "auto" && message.guild_id !== "" &&
      message.parent_channel_id === "" && !message.author.is_bot &&
      !message.author.is_webhook && !isEmptyMessage(message, bot) &&
      isTriggered(message, route.binding.trigger, bot);
  }

  #portFor(
    message: IncomingMessage,
    route: Route | null,
    plan: ThreadPlan | null,
  ): DiscordPort & { speak?: (s: { display_name: string }) => void } {
    const { directory, logger, client } = this.#options;
    let port: DiscordPort & { speak?: (s: { display_name: string }) => void } =
      this.#options.port;
    if (route?.binding.webhooks === true && message.guild_id !== "") {
      port = webhookPort(port, {
        directory: this.#webhooks,
        messages: client.webhookMessages,
        webhookChannelOf: (channel_id) => {
          const known = directory.known(channel_id);
          return known?.is_thread ? known.parent_id : channel_id;
        },
      });
    }
    if (plan !== null) {
      const speak = port.speak;
      port = openingThread(port, plan, {
        start: (channel, id, name) => client.startThread(channel, id, name),
        logger,
        warned: this.#threadWarnings,
        opened: (thread_id) =>
          directory.setChannel({
            id: thread_id,
            name: plan.name,
            guild_id: message.guild_id,
            parent_id: plan.parent_id,
            is_thread: true,
            owner_id: client.bot_user_id,
          }),
      });
      if (speak) port = Object.assign(port, { speak });
    }
    return port;
  }

  async #run(
    message: IncomingMessage,
    route: Route | null,
    port: DiscordPort & { speak?: (s: { display_name: string }) => void },
    rerun: Rerun | undefined,
    reuse: readonly { id: string; content: string }[] = [],
  ): Promise<void> {
    const turn = this.#turn(message, route, port, rerun, reuse);
    this.#inFlight.set(message.id, turn);
    try {
      await turn;
    } finally {
      if (this.#inFlight.get(message.id) === turn) {
        this.#inFlight.delete(message.id);
      }
    }
  }

  async #turn(
    message: IncomingMessage,
    route: Route | null,
    port: DiscordPort & { speak?: (s: { display_name: string }) => void },
    rerun: Rerun | undefined,
    reuse: readonly { id: string; content: string }[],
  ): Promise<void> {
    const { services, logger } = this.#options;
    const turn_id = message.id;
    const reply = new DiscordReply({
      port,
      throttle: this.#options.throttle,
      timers: this.#options.timers,
      logger,
      channel_id: message.channel_id,
      trigger_message_id: message.id,
      ping_replied_user: services.config().discord.ping_replied_user,
      buttons: (done) =>
        done ? [regenerateButton(turn_id)] : [stopButton(turn_id)],
      reuse: reuse.map((p) => p.id),
      ...(port.speak ? { speakAs: port.speak } : {}),
    });
    await services.runner.dispatch(
      message,
      reply,
      rerun === undefined ? {} : { rerun },
    );
    if (route === null || reply.posted.length === 0) return;
    await this.#remember({
      turn_id,
      asker_id: message.author.id,
      conversation: JSON.stringify(route.conversation),
      message,
      channel_id: message.channel_id,
      port,
      posted: reply.posted,
    });
  }

  /** Records a conversation's new latest reply and takes the buttons off the one before. */
  async #remember(shown: ShownReply): Promise<void> {
    const before = this.#latest.get(shown.conversation);
    this.#latest.delete(shown.conversation);
    this.#latest.set(shown.conversation, shown);
    if (before !== undefined) this.#byTurn.delete(before.turn_id);
    this.#byTurn.set(shown.turn_id, shown);
    if (this.#latest.size > MAX_REMEMBERED) {
      const [oldest] = this.#latest.values();
      if (oldest !== undefined) {
        this.#latest.delete(oldest.conversation);
        this.#byTurn.delete(oldest.turn_id);
      }
    }
    if (before !== undefined && before.turn_id !== shown.turn_id) {
      await this.removeButtons(before);
    }
  }

  /** Takes the buttons off a reply (its last message); failures are logged. */
  async removeButtons(shown: ShownReply): Promise<void> {
    const last = shown.posted.at(-1);
    if (last === undefined) return;
    try {
      // Through the channel's throttle like every other send and edit: this
      // edit counts against Discord's 5 per 5 s in the channel too.
      const done = await this.#options.throttle.acquire(shown.channel_id);
      try {
        await shown.port.edit(shown.channel_id, last.id, last.content, []);
      } finally {
        done();
      }
    } catch (error) {
      this.#options.logger.debug("Could not remove buttons: {error}", {
        error,
      });
    }
  }
}
