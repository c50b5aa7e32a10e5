/**
 * The start-up steps that can fail on the operator's input (config file,
 * database URL, Discord's first answer) and how each failure is explained:
 * one clear message, never a stack trace. Shared by `deno task start` and
 * `deno task chat`.
 *
 * @module
 */

import { ConfigError } from "../config/config_error.ts";
import type { Config } from "../config/config_types.ts";
import { parseDuration } from "../config/duration.ts";
import { loadConfig } from "../config/load_config.ts";
import { openStore } from "../store/open_store.ts";
import type { Store } from "../store/store.ts";

/** Looks up an environment variable. */
export type Env = (name: string) => string | undefined;

/** Exit code for a config that cannot be used (EX_CONFIG): supervisors should not retry it. */
export const EXIT_CONFIG = 78;

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

/** Opens the store from `DATABASE_URL`, or prints why it cannot and returns null. */
export async function openStoreOrExplain(
  database_url: string | undefined,
): Promise<Store | null> {
  try {
    return await openStore(database_url);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return null;
  }
}

/** Why connecting to Discord failed, in words: Discordeno's REST errors carry the HTTP status in `cause`. */
export function describeStartError(error: unknown): string {
  const cause =
    (error as { cause?: { status?: number; body?: string; error?: string } })
      ?.cause;
  if (cause?.status === 401) {
    return "Discord rejected the token (401): check DISCORD_TOKEN.";
  }
  if (cause?.status === 999) {
    return "Discord could not be reached (network error). Check the connection or DISCORD_API_BASE_URL.";
  }
  if (cause?.status) {
    return `Discord answered HTTP ${cause.status}${
      cause.body ? `: ${cause.body.slice(0, 200)}` : ""
    }`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Longest `BOT_SHUTDOWN_GRACE`: an hour (timers overflow past about 24 days). */
export const MAX_SHUTDOWN_GRACE_MS = 3_600_000;

/**
 * `BOT_SHUTDOWN_GRACE` in milliseconds: `fallback` when unset or empty, an
 * error message naming the variable when it is not a duration from 0s to 1h.
 */
export function shutdownGraceFromEnv(
  value: string | undefined,
  fallback: number,
): number | { error: string } {
  if (value === undefined || value.trim() === "") return fallback;
  const ms = parseDuration(value);
  if (ms === null || ms > MAX_SHUTDOWN_GRACE_MS) {
    return {
      error:
        `BOT_SHUTDOWN_GRACE=${value}: expected a duration from 0s to 1h, like "6s" or "30s"`,
    };
  }
  return ms;
}
