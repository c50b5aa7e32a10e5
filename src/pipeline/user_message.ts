/**
 * Storing what a user said. Every triggered message is stored before any
 * reply is attempted, also when it is rate limited, so nothing a user said
 * is lost and the next answer sees it.
 *
 * @module
 */

import type { Store, StoredMessage } from "../store/store.ts";
import type { TurnContext } from "./turn_context.ts";

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
