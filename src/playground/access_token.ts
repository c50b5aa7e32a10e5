/**
 * The playground's access token: a random value printed with the URL. Every
 * request must carry it (query `token`, the cookie the page gets on first
 * load, or the `x-playground-token` header), and must be addressed to the
 * loopback host, so other local pages and DNS rebinding cannot use it.
 *
 * @module
 */

/** The cookie that carries the token after the first load. */
export const TOKEN_COOKIE = "playground_token";

/** A new random token (128 bits, hex). */
export function newAccessToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The token a request carries, if any. */
export function presentedToken(request: Request, url: URL): string | null {
  const query = url.searchParams.get("token");
  if (query) return query;
  const header = request.headers.get("x-playground-token");
  if (header) return header;
  const cookies = request.headers.get("cookie") ?? "";
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === TOKEN_COOKIE) return value.join("=");
  }
  return null;
}

/**
 * True when a browser says the request comes from another page: another
 * origin's `Origin`, or `Sec-Fetch-Site` other than `same-origin` or `none`
 * (typed or opened from the terminal). A page on another port of the same
 * host is the same *site*, so the SameSite=Strict cookie goes along with
 * its form posts: only this check keeps it from running turns.
 */
export function isCrossOrigin(request: Request, url: URL): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") return true;
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  try {
    return new URL(origin).host !== url.host;
  } catch {
    return true;
  }
}

/** True when the request carries `token` and is addressed to a loopback host. */
export function isAllowed(request: Request, url: URL, token: string): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) return false;
  const presented = presentedToken(request, url);
  return presented !== null && sameText(presented, token);
}
