/**
 * Discord allows about 50 requests per second per bot across all routes.
 * This wraps a `DiscordPort` so every send, edit and typing call takes a
 * slot in one bot-wide window first (45 per second by default, leaving
 * room for the interaction responses Discordeno sends on its own).
 *
 * @module
 */

import { ChannelThrottle } from "./channel_throttle.ts";
import type { ThrottleTimers } from "./channel_throttle.ts";
import type { DiscordPort } from "./discord_port.ts";

/** The port with bot-wide pacing, and a `close()` for its timers. */
export interface PacedPort extends DiscordPort {
  close(): void;
}

/** Wraps `port` so that at most `limit` requests start per `window_ms` across the bot. */
export function withGlobalPacing(
  port: DiscordPort,
  timers: ThrottleTimers,
  limit = 45,
  window_ms = 1_000,
): PacedPort {
  if (limit === Infinity) return { ...port, close: () => {} }; // pacing switched off
  // One wait list for the whole bot: its bound is the bot's (as many as turns
  // may run, see the runner's max_pending), not a channel's.
  const window = new ChannelThrottle(limit, window_ms, timers, {
    max_waiters: 1_000,
  });
  const paced = async <T>(call: () => Promise<T>): Promise<T> => {
    const done = await window.acquire("bot");
    try {
      return await call();
    } finally {
      done();
    }
  };
  return {
    send: (channel_id, message) => paced(() => port.send(channel_id, message)),
    delete: (channel_id, message_id) =>
      paced(() => port.delete?.(channel_id, message_id) ?? Promise.resolve()),
    edit: (channel_id, message_id, content, buttons) =>
      paced(() => port.edit(channel_id, message_id, content, buttons)),
    typing: (channel_id) => paced(() => port.typing(channel_id)),
    close: () => window.close(),
  };
}
