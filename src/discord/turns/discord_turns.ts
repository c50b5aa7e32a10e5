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

import type { Logger } from "../../log/logging.ts";
import type { BotServices } from "../../pipeline/bot_services.ts";
import type { Rerun } from "../../pipeline/controls/turn_controls.ts";
import type { IncomingMessage } from "../../pipeline/incoming_message.ts";
import { resolveRoute } from "../../pipeline/route.ts";
import type { DispatchOutcome } from "../../pipeline/runner_types.ts";
import type { Route } from "../../pipeline/route.ts";
import { regenerateButton, stopButton } from "../buttons/reply_buttons.ts";
import type { ChannelDirectory } from "../channel_directory.ts";
import type { ChannelThrottle, ThrottleTimers } from "../channel_throttle.ts";
import { DiscordReply } from "../discord_reply.ts";
import type { DiscordPort } from "../discord_port.ts";
import type { DiscordClient } from "../discordeno_client.ts";
import type { ThreadPlan } from "../threads/thread_opener.ts";
import { WebhookDirectory } from "../webhooks/webhook_directory.ts";
import { ButtonRemovals, LatestReplies } from "./latest_replies.ts";
import type { ShownReply } from "./latest_replies.ts";
import { storedRerun, storedTurn } from "./stored_turn.ts";
import type { PressedReply } from "./stored_turn.ts";
import { ThreadRefusals } from "../threads/thread_refusals.ts";
import { editAsksAnew } from "./edit_asks_anew.ts";
import { threadPlanFor } from "./thread_plan.ts";
import { turnPort } from "./turn_port.ts";
import type { TurnPort } from "./turn_port.ts";
import { TurnsInFlight } from "./turns_in_flight.ts";

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

/** Builds and remembers the replies of turns; see the module doc. */
export class DiscordTurns {
  readonly #options: DiscordTurnsOptions;
  readonly #webhooks: WebhookDirectory;
  readonly #latest = new LatestReplies();
  readonly #removals: ButtonRemovals;
  readonly #threadRefusals: ThreadRefusals;
  readonly #inFlight = new TurnsInFlight();

  constructor(options: DiscordTurnsOptions) {
    this.#options = options;
    this.#threadRefusals = new ThreadRefusals(() => options.timers.now());
    this.#removals = new ButtonRemovals(options.logger, options.throttle);
    this.#webhooks = new WebhookDirectory(
      options.client.webhookLookup,
      options.logger,
    );
  }

  /**
   * The latest reply whose question was `turn_id`, if it is still the
   * latest of its conversation; one whose conversation was `/reset` since
   * no longer counts: its buttons are taken off and it is forgotten.
   */
  async current(turn_id: string): Promise<ShownReply | undefined> {
    const shown = this.#latest.get(turn_id);
    if (shown === undefined) return undefined;
    const { services } = this.#options;
    const route = resolveRoute(
      { ...shown.message, user_id: shown.asker_id },
      services.config(),
    );
    const reset = route === null
      ? null
      : await services.store.lastReset(route.conversation);
    if (reset === null || reset < shown.message.created_at) return shown;
    this.#retire(shown);
    return undefined;
  }

  /** Forgets a reply that is no longer the latest and takes its buttons off, in the background. */
  #retire(shown: ShownReply): void {
    this.#latest.forget(shown);
    // In the background: a press must be answered within Discord's 3 s.
    this.#removals.add(shown);
  }

  /** True when `turn_id` is a turn being answered or a conversation's latest (an edit of it may matter). */
  remembers(turn_id: string): boolean {
    return this.#inFlight.has(turn_id) ||
      this.#latest.get(turn_id) !== undefined;
  }

  /**
   * True when another turn of `shown`'s conversation is queued or running:
   * `shown` is about to be an older reply, so it is not answered again.
   */
  newerTurnPending(shown: ShownReply): boolean {
    return this.#inFlight.otherIn(shown.conversation, shown.turn_id);
  }

  /**
   * Runs an answer that does not go through here (`/ask`'s) as a turn of
   * its conversation: Regenerate on the reply before is refused meanwhile,
   * and once it is answered that reply is no longer the latest (its buttons
   * leave it).
   */
  async answerElsewhere(
    message: IncomingMessage,
    answer: () => Promise<DispatchOutcome>,
  ): Promise<DispatchOutcome> {
    const route = resolveRoute(
      { ...message, user_id: message.author.id },
      this.#options.services.config(),
    );
    const conversation = route === null
      ? null
      : JSON.stringify(route.conversation);
    const answered = answer();
    await this.#inFlight.track(message, conversation, answered.then(() => {}));
    const outcome = await answered;
    const before = conversation === null
      ? undefined
      : this.#latest.of(conversation);
    if (outcome === "answered" && before !== undefined) this.#retire(before);
    return outcome;
  }

  /** Resolves once the turn `turn_id` (if one is queued or running) has ended and been remembered. */
  async settled(turn_id: string): Promise<void> {
    await this.#inFlight.settled(turn_id);
  }

  /**
   * The latest reply of a turn whose Regenerate was pressed after a restart
   * (nothing remembered), read back from the store; see `stored_turn.ts`.
   */
  restore(
    turn_id: string,
    pressed: PressedReply,
  ): Promise<ShownReply | undefined> {
    const { services, directory, client } = this.#options;
    return storedTurn(
      {
        store: services.store,
        config: services.config,
        directory,
        bot_user_id: client.bot_user_id,
        portFor: (message, route) => this.#portFor(message, route, null),
      },
      turn_id,
      pressed,
    );
  }

  /** Answers a new message. Resolves when its turn has ended. */
  async answer(incoming: IncomingMessage): Promise<void> {
    const { services } = this.#options;
    const config = services.config();
    const bot = this.#options.client.bot_user_id;
    const first = resolveRoute(
      { ...incoming, user_id: incoming.author.id },
      config,
    );
    // Where threads were refused a moment ago, the channel's conversation goes on.
    const { message, plan } = this.#threadRefusals.recent(incoming.channel_id)
      ? { message: incoming, plan: null }
      : threadPlanFor(incoming, first, bot);
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
    const rerun = await storedRerun(this.#options.services.store, turn.turn_id);
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
    const { services, client } = this.#options;
    // What was asked: the question being answered, else the latest reply's.
    const asked = this.#inFlight.message(message.id) ??
      this.#latest.get(message.id)?.message;
    if (
      asked === undefined ||
      !editAsksAnew(asked, message, services.config(), client.bot_user_id)
    ) return;
    if (this.#inFlight.has(message.id)) {
      // Edited while being answered: that answer is stale; stop it, then answer the edit.
      services.controls.stop(message.id, message.author.id);
      await this.settled(message.id);
    }
    const shown = this.#latest.get(message.id);
    if (shown === undefined || message.author.id !== shown.asker_id) return;
    if (this.newerTurnPending(shown)) return;
    services.controls.stop(message.id, message.author.id);
    this.#options.logger.info("Answering the edited message {turn} again", {
      turn: message.id,
    });
    await this.rerun(shown, message.content);
  }

  #portFor(
    message: IncomingMessage,
    route: Route | null,
    plan: ThreadPlan | null,
  ): TurnPort {
    return turnPort(
      {
        ...this.#options,
        webhooks: this.#webhooks,
        threadRefusals: this.#threadRefusals,
      },
      message,
      route,
      plan,
    );
  }

  async #run(
    message: IncomingMessage,
    route: Route | null,
    port: TurnPort,
    rerun: Rerun | undefined,
    reuse: readonly { id: string; content: string }[] = [],
  ): Promise<void> {
    await this.#inFlight.track(
      message,
      route === null ? null : JSON.stringify(route.conversation),
      this.#turn(message, route, port, rerun, reuse),
    );
  }

  async #turn(
    message: IncomingMessage,
    route: Route | null,
    port: TurnPort,
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
      reuse,
      ...(port.speak ? { speakAs: port.speak } : {}),
    });
    await services.runner.dispatch(
      message,
      reply,
      rerun === undefined ? {} : { rerun },
    );
    if (route === null || reply.posted.length === 0) return;
    this.#remember({
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
  #remember(shown: ShownReply): void {
    const replaced = this.#latest.remember(shown);
    if (replaced !== undefined) this.#removals.add(replaced);
  }
}
