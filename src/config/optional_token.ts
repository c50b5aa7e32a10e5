/**
 * The Discord token is needed only to connect to Discord. The terminal
 * chat, the playground and `validate` load the config with the token made
 * optional: an unset or empty token variable reads as a placeholder, and
 * they print a warning instead of refusing to run.
 *
 * @module
 */

import { ConfigError } from "./config_error.ts";
import type { Config } from "./config_types.ts";
import { loadConfig } from "./load_config.ts";
import type { EnvLookup } from "./load_config.ts";

/** What an unset or empty token variable reads as when the token is optional. */
export const PLACEHOLDER_TOKEN = "token-not-set";

/** A loaded config and the warning to print when its token is missing (else null). */
export interface TokenOptionalConfig {
  config: Config;
  warning: string | null;
}

/** `env` with the named variables reading as the placeholder when unset or empty. */
export function placeholderEnv(
  env: EnvLookup,
  names: ReadonlySet<string> = new Set(["DISCORD_TOKEN"]),
): EnvLookup {
  return (name) => {
    const value = env(name);
    return names.has(name) && (value === undefined || value === "")
      ? PLACEHOLDER_TOKEN
      : value;
  };
}

/**
 * Loads the config like `loadConfig`, except that a missing or empty token
 * variable (`DISCORD_TOKEN`, or whichever variable `discord.token` names) is
 * not an error. Throws `ConfigError` for every other problem.
 */
export async function loadConfigWithoutToken(
  file: string,
  env: EnvLookup,
): Promise<TokenOptionalConfig> {
  const names = new Set(["DISCORD_TOKEN"]);
  let config: Config;
  try {
    config = await loadConfig(file, placeholderEnv(env, names));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const more = error.problems
      .filter((p) => p.path.join(".") === "discord.token")
      .map((p) => p.env_variable)
      .filter((name): name is string => name !== undefined);
    if (more.length === 0) throw error;
    for (const name of more) names.add(name);
    config = await loadConfig(file, placeholderEnv(env, names));
  }
  const missing = config.discord.token.includes(PLACEHOLDER_TOKEN);
  return {
    config,
    warning: missing
      ? `discord.token is empty (${
        [...names].join(" or ")
      } is not set): \`deno task start\` needs it; chat, the playground and validate run without it`
      : null,
  };
}
