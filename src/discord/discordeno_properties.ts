/**
 * What the bot asks Discordeno for: every field it reads
 * (`desiredProperties`; Discordeno drops all others) and the gateway
 * intents.
 *
 * @module
 */

import {
  createBot,
  createDesiredPropertiesObject,
  GatewayIntents,
} from "@discordeno/bot";

/** Every field the bot reads; Discordeno drops all others. */
export const desiredProperties = createDesiredPropertiesObject({
  message: {
    id: true,
    content: true,
    channelId: true,
    guildId: true,
    author: true,
    member: true,
    mentions: true,
    messageReference: true,
    referencedMessage: true,
    webhookId: true,
    applicationId: true,
    type: true,
    mentionedRoleIds: true,
    attachments: true,
    embeds: true,
  },
  attachment: {
    id: true,
    filename: true,
    contentType: true,
    size: true,
    url: true,
    proxyUrl: true,
  },
  messageReference: { messageId: true, channelId: true, guildId: true },
  user: { id: true, username: true, globalName: true, toggles: true },
  member: { id: true, nick: true, roles: true, user: true },
  guild: { id: true, name: true, channels: true },
  channel: {
    id: true,
    type: true,
    parentId: true,
    guildId: true,
    name: true,
    ownerId: true,
    threadMetadata: true,
  },
  interaction: {
    id: true,
    type: true,
    token: true,
    data: true,
    channelId: true,
    guildId: true,
    user: true,
    member: true,
    message: true,
  },
});

/** The intents the bot needs: servers, their messages, DMs, and message content. */
export const BOT_INTENTS = GatewayIntents.Guilds |
  GatewayIntents.GuildMessages |
  GatewayIntents.DirectMessages | GatewayIntents.MessageContent;

/**
 * The intents to request: without `message_content` the privileged Message
 * Content intent is left out (Discord then shows the bot the text of server
 * messages only when they mention it; DMs and interactions are unaffected).
 */
export function botIntents(message_content: boolean): number {
  return message_content
    ? BOT_INTENTS
    : BOT_INTENTS & ~GatewayIntents.MessageContent;
}

/** The Discordeno bot as created with {@link desiredProperties}. */
export type DiscordenoBot = ReturnType<
  typeof createBot<typeof desiredProperties>
>;
