/**
 * `PLAYGROUND_PORT` for `deno task start`: serves the persona playground
 * from the running bot (off when unset), with the status panel fed from
 * the bot's metrics and the gateway state. The URL with its access token is
 * printed once at start-up.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import type { Logger } from "../log/logging.ts";
import type { BotMetrics } from "../observability/bot_metrics.ts";
import type { BotServices } from "../pipeline/bot_services.ts";
import { ConfigStatusBoard } from "../playground/config_status.ts";
import { startPlaygroundServer } from "../playground/playground_server.ts";
import type { PlaygroundServer } from "../playground/playground_server.ts";
import { closeStalePlaygroundTurns } from "../playground/stale_turns.ts";
import { metricsStatusSource } from "./playground_status.ts";

/** A playground running inside the bot process. */
export interface PlaygroundAtStart {
  /** Feed it from the config watcher. */
  board: ConfigStatusBoard;
  server: PlaygroundServer;
}

/** What the playground needs from the bot process. */
export interface PlaygroundAtStartDeps {
  env: (name: string) => string | undefined;
  file: string;
  config: Config;
  services: BotServices;
  metrics: Pick<BotMetrics, "read">;
  bot_user_id: () => string;
  connected: () => boolean;
  shards: () => { id: number; up: boolean }[];
  redact: (text: string) => string;
  logger: Logger;
}

/**
 * Starts the playground when `PLAYGROUND_PORT` is set; returns null when it
 * is unset or empty. Throws with a clear message when the value is not a
 * port or the port is taken.
 */
export function startPlaygroundAtStart(
  deps: PlaygroundAtStartDeps,
): PlaygroundAtStart | null {
  const text = deps.env("PLAYGROUND_PORT")?.trim() ?? "";
  if (text === "") return null;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(
      `PLAYGROUND_PORT must be a port number from 0 to 65535, not "${text}" (unset it to turn the playground off)`,
    );
  }
  const board = new ConfigStatusBoard(deps.file, deps.config);
  let server: PlaygroundServer;
  try {
    server = startPlaygroundServer({
      services: deps.services,
      config_status: board,
      redact: deps.redact,
      port,
      bot_user_id: deps.bot_user_id,
      status: metricsStatusSource({
        read: (name) => deps.metrics.read(name),
        endpoints: () => Object.keys(deps.services.config().endpoints),
        queue: () => deps.services.llm.status(),
        connected: deps.connected,
        shards: deps.shards,
      }),
    });
  } catch (error) {
    throw new Error(
      `Cannot serve the playground on 127.0.0.1:${port} (PLAYGROUND_PORT): ${
        error instanceof Error ? error.message : error
      }`,
      { cause: error },
    );
  }
  void closeStalePlaygroundTurns(deps.services.store, deps.logger);
  deps.logger.info("Playground on {url}", { url: server.url });
  return { board, server };
}
