/**
 * Storing what a user said. Every triggered message is stored before any
 * reply is attempted, also when it is rate limited, so nothing a user said
 * is lost and the next answer sees it.
 *
 * @module
 */

import type { Store, StoredMessage } from "../store/store.ts";
import type { TurnContext } from "./turn_context.ts";

/** A rerun's stored question, with its text updated when it was edited since. */
export async function restoreUserMessage(
  store: Store,
  ctx: TurnContext,
  token_count: number,
): Promise<StoredMessage> {
  const stored = ctx.rerun?.user_message;
  if (stored === undefined) throw new Error("Cannot restore: not a rerun");
  if (stored.content === ctx.text) return stored;
  await store.updateMessage(stored.id, {
    content: ctx.text,
    token_count,
    updated_at: ctx.started_at,
  });
  return { ...stored, content: ctx.text, token_count };
}

/** Stores the turn's user message; `token_count` null means "count when read". */
export function storeUserMessage(
  store: Store,
  ctx: TurnContext,
  persona: string,
  token_count: number | null,
): Promise<StoredMessage> {
  return store.addMessage({
    conversation: ctx.route.conversation,
    external_id: ctx.message.id,
    author_id: ctx.message.author.id,
    author_name: ctx.message.author.display_name,
    role: "user",
    persona,
    content: ctx.text,
    token_count,
    created_at: ctx.started_at,
    partial: false,
  });
}
