/**
 * Turns a gateway message (as Discordeno hands it, ids as bigint) into the
 * transport-neutral `IncomingMessage`: ids become strings, the display name
 * is worked out (server nickname, global name, username), the bot's mention
 * and a reply to the bot are detected, and a thread's parent is looked up.
 * A mention of the bot's managed role (`<@&ROLE>`, the role Discord gives
 * the bot in each server) counts as a mention of the bot and is rewritten
 * as one. System messages (joins, pins, boosts… any type but a default
 * message or a reply) are refused, as is a message missing what the bot
 * needs: with a reason, never thrown.
 *
 * @module
 */

import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import { messageAttachments } from "./attachment_mapping.ts";
import type { GatewayAttachment, GatewayEmbed } from "./attachment_mapping.ts";
import type { ChannelDirectory } from "./channel_directory.ts";
import { list, record, snowflake, snowflakes, text } from "./gateway_values.ts";

/** The user fields read from a gateway payload. */
export interface GatewayUser {
  id: bigint;
  username?: string;
  globalName?: string;
  bot?: boolean;
}

/** The fields of a gateway message the bot reads (all declared in desiredProperties). */
export interface GatewayMessage {
  id: bigint;
  channelId: bigint;
  guildId?: bigint;
  content?: string;
  author?: GatewayUser;
  member?: { nick?: string; roles?: bigint[] };
  mentions?: GatewayUser[];
  webhookId?: bigint;
  /** Discord's message type: 0 default, 19 reply; the rest are system messages. */
  type?: number;
  mentionedRoleIds?: bigint[];
  timestamp?: number;
  messageReference?: { messageId?: bigint };
  referencedMessage?: {
    id?: bigint;
    content?: string;
    author?: GatewayUser;
    webhookId?: bigint;
    applicationId?: bigint;
  };
  attachments?: GatewayAttachment[];
  embeds?: GatewayEmbed[];
}

/** Message types that are something a person wrote: default (0) and reply (19). */
const USER_MESSAGE_TYPES = new Set([0, 19]);

/** The display name Discord shows for a user in a server. */
export function displayName(user: GatewayUser, nick?: string): string {
  return text(nick) || text(user.globalName) || text(user.username) ||
    "someone";
}

/** The mapping result: a message, or why none could be made. */
export type MappedMessage = { ok: true; message: IncomingMessage } | {
  ok: false;
  reason: string;
};

/** Maps a gateway message; see the module doc. */
export async function toIncomingMessage(
  raw: GatewayMessage,
  bot_user_id: string,
  directory: ChannelDirectory,
): Promise<MappedMessage> {
  const id = snowflake(raw.id);
  const channel_id = snowflake(raw.channelId);
  if (id === undefined || channel_id === undefined) {
    return { ok: false, reason: "no message or channel id" };
  }
  const author = record(raw.author) as GatewayUser | undefined;
  const author_id = snowflake(author?.id);
  if (author === undefined || author_id === undefined) {
    return { ok: false, reason: "no author" };
  }
  // A server id that is not one must not turn the message into a DM.
  const guild_id = raw.guildId === undefined || raw.guildId === null
    ? ""
    : snowflake(raw.guildId);
  if (guild_id === undefined) return { ok: false, reason: "a bad server id" };
  const type = typeof raw.type === "number" ? raw.type : 0;
  if (!USER_MESSAGE_TYPES.has(type)) {
    return { ok: false, reason: `a system message (type ${type})` };
  }
  let content = text(raw.content);
  // The bot's managed role stands for the bot: treat its mention as the bot's own.
  for (const role of guild_id === "" ? [] : directory.botRoles(guild_id)) {
    const mentioned = content.includes(`<@&${role}>`) ||
      list(raw.mentionedRoleIds).some((id) => snowflake(id) === role);
    if (!mentioned) continue;
    content = content.includes(`<@&${role}>`)
      ? content.replaceAll(`<@&${role}>`, `<@${bot_user_id}>`)
      : `<@${bot_user_id}> ${content}`;
  }
  const member = record(raw.member);
  const mentions_bot =
    list(raw.mentions).some((user) =>
      snowflake(record(user)?.id) === bot_user_id
    ) ||
    content.includes(`<@${bot_user_id}>`) ||
    content.includes(`<@!${bot_user_id}>`);
  const channel = guild_id === "" ? null : await directory.resolve(channel_id);
  const referenced = record(raw.referencedMessage);
  const referencedAuthor = record(referenced?.author) as
    | GatewayUser
    | undefined;
  const replyId = snowflake(record(raw.messageReference)?.messageId) ??
    snowflake(referenced?.id);
  // A persona's message, posted through the bot's own webhook, is the bot's.
  const byOwnWebhook = referenced?.webhookId !== undefined &&
    referenced.webhookId !== null &&
    snowflake(referenced.applicationId) === bot_user_id;
  return {
    ok: true,
    message: {
      id,
      channel_id,
      parent_channel_id: channel?.is_thread ? channel.parent_id : "",
      ...(channel?.is_thread === true && channel.owner_id === bot_user_id
        ? { in_own_thread: true }
        : {}),
      guild_id,
      guild_name: guild_id === "" ? "" : directory.guildName(guild_id),
      channel_name: channel?.name ?? "",
      author: {
        id: author_id,
        display_name: displayName(author, text(member?.nick)),
        is_bot: author.bot === true,
        is_webhook: raw.webhookId !== undefined && raw.webhookId !== null,
        role_ids: snowflakes(member?.roles),
      },
      content,
      mentions_bot,
      reply_to: replyId === undefined ? null : {
        message_id: replyId,
        author_id: byOwnWebhook
          ? bot_user_id
          : snowflake(referencedAuthor?.id) ?? "",
        author_name: referencedAuthor ? displayName(referencedAuthor) : "",
        content: text(referenced?.content),
      },
      attachments: messageAttachments(raw.attachments, raw.embeds),
      created_at: typeof raw.timestamp === "number" &&
          Number.isFinite(raw.timestamp)
        ? raw.timestamp
        : Date.now(),
    },
  };
}
