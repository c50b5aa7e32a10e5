/**
 * A user's roles across the servers the bot is bound in, for judging the
 * access of a direct message.
 *
 * @module
 */

import type { Config } from "../config/config_types.ts";
import type { Logger } from "../log/logging.ts";
import type { ChannelDirectory } from "./channel_directory.ts";
import type { DiscordClient } from "./discordeno_client.ts";

/** What looking up a user's roles needs. */
export interface MemberRolesDeps {
  config: () => Config;
  directory: ChannelDirectory;
  client: Pick<DiscordClient, "fetchMemberRoles">;
  logger: Logger;
}

/**
 * A user's roles in every bound server together (for judging DMs): `[]`
 * when they are in none, null when a lookup failed.
 */
export async function memberRoles(
  deps: MemberRolesDeps,
  user_id: string,
): Promise<string[] | null> {
  const config = deps.config();
  const guilds = new Set<string>();
  for (const binding of config.bindings) {
    if (binding.guild !== undefined) guilds.add(binding.guild);
    for (const channel of binding.channels ?? []) {
      const info = await deps.directory.resolve(channel);
      if (info === null) return null; // its server is unknown: so are the roles
      if (info.guild_id !== "") guilds.add(info.guild_id);
    }
  }
  try {
    const roles = await Promise.all(
      [...guilds].map((guild) => deps.client.fetchMemberRoles(guild, user_id)),
    );
    return [...new Set(roles.flat())];
  } catch (error) {
    deps.logger.warn(
      "Could not look up the roles of user {user} for a DM: {error}",
      { user: user_id, error },
    );
    return null;
  }
}
