/**
 * Closing a reply a crash cut off, at start-up: the last message Discord
 * accepted gets the text the store has for it plus an "(interrupted by a
 * restart)" line; when that would pass Discord's 2000 characters, the line
 * goes in a message of its own, replying to it. Waits for the channel's
 * throttle like every other send.
 *
 * @module
 */

import type { PostedPart } from "../pipeline/reply_target.ts";
import { INTERRUPTED_NOTE } from "../pipeline/turn_recovery.ts";
import type { ChannelThrottle } from "./channel_throttle.ts";
import type { DiscordPort } from "./discord_port.ts";

/** Discord's message length limit. */
const LIMIT = 2000;

/** Ends the half-written reply `posted` in `channel_id`; rejects when Discord refuses. */
export async function closeInterruptedReply(
  port: DiscordPort,
  throttle: ChannelThrottle,
  channel_id: string,
  posted: readonly PostedPart[],
): Promise<void> {
  const last = posted.at(-1);
  if (last === undefined) return;
  const done = await throttle.acquire(channel_id);
  try {
    const ended = `${last.content}\n\n${INTERRUPTED_NOTE}`;
    if (ended.length <= LIMIT) {
      // Its Stop button no longer applies.
      await port.edit(channel_id, last.id, ended, []);
    } else {
      await port.send(channel_id, {
        content: INTERRUPTED_NOTE,
        reply_to: last.id,
        ping_replied_user: false,
      });
    }
  } finally {
    done();
  }
}
