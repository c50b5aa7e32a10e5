/**
 * Turns a gateway message (as Discordeno hands it, ids as bigint) into the
 * transport-neutral `IncomingMessage`: ids become strings, the display name
 * is worked out (server nickname, global name, username), the bot's mention
 * and a reply to the bot are detected, and a thread's parent is looked up.
 * A message missing what the bot needs is refused with a reason, not thrown.
 *
 * @module
 */

import type { IncomingMessage } from "../pipeline/incoming_message.ts";
import type { ChannelDirectory } from "./channel_directory.ts";

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
  timestamp?: number;
  messageReference?: { messageId?: bigint };
  referencedMessage?: { id?: bigint; content?: string; author?: GatewayUser };
}

/** The display name Discord shows for a user in a server. */
export function displayName(user: GatewayUser, nick?: string): string {
  return nick || user.globalName || user.username || "someone";
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
  if (typeof raw.id !== "bigint" || typeof raw.channelId !== "bigint") {
    return { ok: false, reason: "no message or channel id" };
  }
  const author = raw.author;
  if (author === undefined || typeof author.id !== "bigint") {
    return { ok: false, reason: "no author" };
  }
  const channel_id = String(raw.channelId);
  const guild_id = raw.guildId === undefined ? "" : String(raw.guildId);
  const content = typeof raw.content === "string" ? raw.content : "";
  const mentions_bot =
    (raw.mentions ?? []).some((user) => String(user.id) === bot_user_id) ||
    content.includes(`<@${bot_user_id}>`) ||
    content.includes(`<@!${bot_user_id}>`);
  const channel = guild_id === "" ? null : await directory.resolve(channel_id);
  const referenced = raw.referencedMessage;
  const replyId = raw.messageReference?.messageId ?? referenced?.id;
  return {
    ok: true,
    message: {
      id: String(raw.id),
      channel_id,
      parent_channel_id: channel?.is_thread ? channel.parent_id : "",
      guild_id,
      guild_name: guild_id === "" ? "" : directory.guildName(guild_id),
      channel_name: channel?.name ?? "",
      author: {
        id: String(author.id),
        display_name: displayName(author, raw.member?.nick),
        is_bot: author.bot === true,
        is_webhook: raw.webhookId !== undefined,
        role_ids: (raw.member?.roles ?? []).map(String),
      },
      content,
      mentions_bot,
      reply_to: replyId === undefined ? null : {
        message_id: String(replyId),
        author_id: referenced?.author ? String(referenced.author.id) : "",
        author_name: referenced?.author ? displayName(referenced.author) : "",
        content: referenced?.content ?? "",
      },
      created_at: typeof raw.timestamp === "number"
        ? raw.timestamp
        : Date.now(),
    },
  };
}
