/**
 * A deadline on every Discord request as the reply sees it: whatever happens
 * below (a request waiting in a Discordeno queue, a server that never
 * answers), the call settles within `ms`, as a `DiscordRequestError` of kind
 * `timeout`. The reply then goes on (edits are retried; sends carry a nonce,
 * so a repeat cannot post twice) or ends marked partial, and the channel's
 * next turns run.
 *
 * @module
 */

import type { ThrottleTimers } from "./channel_throttle.ts";
import { DiscordRequestError } from "./discord_port.ts";
import type { DiscordPort } from "./discord_port.ts";

/** Wraps `port` so that every call settles within `ms`. */
export function withDeadline(
  port: DiscordPort,
  ms: number,
  timers: ThrottleTimers,
): DiscordPort {
  const bounded = <T>(what: string, call: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = timers.setTimeout(
        () =>
          reject(
            new DiscordRequestError(
              `Discord did not answer ${what} within ${ms} ms`,
              "timeout",
            ),
          ),
        ms,
      );
      call().then(resolve, reject).finally(() => timers.clearTimeout(timer));
    });
  return {
    send: (channel_id, message) =>
      bounded("a message send", () => port.send(channel_id, message)),
    edit: (channel_id, message_id, content, buttons) =>
      bounded(
        "a message edit",
        () => port.edit(channel_id, message_id, content, buttons),
      ),
    delete: (channel_id, message_id) =>
      bounded(
        "a message deletion",
        () => port.delete?.(channel_id, message_id) ?? Promise.resolve(),
      ),
    typing: (channel_id) =>
      bounded("a typing indicator", () => port.typing(channel_id)),
  };
}
