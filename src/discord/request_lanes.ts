/**
 * One request at a time per Discordeno queue. Discordeno 21 keeps one
 * request queue per simplified route: `POST /channels/{id}/messages` and
 * `POST /channels/{id}/typing` share `/channels/{id}/x`, and every edit in
 * a channel shares `/channels/{id}/messages/x`. When a second request joins
 * a queue before the first one's response has told Discordeno how many
 * requests remain, Discordeno sleeps a whole second before trying again — a
 * typing indicator in flight would hold the first reply back by up to 1 s.
 * This wrapper gives each of those queues a lane and sends one request per
 * lane at a time, so requests never wait on each other inside Discordeno.
 *
 * @module
 */

import type { DiscordPort } from "./discord_port.ts";

function nextTimerTick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Wraps `port` so requests that share a Discordeno queue run one after another. */
export function withRequestLanes(port: DiscordPort): DiscordPort {
  const lanes = new Map<string, Promise<unknown>>();
  const inLane = <T>(lane: string, call: () => Promise<T>): Promise<T> => {
    const previous = lanes.get(lane) ?? Promise.resolve();
    const result = previous.then(call, call);
    // Discordeno restores the queue's count in a zero-delay timer after each
    // response; the next request in the lane must start after that timer.
    const tail = result.catch(() => {}).then(nextTimerTick);
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
