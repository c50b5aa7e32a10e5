/**
 * Answering in a thread that does not exist yet. With `threads: auto` a
 * turn asked in a channel is answered in a public thread started on the
 * asking message; Discord gives such a thread the message's id, so the
 * conversation is keyed by it from the start. This port wrapper opens the
 * thread just before the reply's first message (a turn refused before any
 * reply opens nothing), shows "typing…" in the channel until then, and when
 * the thread cannot be opened (no Create Public Threads permission) answers
 * in the channel instead, with one warning per channel.
 *
 * @module
 */

import type { Logger } from "../../log/logging.ts";
import type { DiscordPort } from "../discord_port.ts";
import type { ThreadRefusals } from "./thread_refusals.ts";

/** Starts a public thread on a message; resolves to the thread's id. */
export type ThreadStarter = (
  channel_id: string,
  message_id: string,
  name: string,
) => Promise<string>;

/** The thread a reply should open. */
export interface ThreadPlan {
  /** The channel the asking message is in. */
  parent_id: string;
  /** The asking message (the thread's id will be the same). */
  message_id: string;
  name: string;
}

/** What the wrapper needs besides the port. */
export interface ThreadOpenerOptions {
  start: ThreadStarter;
  logger: Logger;
  /** Told once the thread exists (to record it as the bot's). */
  opened(thread_id: string): void;
  /** Where threads were refused (the owner is warned once per channel). */
  refusals: Pick<ThreadRefusals, "refused">;
}

/** Wraps `port` so that sending into `plan.message_id` opens the thread first; see the module doc. */
export function openingThread(
  port: DiscordPort,
  plan: ThreadPlan,
  options: ThreadOpenerOptions,
): DiscordPort {
  const thread_id = plan.message_id;
  let target: Promise<string> | null = null;
  const open = () =>
    target ??= options.start(plan.parent_id, plan.message_id, plan.name).then(
      (id) => {
        options.opened(id);
        return id;
      },
      (error) => {
        if (options.refusals.refused(plan.parent_id)) {
          options.logger.warn(
            "Cannot open a thread in channel {channel} ({error}); answering in the channel. Give the bot Create Public Threads there, or set threads: off",
            { channel: plan.parent_id, error },
          );
        }
        return plan.parent_id;
      },
    );
  const where = async (channel_id: string) =>
    channel_id === thread_id ? await open() : channel_id;
  return {
    async send(channel_id, message) {
      const channel = await where(channel_id);
      // The thread starts under the asking message: no reply reference is needed there.
      return await port.send(
        channel,
        channel === thread_id ? { ...message, reply_to: undefined } : message,
      );
    },
    async edit(channel_id, message_id, content, buttons) {
      await port.edit(await where(channel_id), message_id, content, buttons);
    },
    async delete(channel_id, message_id) {
      await port.delete?.(await where(channel_id), message_id);
    },
    async typing(channel_id) {
      const channel = channel_id === thread_id && target === null
        ? plan.parent_id
        : await where(channel_id);
      await port.typing(channel);
    },
  };
}
