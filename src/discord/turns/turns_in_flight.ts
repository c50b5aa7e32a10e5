/**
 * The turns being answered, queued or running, until they are remembered:
 * which message each answers and in which conversation. An edit of a
 * question being answered is compared with it, and Regenerate on a reply
 * is refused while a newer turn of its conversation is on its way (that
 * rerun would run after it, over a reply no longer the latest).
 *
 * @module
 */

import type { IncomingMessage } from "../../pipeline/incoming_message.ts";

interface TurnInFlight {
  done: Promise<void>;
  message: IncomingMessage;
  /** The conversation, as the runner keys it; null when the message is unrouted. */
  conversation: string | null;
}

/** The turns in flight, by turn id (the asking message's id). */
export class TurnsInFlight {
  readonly #turns = new Map<string, TurnInFlight>();

  /** Tracks `done` as the turn answering `message` until it settles. */
  async track(
    message: IncomingMessage,
    conversation: string | null,
    done: Promise<void>,
  ): Promise<void> {
    const turn = { done, message, conversation };
    this.#turns.set(message.id, turn);
    try {
      await done;
    } finally {
      if (this.#turns.get(message.id) === turn) this.#turns.delete(message.id);
    }
  }

  has(turn_id: string): boolean {
    return this.#turns.has(turn_id);
  }

  /** The message turn `turn_id` answers, while it is in flight. */
  message(turn_id: string): IncomingMessage | undefined {
    return this.#turns.get(turn_id)?.message;
  }

  /** Resolves once turn `turn_id` (if in flight) has settled. */
  async settled(turn_id: string): Promise<void> {
    await this.#turns.get(turn_id)?.done;
  }

  /** True when a turn other than `turn_id` is in flight in `conversation`. */
  otherIn(conversation: string, turn_id: string): boolean {
    for (const [id, turn] of this.#turns) {
      if (id !== turn_id && turn.conversation === conversation) return true;
    }
    return false;
  }
}
