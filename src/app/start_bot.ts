/**
 * Start-up of the bot process: logging, config, store, then the runtime.
 * Every start-up failure ends here as a clear message and a non-zero exit
 * code, never a stack trace.
 *
 * @module
 */

import { ConfigError } from "../config/config_error.ts";
import type { Config } from "../config/config_types.ts";
import { loadConfig } from "../config/load_config.ts";
import { summarizeConfig } from "../config/summarize_config.ts";
import {
  log,
  loggingOptionsFromEnv,
  secrets,
  setupLogging,
  stopLogging,
} from "../log/logging.ts";
import { openStore } from "../store/open_store.ts";

/** Looks up an environment variable. */
export type Env = (name: string) => string | undefined;

/**
 * Loads the config or explains why it cannot: a missing token gets one line
 * naming the variable to set; any other problem gets the full report.
 * Returns null after printing.
 */
export async function loadConfigOrExplain(
  file: string,
  env: Env,
): Promise<Config | null> {
  try {
    return await loadConfig(file, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const missing = error.problems.filter((p) => p.env_variable !== undefined);
    const onlyToken = missing.length === error.problems.length &&
      missing.every((p) => p.path.join(".") === "discord.token");
    if (onlyToken) {
      const name = missing[0]?.env_variable ?? "DISCORD_TOKEN";
      console.error(
        `${name} is not set: put ${name}=<your bot token> in .env or the environment (README: "Register the bot").`,
      );
    } else {
      console.error(error.format());
    }
    return null;
  }
}

/** Runs the bot until it is told to stop; returns the process exit code. */
export async function startBot(env: Env): Promise<number> {
  const { options, warning } = loggingOptionsFromEnv(env, Deno.stdout);
  await setupLogging(options);
  const logger = log("start");
  if (warning) logger.warn(warning);
  const file = env("BOT_CONFIG") ?? "bot.config.yaml";
  const config = await loadConfigOrExplain(file, env);
  if (config === null) return 1;
  secrets.add(config.secrets);
  logger.info("Loaded {file}: {summary}", {
    file,
    summary: summarizeConfig(config),
  });
  let store;
  try {
    store = await openStore(env("DATABASE_URL"));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  try {
    logger.error("The Discord connection is not built yet; stopping.");
    return 1;
  } finally {
    await store.close();
    await stopLogging();
  }
}
