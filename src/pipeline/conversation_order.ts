/**
 * The order of a conversation as the model must read it. Messages are stored
 * the moment they arrive, so a message that waited behind a running turn has
 * a lower id than that turn's reply; reading by id alone would put the reply
 * after the later question. Here a reply sits right after the message it
 * answers (`reply_to_id`), everything else by id. Messages that arrived after
 * the turn's own message (still waiting their turn) are not history yet.
 *
 * @module
 */

import type { StoredMessage } from "../store/store.ts";

/** Where a message sits in its conversation: a reply just after what it answers. */
export function conversationPosition(message: StoredMessage): number {
  const answered = message.role === "assistant" ? message.reply_to_id : null;
  return answered === null || answered === undefined ? message.id : answered;
}

/** Sorts newest first in conversation order (a reply after its question; ties by id). */
export function newestFirst(messages: StoredMessage[]): StoredMessage[] {
  return messages.sort((a, b) =>
    conversationPosition(b) - conversationPosition(a) ||
    (b.role === "assistant" ? 1 : 0) -
      (a.role === "assistant" ? 1 : 0) ||
    b.id - a.id
  );
}

/**
 * True when `message` belongs in the history of the turn whose own stored
 * message is `current_id`: not the turn's own message, and not a user
 * message that arrived after it, nor an earlier answer to it (which a
 * rerun replaces).
 */
export function isHistoryOf(
  message: StoredMessage,
  current_id: number,
): boolean {
  if (message.id === current_id) return false;
  // An answer to the turn's own message is being replaced (a rerun), not history.
  if (message.role === "assistant" && message.reply_to_id === current_id) {
    return false;
  }
  return !(message.role === "user" && message.id > current_id);
}
