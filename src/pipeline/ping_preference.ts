/**
 * A user's `ping` preference (`/settings ping:on|off`) on a reply to them.
 * The context stage applies it to every answer from what it recalls; a
 * notice sent before that stage (a rate limit, a persona that cannot see
 * images) applies it here first.
 *
 * @module
 */

import type { UserPreferences } from "../store/memory_store.ts";
import type { Store } from "../store/store.ts";
import type { TurnContext } from "./turn_context.ts";

/** Reads the author's preferences and applies their `ping` to the reply; returns them. */
export async function applyPingPreference(
  ctx: TurnContext,
  store: Pick<Store, "getPreferences">,
): Promise<UserPreferences | null> {
  const preferences = await store.getPreferences(ctx.message.author.id);
  if (preferences !== null && preferences.ping !== null) {
    ctx.reply.setPing?.(preferences.ping);
  }
  return preferences;
}
