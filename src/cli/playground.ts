/**
 * `deno task playground [--port N]`: the persona playground, a local web
 * page that talks to the personas through the same pipeline and store as
 * Discord and shows what the model was sent. Needs no Discord token.
 * Prints the URL (with its access token) and runs until Ctrl-C.
 *
 * @module
 */

import { createBotServices } from "../pipeline/bot_services.ts";
import { watchConfig } from "../app/config_watcher.ts";
import { probeAndLog } from "../app/probe_at_start.ts";
import { openStoreOrExplain } from "../app/start_checks.ts";
import { ConfigError } from "../config/config_error.ts";
import {
  loadConfigWithoutToken,
  placeholderEnv,
} from "../config/optional_token.ts";
import {
  log,
  loggingOptionsFromEnv,
  secrets,
  setupLogging,
  stopLogging,
} from "../log/logging.ts";
import { ConfigStatusBoard } from "../playground/config_status.ts";
import { startPlaygroundServer } from "../playground/playground_server.ts";
import { closeStalePlaygroundTurns } from "../playground/stale_turns.ts";
import { PLAYGROUND_BOT_ID } from "../playground/playground_turn.ts";

/** The port when neither `--port` nor `PLAYGROUND_PORT` says one. */
export const DEFAULT_PLAYGROUND_PORT = 8765;

/** Reads `--port N`, else `PLAYGROUND_PORT`, else the default; null when invalid. */
export function playgroundPort(
  args: readonly string[],
  env: (name: string) => string | undefined,
): number | null {
  const index = args.indexOf("--port");
  // `--port` with nothing after it is a mistake, not the default.
  if (index !== -1 && (args[index + 1] ?? "").trim() === "") return null;
  const text = index === -1 ? env("PLAYGROUND_PORT")?.trim() : args[index + 1];
  if (text === undefined || text === "") return DEFAULT_PLAYGROUND_PORT;
  const port = Number(text);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : null;
}

/** Runs the playground until SIGINT or SIGTERM; returns the exit code. */
export async function playground(args: string[]): Promise<number> {
  const env = (name: string) => Deno.env.get(name);
  const { options, warning } = loggingOptionsFromEnv(env, Deno.stderr);
  await setupLogging(options);
  const logger = log("playground");
  if (warning) logger.warn(warning);
  const port = playgroundPort(args, env);
  if (port === null) {
    console.error("--port needs a number from 0 to 65535 (0: any free port)");
    return 1;
  }
  const file = env("BOT_CONFIG") ?? "bot.config.yaml";
  let config;
  try {
    ({ config } = await loadConfigWithoutToken(file, env));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.format());
    return 1;
  }
  secrets.add(config.secrets);
  const store = await openStoreOrExplain(env("DATABASE_URL"));
  if (store === null) return 1;
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => PLAYGROUND_BOT_ID,
  });
  await closeStalePlaygroundTurns(store, logger);
  const board = new ConfigStatusBoard(file, config);
  const watcher = watchConfig({
    file,
    env: placeholderEnv(env),
    current: services.config,
    logger: log("config"),
    apply: (next) => {
      secrets.add(next.secrets);
      services.applyConfig(next);
      board.accepted(next);
    },
    onRejected: (error) => board.rejected(error),
  });
  let server;
  try {
    server = startPlaygroundServer({
      services,
      config_status: board,
      redact: (text) => secrets.redactText(text),
      port,
    });
  } catch (error) {
    console.error(
      `Cannot serve the playground on 127.0.0.1:${port}: ${
        error instanceof Error ? error.message : error
      } (pick another with --port N)`,
    );
    watcher.close();
    await store.close();
    return 1;
  }
  console.log(`Playground: ${server.url}`);
  // As at start: warnings about the endpoints, and their real context sizes.
  void probeAndLog(config, logger, services.counters);
  const stop = await new Promise<string>((resolve) => {
    for (const name of ["SIGINT", "SIGTERM"] as const) {
      Deno.addSignalListener(name, () => resolve(name));
    }
  });
  logger.info("{signal} received: stopping", { signal: stop });
  watcher.close();
  await server.close();
  await services.runner.shutdown(3_000);
  await services.memory.close();
  await store.close();
  await stopLogging();
  return 0;
}

if (import.meta.main) Deno.exit(await playground(Deno.args));
