/**
 * What the REST proxy checks at the moment Discordeno would send a request
 * to Discord (its `sendRequest`), for every gateway process at once:
 *
 * - **Abandoned requests are dropped.** A request whose gateway gave up on
 *   it (its deadline passed, or it hung up) while it waited in a queue here
 *   is not sent: the gateway has already counted it as done against the
 *   channel's limit and may be sending it again.
 * - **The bot-wide limit.** Discord allows a bot about 50 requests a second
 *   over every route but interactions and webhooks. Each gateway process
 *   paces its replies to its share, but what the processes send on their
 *   own (start-up, command registration) is outside those shares. Here
 *   every request to a limited route takes a slot of one window of 50 a
 *   second (plus a margin) shared by all processes, and keeps it until
 *   Discord has answered.
 *
 * @module
 */

import type { RestManager } from "@discordeno/bot";
import {
  ChannelThrottle,
  systemThrottleTimers,
  type ThrottleTimers,
} from "./channel_throttle.ts";

/** Requests to limited routes per second, over the whole bot. */
export const PROXY_GLOBAL_LIMIT = 50;

/** How much longer than a second a request counts (see `channel_throttle.ts`). */
export const PROXY_GLOBAL_MARGIN_MS = 50;

/** Requests waiting for a slot at most; past it they fail at once. */
const MAX_WAITING = 10_000;

/** The client's signal of each forwarded request, by the options Discordeno carries with it. */
const clientSignals = new WeakMap<object, AbortSignal>();

/** Ties the options handed to Discordeno's `makeRequest` to the signal of the client that asked. */
export function whenAbandoned(options: object, signal: AbortSignal): void {
  clientSignals.set(options, signal);
}

/** Routes outside the bot's global limit: interaction callbacks and follow-ups, webhooks with their token. */
function unlimited(route: string): boolean {
  return route.startsWith("/interactions/") || route.startsWith("/webhooks/");
}

/** Wraps `rest.sendRequest` with the checks above; `close()` stops the window's timers. */
export function gateSends(
  rest: RestManager,
  options: { onDropped: () => void; timers?: ThrottleTimers },
): { close(): void } {
  const window = new ChannelThrottle(
    PROXY_GLOBAL_LIMIT,
    1_000,
    options.timers ?? systemThrottleTimers,
    { margin_ms: PROXY_GLOBAL_MARGIN_MS, max_waiters: MAX_WAITING },
  );
  const send = rest.sendRequest;
  const abandoned = (request: Parameters<typeof send>[0]) => {
    const given = request.requestBodyOptions;
    return given !== undefined && clientSignals.get(given)?.aborted === true;
  };
  const drop = (request: Parameters<typeof send>[0]) => {
    options.onDropped();
    request.reject({
      ok: false,
      status: 499,
      body: JSON.stringify({ message: "the client gave up on this request" }),
    });
  };
  rest.sendRequest = async (request) => {
    if (abandoned(request)) return drop(request);
    if (unlimited(request.route)) return await send(request);
    let done: () => void;
    try {
      done = await window.acquire("bot");
    } catch (error) {
      request.reject({
        ok: false,
        status: 503,
        body: JSON.stringify({ message: `the REST proxy is full: ${error}` }),
      });
      return;
    }
    try {
      // It may have been given up on while it waited for the slot.
      if (abandoned(request)) return drop(request);
      return await send(request);
    } finally {
      done();
    }
  };
  return { close: () => window.close() };
}
