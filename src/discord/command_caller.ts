/**
 * Who ran a slash command and where, and the options it was given, read
 * from an interaction.
 *
 * @module
 */

import type { CommandCaller } from "../pipeline/commands/conversation_commands.ts";
import type { ChannelDirectory } from "./channel_directory.ts";
import type { GatewayInteraction } from "./interaction_types.ts";
import { list, record, snowflake, snowflakes } from "./gateway_values.ts";

/** The string value of a command option, or undefined. */
export function option(
  interaction: GatewayInteraction,
  name: string,
): string | undefined {
  const value = list(record(interaction.data)?.options).map(record).find((o) =>
    o?.name === name
  )?.value;
  return typeof value === "string" ? value : undefined;
}

/** Who ran a command and where, or null when the interaction lacks the ids. */
export async function callerOf(
  interaction: GatewayInteraction,
  directory: ChannelDirectory,
): Promise<CommandCaller | null> {
  const member = record(interaction.member);
  const user = record(member?.user) ?? record(interaction.user);
  const channel_id = snowflake(interaction.channelId);
  const user_id = snowflake(user?.id);
  const guild_id = interaction.guildId == null
    ? ""
    : snowflake(interaction.guildId);
  // Without real ids the command would act on (and store under) "undefined".
  if (
    channel_id === undefined || user_id === undefined || guild_id === undefined
  ) return null;
  const channel = guild_id === "" ? null : await directory.resolve(channel_id);
  return {
    channel_id,
    parent_channel_id: channel?.is_thread ? channel.parent_id : "",
    guild_id,
    user_id,
    role_ids: snowflakes(member?.roles),
  };
}
