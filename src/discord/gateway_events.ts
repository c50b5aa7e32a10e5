/**
 * The runtime's answers to gateway events: shard status, channel and
 * server bookkeeping, and messages, edits and interactions handed to their
 * handlers. Every handler catches its own errors: one bad event is logged
 * and skipped.
 *
 * @module
 */

import type { Logger } from "../log/logging.ts";
import type { Store } from "../store/store.ts";
import { forgetDeletedThread } from "../retention/deleted_threads.ts";
import type { ChannelDirectory } from "./channel_directory.ts";
import type { DiscordClientEvents } from "./discordeno_client.ts";
import type { DiscordObserver } from "./discord_runtime_options.ts";
import type { GatewayMessage } from "./message_mapping.ts";
import type { ShardStatus } from "./shard_status.ts";
import type { GatewayInteraction } from "./slash_commands.ts";

/** Where the gateway's events go. */
export interface GatewayEventHandlers {
  logger: Logger;
  shards: ShardStatus;
  /** Discord closed the connection for good. */
  fatal: (message: string) => void;
  message: (raw: GatewayMessage) => Promise<void>;
  messageUpdated: (raw: GatewayMessage) => Promise<void>;
  interaction: (raw: GatewayInteraction) => Promise<void>;
  /** The channel directory (read when an event comes). */
  directory: () => ChannelDirectory;
  store: Store;
  observer?: DiscordObserver | undefined;
}

/** The client's event handlers, each guarded: errors are logged, never thrown. */
export function gatewayEvents(h: GatewayEventHandlers): DiscordClientEvents {
  const { logger } = h;
  const guard =
    <T>(what: string, handler: (value: T) => Promise<void> | void) =>
    (value: T) => {
      try {
        Promise.resolve(handler(value)).catch((error) =>
          logger.warn("Skipped a {what}: {error}", { what, error })
        );
      } catch (error) {
        logger.warn("Skipped a {what}: {error}", { what, error });
      }
    };
  // Shards that have had a session: their next connection after a loss is a reconnect.
  const connectedBefore = new Set<number>();
  return {
    connected: (shard) => {
      if (!h.shards.isUp(shard)) {
        logger.info("Connected to the Discord gateway (shard {shard})", {
          shard,
        });
        if (connectedBefore.has(shard)) h.observer?.reconnected?.();
      }
      connectedBefore.add(shard);
      h.shards.up(shard);
    },
    disconnected: (shard) => {
      if (h.shards.isUp(shard)) {
        logger.warn(
          "Lost the Discord gateway connection of shard {shard}; reconnecting",
          { shard },
        );
      }
      h.shards.down(shard);
    },
    fatal: (message) => {
      h.shards.markAllDown();
      h.fatal(message);
    },
    message: guard("message", h.message),
    messageUpdated: guard("message edit", h.messageUpdated),
    interaction: guard("interaction", h.interaction),
    channel: guard(
      "channel event",
      (info) => h.directory().setChannel(info),
    ),
    channelDeleted: (id: string, thread: boolean) => {
      h.directory().deleteChannel(id);
      // Nobody can read a deleted thread: its conversations go with it.
      if (thread) {
        void forgetDeletedThread(h.store, id, logger);
      }
    },
    guild: (id, name) => h.directory().setGuild(id, name),
    botRole: (guild, role) => h.directory().addBotRole(guild, role),
    rateLimited: () => h.observer?.rateLimited?.(),
    requested: (method, status) => h.observer?.requested?.(method, status),
  };
}
