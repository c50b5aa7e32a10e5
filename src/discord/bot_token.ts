/**
 * What can be read from a bot token without asking Discord: its first part
 * is the bot's user id in base64. A token that does not look like one gets
 * a clear message at start-up instead of a gateway rejection later.
 *
 * @module
 */

/**
 * Why `token` cannot be a token at all (empty, or with characters an HTTP
 * header cannot carry), or null. Anything else is tried: Discord-compatible
 * servers issue tokens in other formats, and only the server can say no.
 */
export function tokenProblem(token: string): string | null {
  const bare = token.trim().replace(/^Bot\s+/i, "");
  if (bare === "") return "DISCORD_TOKEN is empty";
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(bare) || /[^\x20-\x7e]/.test(bare)) {
    return "DISCORD_TOKEN contains spaces, line breaks or other characters a token never has: copy it again from the Developer Portal's Bot tab";
  }
  return null;
}

/** The bot's user id encoded in `token` (Discord's format), or null when it is in another format. */
export function botIdFromToken(token: string): string | null {
  const first = token.trim().replace(/^Bot\s+/i, "").split(".")[0] ?? "";
  try {
    const id = atob(first.replace(/-/g, "+").replace(/_/g, "/"));
    return /^[0-9]{15,21}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}
