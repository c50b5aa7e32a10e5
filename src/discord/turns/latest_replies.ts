/**
 * Each conversation's latest reply as shown in Discord — which messages,
 * posted through which port — for as long as it is the latest: its buttons
 * leave it when a newer reply is done, and Regenerate or an edited question
 * write over it. At most 10,000 conversations are kept (the oldest go).
 *
 * @module
 */

import type { Logger } from "../../log/logging.ts";
import type { IncomingMessage } from "../../pipeline/incoming_message.ts";
import type { DiscordPort } from "../discord_port.ts";
import type { ChannelThrottle } from "../channel_throttle.ts";

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

/** Conversations whose latest reply is remembered at most. */
const MAX_REMEMBERED = 10_000;

/** The latest replies; see the module doc. */
export class LatestReplies {
  /** Conversation → its latest reply. */
  readonly #latest = new Map<string, ShownReply>();
  /** Turn id → the latest reply it is (only latest replies are kept). */
  readonly #byTurn = new Map<string, ShownReply>();

  /** The reply of turn `turn_id`, while it is the latest of its conversation. */
  get(turn_id: string): ShownReply | undefined {
    return this.#byTurn.get(turn_id);
  }

  /** The latest reply of `conversation` (as the runner keys it), if remembered. */
  of(conversation: string): ShownReply | undefined {
    return this.#latest.get(conversation);
  }

  /** Forgets a reply that no longer applies (its conversation was reset, or answered elsewhere). */
  forget(shown: ShownReply): void {
    if (this.#latest.get(shown.conversation) === shown) {
      this.#latest.delete(shown.conversation);
    }
    if (this.#byTurn.get(shown.turn_id) === shown) {
      this.#byTurn.delete(shown.turn_id);
    }
  }

  /** Records a conversation's new latest reply; returns the one it replaces (another turn's), if any. */
  remember(shown: ShownReply): ShownReply | undefined {
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
    return before !== undefined && before.turn_id !== shown.turn_id
      ? before
      : undefined;
  }
}

/**
 * Takes the buttons off a reply (its last message); failures are logged.
 * The edit goes through the channel's throttle like every other send and
 * edit: it counts against Discord's 5 per 5 s in the channel too.
 */
export async function removeButtons(
  shown: ShownReply,
  logger: Logger,
  throttle: ChannelThrottle,
): Promise<void> {
  const last = shown.posted.at(-1);
  if (last === undefined) return;
  try {
    const done = await throttle.acquire(shown.channel_id);
    try {
      await shown.port.edit(shown.channel_id, last.id, last.content, []);
    } finally {
      done();
    }
  } catch (error) {
    logger.debug("Could not remove buttons: {error}", { error });
  }
}

/** Removals waiting at most; past it the oldest are dropped (their buttons stay, and say so when pressed). */
export const MAX_WAITING_REMOVALS = 1_000;

/**
 * Takes buttons off replies in the background, one at a time: a removal
 * never competes with answers for the bot's request queue (whose wait list
 * is bounded), it only uses what is left. Under a long burst the oldest
 * waiting removals are dropped; a stale button still refuses when pressed.
 */
export class ButtonRemovals {
  readonly #logger: Logger;
  readonly #throttle: ChannelThrottle;
  readonly #waiting: ShownReply[] = [];
  #draining: Promise<void> | null = null;

  constructor(logger: Logger, throttle: ChannelThrottle) {
    this.#logger = logger;
    this.#throttle = throttle;
  }

  /** Queues the removal of a reply's buttons. */
  add(shown: ShownReply): void {
    if (this.#waiting.length >= MAX_WAITING_REMOVALS) this.#waiting.shift();
    this.#waiting.push(shown);
    this.#draining ??= this.#drain().finally(() => this.#draining = null);
  }

  /** Resolves once every queued removal was tried. */
  async idle(): Promise<void> {
    while (this.#draining !== null) await this.#draining;
  }

  async #drain(): Promise<void> {
    for (;;) {
      const next = this.#waiting.shift();
      if (next === undefined) return;
      await removeButtons(next, this.#logger, this.#throttle);
    }
  }
}
