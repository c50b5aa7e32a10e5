/**
 * `deno task validate [PATH]`: checks a config file. Prints every problem as
 * `FILE:LINE:COL  dotted.path  message` with a snippet and exits 1, or prints
 * a one-line summary and exits 0. A missing Discord token is only a warning:
 * `start` needs it, the other commands do not.
 *
 * @module
 */

import { ConfigError } from "../config/config_error.ts";
import { loadConfigWithoutToken } from "../config/optional_token.ts";
import { summarizeConfig } from "../config/summarize_config.ts";

/** Runs the validate command; returns the exit code. */
export async function validate(args: string[]): Promise<number> {
  const file = args[0] ?? Deno.env.get("BOT_CONFIG") ?? "bot.config.yaml";
  try {
    const { config, warning } = await loadConfigWithoutToken(
      file,
      (name) => Deno.env.get(name),
    );
    console.log(`${file}: OK — ${summarizeConfig(config)}`);
    if (warning) console.error(`${file}: warning: ${warning}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.format());
    return 1;
  }
}

if (import.meta.main) Deno.exit(await validate(Deno.args));
