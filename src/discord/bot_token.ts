/**
 * What can be read from a bot token without asking Discord: its first part
 * is the bot's user id in base64. A token that does not look like one gets
 * a clear message at start-up instead of a gateway rejection later.
 *
 * @module
 */

/** The bot's user id encoded in `token`, or null when the token does not look like a bot token. */
export function botIdFromToken(token: string): string | null {
  const first = token.trim().replace(/^Bot\s+/i, "").split(".")[0] ?? "";
  try {
    const id = atob(first.replace(/-/g, "+").replace(/_/g, "/"));
    return /^[0-9]{15,21}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}
