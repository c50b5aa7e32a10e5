/**
 * What a {@link DiscordReply} (`discord_reply.ts`) is built from.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import type { ReplyTarget } from "../pipeline/reply_target.ts";
import type { ChannelThrottle, ThrottleTimers } from "./channel_throttle.ts";
import type { DiscordPort, ReplyButton } from "./discord_port.ts";

/** What a reply needs. */
export interface DiscordReplyOptions {
  port: DiscordPort;
  throttle: ChannelThrottle;
  timers: ThrottleTimers;
  logger: Logger;
  channel_id: string;
  /** The message that triggered the turn; the first reply message answers it. */
  trigger_message_id: string;
  /** Whether the first message pings the author (`setPing` may change it). */
  ping_replied_user: boolean;
  /** How often to re-send the typing indicator (Discord shows it ~10 s). */
  typing_interval_ms?: number;
  /** How long the model may take before "typing…" is shown at all (default 250 ms). */
  typing_delay_ms?: number;
  /** Least time between two streaming edits of this reply (the final state is not held back). */
  edit_interval_ms?: number;
  /** How long the first text waits for more before it is posted (default 20 ms). */
  first_post_delay_ms?: number;
  /** Buttons under the reply's last message, while streaming and once done (other messages get none). */
  buttons?: (done: boolean) => readonly ReplyButton[];
  /**
   * Messages of an earlier answer, with the text they show, to write this
   * one over (a rerun); extra ones are deleted. One this answer never
   * writes over (it failed before any text) keeps its text.
   */
  reuse?: readonly { id: string; content: string }[];
  /** Told which persona speaks (before any text); see `ReplyTarget.speakAs`. */
  speakAs?: ReplyTarget["speakAs"];
  /** Attempts for one operation that fails with a server error. */
  max_attempts?: number;
}
