/**
 * How a reply's sends and edits are tried: a 429 pauses the channel and
 * tries again, a timeout or dropped connection is retried a few times with
 * a growing pause, and a refused request (missing permission, vanished
 * channel) ends delivery at once.
 *
 * @module
 */

import { DiscordRequestError } from "./discord_port.ts";
import type { DiscordReplyOptions } from "./discord_reply_options.ts";

/** Runs `action`, pausing on 429 and retrying server errors; permission problems end delivery. */
export async function attemptDelivery(
  action: () => Promise<void>,
  options: Pick<
    DiscordReplyOptions,
    "throttle" | "channel_id" | "max_attempts"
  >,
): Promise<void> {
  const max = options.max_attempts ?? 3;
  let limited = 0;
  for (let attempt = 1;; attempt++) {
    try {
      await action();
      return;
    } catch (error) {
      if (!(error instanceof DiscordRequestError)) throw error;
      if (error.kind === "rate_limited" && ++limited <= 10) {
        attempt -= 1;
        options.throttle.pause(
          options.channel_id,
          (error.retry_after_s ?? 1) * 1000,
        );
        continue;
      }
      // A timeout or a dropped connection may be tried again: an edit sets the
      // same text, a send carries its nonce. A refused request is not repeated.
      const transient = error.kind === "other" || error.kind === "timeout";
      if (!transient || attempt >= max) throw error;
      options.throttle.pause(
        options.channel_id,
        250 * 2 ** attempt,
      );
    }
  }
}
