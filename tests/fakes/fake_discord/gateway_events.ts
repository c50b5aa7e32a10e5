import { type GatewaySession, guildOnShard } from "./gateway_session.ts";
import { type Json, messageObject } from "./payloads.ts";
import { Intents } from "./types.ts";
import type { FakeMessage } from "./types.ts";
import type { FakeWorld } from "./world.ts";

/**
 * Whether a session receives events of a guild (or of DMs when `guildId` is null): the guild
 * must be on the session's shard (DMs go to shard 0) and the session must have the intent.
 */
export function sessionSees(
  session: GatewaySession,
  guildId: string | null,
  intent: number | null,
): boolean {
  const onShard = guildId === null
    ? session.shard[0] === 0
    : guildOnShard(guildId, session.shard);
  return onShard && (intent === null || (session.intents & intent) !== 0);
}

/**
 * MESSAGE_CREATE / MESSAGE_UPDATE data for one session, or undefined when the session lacks
 * GUILD_MESSAGES (guild) or DIRECT_MESSAGES (DM). Without MESSAGE_CONTENT, content, embeds and
 * attachments are emptied unless the message is a DM, the bot's own, or mentions the bot.
 */
export function messageEventFor(
  world: FakeWorld,
  message: FakeMessage,
  session: GatewaySession,
): Json | undefined {
  const inGuild = message.guildId !== null;
  const intent = inGuild ? Intents.GuildMessages : Intents.DirectMessages;
  if (!sessionSees(session, message.guildId, intent)) return undefined;
  const botId = world.bot.id;
  const replied = message.replyToId
    ? world.messages.get(message.replyToId)
    : undefined;
  const mentionsBot = message.pings.users.includes(botId) ||
    (message.pings.repliedUser && replied?.authorId === botId);
  const hideContent = inGuild &&
    (session.intents & Intents.MessageContent) === 0 &&
    message.authorId !== botId && !mentionsBot;
  return messageObject(message, world, { forGateway: true, hideContent });
}

/** MESSAGE_DELETE data for one session, or undefined when the session does not see it. */
export function messageDeleteFor(
  message: FakeMessage,
  session: GatewaySession,
): Json | undefined {
  const intent = message.guildId !== null
    ? Intents.GuildMessages
    : Intents.DirectMessages;
  if (!sessionSees(session, message.guildId, intent)) return undefined;
  return {
    id: message.id,
    channel_id: message.channelId,
    ...(message.guildId ? { guild_id: message.guildId } : {}),
  };
}
