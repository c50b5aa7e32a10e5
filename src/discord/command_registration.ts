/**
 * Registers the slash commands where the config says (a bulk overwrite, so
 * registering again is harmless); a failure is logged, never thrown.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import type { Logger } from "../log/logging.ts";
import type { DiscordClient } from "./discordeno_client.ts";
import { explainDiscordError } from "./discordeno_port.ts";
import { commandDefinitions } from "./slash_commands.ts";

/** What registering the commands needs. */
export interface CommandRegistrationDeps {
  config: () => Config;
  client: Pick<DiscordClient, "registerCommands">;
  logger: Logger;
}

/** Registers `/reset`, `/persona` and the rest; failures are logged. */
export async function registerSlashCommands(
  deps: CommandRegistrationDeps,
): Promise<void> {
  const config = deps.config();
  try {
    await deps.client.registerCommands(
      config.discord.commands,
      commandDefinitions(config),
    );
    const where = config.discord.commands.kind === "guild"
      ? `server ${config.discord.commands.guild_id}`
      : "globally";
    deps.logger.info("Registered the slash commands {where}", {
      where,
    });
  } catch (error) {
    deps.logger.error(
      "Could not register the slash commands: {reason}. /reset and /persona are missing in Discord until this is fixed (a config reload or restart tries again)",
      { reason: explainDiscordError(error), error },
    );
  }
}
