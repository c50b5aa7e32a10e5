/**
 * Which URLs an attachment may be fetched from: Discord's own CDN
 * (`cdn.discordapp.com`, `media.discordapp.net`) over HTTPS, or an origin the
 * operator named (the `DISCORD_API_BASE_URL` of a test server or emulator).
 * A URL with credentials in it is never fetched. The attachment's URL is the
 * only one ever fetched for it; redirects are not followed (see
 * `attachment_fetch.ts`), so a URL that passes here is the one that is read.
 *
 * @module
 */

/** Discord's CDN hosts, where attachment URLs point. */
export const DISCORD_CDN_HOSTS: readonly string[] = [
  "cdn.discordapp.com",
  "media.discordapp.net",
];

/** True when `url` may be fetched as an attachment. */
export function isAllowedAttachmentUrl(
  url: string,
  extra_origins: readonly string[] = [],
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username !== "" || parsed.password !== "") return false;
  if (extra_origins.includes(parsed.origin)) return true;
  return parsed.protocol === "https:" && parsed.port === "" &&
    DISCORD_CDN_HOSTS.includes(parsed.hostname);
}

/** The origin of a base URL (for `extra_origins`), or null when it is not a URL. */
export function originOf(base_url: string | undefined): string | null {
  if (base_url === undefined || base_url === "") return null;
  try {
    return new URL(base_url).origin;
  } catch {
    return null;
  }
}
