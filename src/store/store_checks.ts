/**
 * Checks and wording shared by every `Store` implementation: refusing
 * an empty user id or a bad reply link, turning a history limit into a
 * number, and naming a conversation in error messages.
 *
 * @module
 */

import type { ConversationKey, MessageUpdate, NewMessage } from "./store.ts";

/**
 * Text as every backend can keep it: a NUL character (U+0000), which
 * PostgreSQL's `text` refuses and SQLite reads back cut at, becomes U+FFFD,
 * so nothing after it is lost and both stores read back the same.
 */
export function storableText(text: string): string {
  return text.includes("\u0000") ? text.replaceAll("\u0000", "\uFFFD") : text;
}

/** A message with its user- and model-written text made {@link storableText}. */
export function storableMessage(message: NewMessage): NewMessage {
  if (
    !message.content.includes("\u0000") &&
    !message.author_name.includes("\u0000")
  ) return message;
  return {
    ...message,
    author_name: storableText(message.author_name),
    content: storableText(message.content),
  };
}

/** An update with its content made {@link storableText}. */
export function storableUpdate(update: MessageUpdate): MessageUpdate {
  return update.content === undefined
    ? update
    : { ...update, content: storableText(update.content) };
}

/** Refuses an empty user id, which would match every shared conversation. */
export function requireUserId(user_id: string): void {
  if (user_id === "") throw new RangeError("the user id is empty");
}

/**
 * Throws when a message's `reply_to_id` cannot be a link: set on a message
 * that is not an assistant reply, or not a positive integer. Returns the id
 * to look up, or null when the message carries no link. Whether the message
 * exists is for the store to check.
 */
export function replyLinkToCheck(message: NewMessage): number | null {
  const id = message.reply_to_id;
  if (id === undefined || id === null) return null;
  if (message.role !== "assistant") {
    throw new RangeError(
      `a ${message.role} message cannot carry reply_to_id ${id}: only assistant replies link to the message they answer`,
    );
  }
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new RangeError(
      `reply_to_id ${id} is not a message id (a positive integer)`,
    );
  }
  return id;
}

/** The error for a `reply_to_id` naming a message that is not stored. */
export function missingReplyTarget(id: number): RangeError {
  return new RangeError(
    `the message it replies to (id ${id}) is not stored; it may have been deleted by retention or forget-user`,
  );
}

/** Turns a HistoryQuery limit into SQL's: 0 for none, -1 for unlimited. */
export function sqlLimit(limit: number): number {
  if (Number.isNaN(limit)) throw new RangeError("the limit is NaN");
  if (limit === Infinity) return -1;
  return Math.max(0, Math.floor(limit));
}

/** Names a conversation in an error message. */
export function describe(key: ConversationKey): string {
  return key.user_id === ""
    ? `the conversation of channel ${key.channel_id}`
    : `the conversation of user ${key.user_id} in channel ${key.channel_id}`;
}

/** The message of an error, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
