/**
 * The stored conversation of a playground place, for the page to show after
 * a reload. Only the playground's own conversations can be read this way
 * (their channels are the playground's), so no real user's message is ever
 * returned.
 *
 * @module
 */

import { effectivePersona } from "../pipeline/persona_choice.ts";
import { resolveRoute } from "../pipeline/route.ts";
import { renderDiscordMarkdown } from "./discord_markdown.ts";
import { placeOf } from "./playground_turn.ts";
import type {
  PlaygroundIdentity,
  PlaygroundServices,
} from "./playground_turn.ts";

/** One stored message as the page shows it. */
export interface HistoryEntry {
  role: string;
  author_name: string;
  html: string;
  created_at: number;
  /** The platform id (a bot reply's can be replied to). */
  id: string;
}

/** A place's conversation as one user sees it. */
export interface PlaygroundHistory {
  /** The persona that answers this user here now (their /persona choice, the channel's, or the binding's). */
  persona: string | null;
  /** The newest messages since the last /reset, oldest first. */
  messages: HistoryEntry[];
}

/** The place's persona and newest `limit` messages for one user. */
export async function playgroundHistory(
  services: PlaygroundServices,
  who: Pick<PlaygroundIdentity, "place" | "user_id">,
  limit = 50,
): Promise<PlaygroundHistory> {
  const config = services.config();
  const where = placeOf(who.place, config);
  const route = where === null
    ? null
    : resolveRoute({ ...where, user_id: who.user_id }, config);
  if (route === null) return { persona: null, messages: [] };
  const store = services.commands.store;
  const { persona } = await effectivePersona(store, route.binding, who.user_id);
  if (limit === 0) return { persona, messages: [] };
  const rows = await store.recentMessages({
    conversation: route.conversation,
    limit,
    since: Number.MIN_SAFE_INTEGER,
  });
  const messages = rows.reverse()
    .filter((row) => row.content !== "" && row.role !== "system")
    .map((row) => ({
      role: row.role,
      author_name: row.author_name,
      html: renderDiscordMarkdown(row.content),
      created_at: row.created_at,
      id: row.external_id ?? "",
    }));
  return { persona, messages };
}
