/**
 * What the adapter patches into Discordeno: counting REST 429s, containing
 * malformed events, passing over the bot's own messages, pacing reconnects
 * with backoff (turning fatal close codes into a clear stop), and clearing
 * the timers it leaves behind at shutdown.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import type { DiscordClientEvents } from "./discord_client_types.ts";
import type { DiscordenoBot } from "./discordeno_properties.ts";
import { fatalCloseMessage } from "./gateway_close_codes.ts";
import type { ReconnectBackoff } from "./reconnect_backoff.ts";

/** Counts REST 429s (Discordeno retries them itself). */
export function countRateLimits(
  rest: {
    invalidBucket: {
      handleCompletedRequest(status: number, shared: boolean): void;
    };
  },
  events: DiscordClientEvents,
): void {
  const invalid = rest.invalidBucket;
  const original = invalid.handleCompletedRequest.bind(invalid);
  invalid.handleCompletedRequest = (status, shared) => {
    if (status === 429) events.rateLimited();
    original(status, shared);
  };
}

/** Wraps every gateway handler so one malformed event is logged and skipped. */
export function containMalformedEvents(
  handlers: Record<string, unknown>,
  logger: Logger,
): void {
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== "function") continue;
    handlers[name] = (...args: unknown[]) => {
      const skip = (error: unknown) =>
        logger.warn("Skipped a malformed {event} event: {error}", {
          event: name,
          error,
        });
      try {
        const result = handler(...args);
        if (result instanceof Promise) return result.catch(skip);
        return result;
      } catch (error) {
        skip(error);
      }
    };
  }
}

/**
 * Passes over MESSAGE_CREATE and MESSAGE_UPDATE of the bot's own messages
 * (its replies, and its personas' posts through its webhooks) before
 * Discordeno converts them: every reply and every edit of it comes back
 * through the gateway, and nothing answers or reads them (the runner
 * ignores bots and webhooks).
 */
export function skipOwnMessages(
  handlers: Record<string, unknown>,
  botId: () => string,
): void {
  for (const name of ["MESSAGE_CREATE", "MESSAGE_UPDATE"]) {
    const handler = handlers[name];
    if (typeof handler !== "function") continue;
    handlers[name] = (bot: unknown, packet: unknown, shard: unknown) => {
      const message = (packet as { d?: OwnMessageFields } | null)?.d;
      const id = botId();
      if (
        message?.author?.id === id ||
        (message?.webhook_id != null && message.application_id === id)
      ) return;
      return handler(bot, packet, shard);
    };
  }
}

interface OwnMessageFields {
  author?: { id?: unknown };
  webhook_id?: unknown;
  application_id?: unknown;
}

interface ShardLike {
  id: number;
  connect(): Promise<unknown>;
  handleClose(close: { code: number; reason?: string }): Promise<void>;
}

/**
 * Patches each shard as Discordeno creates it: every connection attempt
 * waits its backoff delay, and a close code that forbids reconnecting
 * becomes a `fatal` event instead of an exception nobody catches.
 */
export function pacedReconnects(
  shards: Map<number, unknown>,
  backoff: ReconnectBackoff,
  events: DiscordClientEvents,
  logger: Logger,
): void {
  const set = shards.set.bind(shards);
  shards.set = (id: number, value: unknown) => {
    const shard = value as ShardLike;
    const connect = shard.connect.bind(shard);
    shard.connect = async () => {
      const delay = backoff.next();
      if (delay > 0) {
        logger.info("Reconnecting to the Discord gateway in {seconds} s", {
          seconds: (delay / 1000).toFixed(1),
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      return await connect();
    };
    const handleClose = shard.handleClose.bind(shard);
    shard.handleClose = async (close) => {
      const fatal = fatalCloseMessage(close.code);
      try {
        await handleClose(close);
      } catch (error) {
        logger.debug("Gateway closed for good: {error}", { error });
      }
      if (fatal !== null) events.fatal(fatal);
    };
    return set(id, value);
  };
}

/** Clears the timers `bot.shutdown()` leaves behind (DESIGN §5). */
export async function clearLeftoverTimers(
  bot: DiscordenoBot,
): Promise<void> {
  for (const shard of bot.gateway.shards.values()) {
    clearTimeout(shard.bucket.timeoutId);
    delete shard.bucket.timeoutId;
  }
  // After a 429 Discordeno re-checks rate-limited paths every second without a handle; let it finish.
  for (let i = 0; i < 30 && bot.rest.processingRateLimitedPaths; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const queue of bot.rest.queues.values()) {
    clearTimeout(queue.timeoutId);
    clearTimeout(queue.deleteQueueTimeout);
  }
  bot.rest.queues.clear();
}
