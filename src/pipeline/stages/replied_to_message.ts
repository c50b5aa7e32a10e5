/**
 * The message a user replied to, for the context stage: the stored one, or
 * a stand-in built from what Discord sent when it was never stored, and
 * nothing when it is already in the history, hidden by a `/reset`, or a
 * later chunk of a reply already there.
 *
 * @module
 */

import type { Store, StoredMessage } from "../../store/store.ts";
import type { TurnContext } from "../turn_context.ts";

/** The message the user replied to, when it is not already in the history. */
export async function repliedToMessage(
  ctx: TurnContext,
  store: Store,
  history: readonly StoredMessage[],
): Promise<StoredMessage | null> {
  const reference = ctx.message.reply_to;
  if (reference === null) return null;
  if (history.some((m) => m.external_id === reference.message_id)) return null;
  // After a /reset nothing from before it comes back, not even by replying to it.
  const reset = await store.lastReset(ctx.route.conversation);
  const known = await store.findMessageByExternalId(reference.message_id);
  if (known !== null && known.content !== "") {
    if (history.some((m) => m.id === known.id)) return null;
    return reset !== null && known.created_at < reset ? null : known;
  }
  if (reference.content === "" || reset !== null) return null;
  // A later chunk of a split answer is not stored under its own id: it is part
  // of a stored reply already in the history, and is never sent twice.
  if (history.some((m) => containsChunk(m.content, reference.content))) {
    return null;
  }
  return {
    id: 0,
    conversation: ctx.route.conversation,
    external_id: reference.message_id,
    author_id: reference.author_id,
    author_name: reference.author_name,
    role: reference.author_id === ctx.bot_user_id ? "assistant" : "user",
    persona: ctx.persona_name,
    content: reference.content,
    token_count: null,
    created_at: 0,
    updated_at: 0,
    partial: false,
    reply_to_id: null,
  };
}

/**
 * True when `chunk` (a posted message of a split reply, maybe with a code
 * fence closed or reopened at its edges) is part of `stored`: its longest
 * line is found there.
 */
export function containsChunk(stored: string, chunk: string): boolean {
  const lines = chunk.split("\n").map((line) => line.trim());
  const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), "");
  const probe = longest.length >= 20 ? longest : chunk.trim();
  return probe !== "" && stored.includes(probe);
}
