/**
 * The one place that fetches attachment bytes (the adapter of this folder).
 * Only a URL that `isAllowedAttachmentUrl` accepts is fetched, exactly as
 * given: no redirect is followed, no cookie or credential is sent. The body
 * is streamed and reading stops at `max_bytes` (the rest is never
 * downloaded), and the whole fetch has a deadline. Failures come back as a
 * reason, never as an exception.
 *
 * @module
 */

import { isAllowedAttachmentUrl } from "./url_policy.ts";

/** What a fetch gave: the bytes (at most `max_bytes`), or why there are none. */
export type FetchResult =
  | {
    ok: true;
    bytes: Uint8Array;
    /** The type the server sent, "" when none. */
    content_type: string;
    /** True when the body had more than `max_bytes` (only those were read). */
    truncated: boolean;
  }
  | { ok: false; reason: string };

/** Reads attachment bytes. */
export interface AttachmentFetcher {
  read(url: string, max_bytes: number): Promise<FetchResult>;
}

/** How the fetcher is set up. */
export interface FetcherOptions {
  /** Origins allowed besides Discord's CDN (a test server's). */
  extra_origins?: readonly string[];
  /** Longest time one fetch may take, body included (default 15 s). */
  timeout_ms?: number;
  fetch?: typeof fetch;
  /** Tests drive time through these. */
  setTimeout?: typeof setTimeout;
  clearTimeout?: typeof clearTimeout;
}

/** Creates the fetcher; see the module doc. */
export function createAttachmentFetcher(
  options: FetcherOptions = {},
): AttachmentFetcher {
  const doFetch = options.fetch ?? fetch;
  const timeout_ms = options.timeout_ms ?? 15_000;
  const arm = options.setTimeout ?? setTimeout;
  const disarm = options.clearTimeout ?? clearTimeout;
  return {
    async read(url, max_bytes) {
      if (!isAllowedAttachmentUrl(url, options.extra_origins)) {
        return { ok: false, reason: "not an attachment URL" };
      }
      const controller = new AbortController();
      const timer = arm(
        () => controller.abort(new Error("timed out")),
        timeout_ms,
      );
      try {
        const response = await doFetch(url, {
          redirect: "manual",
          credentials: "omit",
          signal: controller.signal,
        });
        if (response.status !== 200) {
          await response.body?.cancel().catch(() => {});
          return {
            ok: false,
            reason: response.type === "opaqueredirect" ||
                (response.status >= 300 && response.status < 400)
              ? "redirected"
              : `HTTP ${response.status}`,
          };
        }
        const content_type = response.headers.get("content-type") ?? "";
        const body = await readCapped(response, max_bytes);
        return { ok: true, content_type, ...body };
      } catch (error) {
        return {
          ok: false,
          reason: controller.signal.aborted
            ? "timed out"
            : error instanceof Error
            ? error.message
            : String(error),
        };
      } finally {
        disarm(timer);
      }
    },
  };
}

/** Reads at most `max` bytes of a body, then stops the download. */
async function readCapped(
  response: Response,
  max: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  const reader = response.body?.getReader();
  if (reader === undefined) {
    return { bytes: new Uint8Array(), truncated: false };
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = max - length;
    if (value.length > room) {
      chunks.push(value.subarray(0, room));
      length += room;
      truncated = true;
      await reader.cancel().catch(() => {});
      break;
    }
    chunks.push(value);
    length += value.length;
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes, truncated };
}
