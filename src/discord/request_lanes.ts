/**
 * One request at a time per rate-limit route, as Discordeno's queues keep
 * them (its simplified routes: `POST /channels/{id}/messages` and
 * `POST /channels/{id}/typing` share `/channels/{id}/x`, and every edit in
 * a channel shares `/channels/{id}/messages/x`). A request then always sees
 * what the answer before it said about the route's limit, and a typing
 * indicator never lands after the message it announced.
 *
 * @module
 */

import type { DiscordPort } from "./discord_port.ts";

/** Wraps `port` so requests that share a Discordeno queue run one after another. */
export function withRequestLanes(port: DiscordPort): DiscordPort {
  const lanes = new Map<string, Promise<unknown>>();
  const inLane = <T>(lane: string, call: () => Promise<T>): Promise<T> => {
    const previous = lanes.get(lane) ?? Promise.resolve();
    const result = previous.then(call, call);
    const tail = result.catch(() => {});
    lanes.set(lane, tail);
    tail.then(() => {
      if (lanes.get(lane) === tail) lanes.delete(lane);
    });
    return result;
  };
  return {
    send: (channel_id, message) =>
      inLane(`${channel_id}/x`, () => port.send(channel_id, message)),
    delete: (channel_id, message_id) =>
      inLane(
        `${channel_id}/messages/x`,
        () => port.delete?.(channel_id, message_id) ?? Promise.resolve(),
      ),
    typing: (channel_id) =>
      inLane(`${channel_id}/x`, () => port.typing(channel_id)),
    edit: (channel_id, message_id, content, buttons) =>
      inLane(
        `${channel_id}/messages/x`,
        () => port.edit(channel_id, message_id, content, buttons),
      ),
  };
}
