/**
 * Turns a component interaction from the gateway (Discordeno's shape, ids
 * as bigint) into a `ButtonPress`: who pressed which of the bot's buttons
 * on which message. Anything that is not a button press of ours is null.
 *
 * @module
 */

import { record, snowflake, snowflakes } from "../gateway_values.ts";
import type { GatewayInteraction } from "../slash_commands.ts";
import type { ButtonPress } from "./button_router.ts";
import { parseCustomId } from "./custom_id.ts";

/** Discord's interaction type of a component press. */
export const MESSAGE_COMPONENT = 3;
/** Discord's component type of a button. */
const BUTTON = 2;

/** The press, or null when the interaction is not a press of one of the bot's buttons. */
export function toButtonPress(
  interaction: GatewayInteraction,
): ButtonPress | null {
  if (interaction.type !== MESSAGE_COMPONENT) return null;
  const data = record(interaction.data);
  if (data?.componentType !== undefined && data.componentType !== BUTTON) {
    return null;
  }
  const custom_id = parseCustomId(data?.customId);
  const member = record(interaction.member);
  const user = record(member?.user) ?? record(interaction.user);
  const user_id = snowflake(user?.id);
  const channel_id = snowflake(interaction.channelId);
  const message_id = snowflake(record(interaction.message)?.id);
  const message_webhook_id = snowflake(record(interaction.message)?.webhookId);
  const guild_id = interaction.guildId == null
    ? ""
    : snowflake(interaction.guildId);
  if (
    custom_id === null || user_id === undefined || channel_id === undefined ||
    message_id === undefined || guild_id === undefined
  ) return null;
  return {
    interaction_id: String(interaction.id),
    token: interaction.token,
    custom_id,
    user_id,
    role_ids: snowflakes(member?.roles),
    guild_id,
    channel_id,
    message_id,
    ...(message_webhook_id === undefined ? {} : { message_webhook_id }),
  };
}
