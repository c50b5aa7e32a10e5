/**
 * Reading Discordeno's gateway payloads: the roles Discord manages for the
 * bot, and channels as the channel directory keeps them.
 *
 * @module
 */

import { isThreadType } from "./channel_directory.ts";
import type { ChannelInfo } from "./channel_directory.ts";

/** The bot's managed roles (tags.bot_id is the bot) in a raw GUILD_CREATE or GUILD_ROLE_* payload. */
export function botRolesIn(
  data: { t?: string | null; d?: unknown },
  bot_id: string,
): [string, string][] {
  const d = data.d as
    | {
      id?: unknown;
      guild_id?: unknown;
      roles?: unknown;
      role?: unknown;
    }
    | null
    | undefined;
  if (d === null || d === undefined || typeof d !== "object") return [];
  let guild: unknown;
  let roles: unknown[];
  if (data.t === "GUILD_CREATE") {
    guild = d.id;
    roles = Array.isArray(d.roles) ? d.roles : [];
  } else if (data.t === "GUILD_ROLE_CREATE" || data.t === "GUILD_ROLE_UPDATE") {
    guild = d.guild_id;
    roles = [d.role];
  } else return [];
  if (typeof guild !== "string") return [];
  return roles.flatMap((role) => {
    const r = role as { id?: unknown; tags?: { bot_id?: unknown } } | null;
    return typeof r?.id === "string" && r.tags?.bot_id === bot_id
      ? [[guild, r.id] as [string, string]]
      : [];
  });
}

/** The channel fields the bot reads. */
export interface ChannelLike {
  id: bigint;
  type?: number;
  name?: string;
  guildId?: bigint;
  parentId?: bigint;
  ownerId?: bigint;
  archived?: boolean;
}

/** A channel (or thread) as the directory keeps it. */
export function channelInfo(
  channel: ChannelLike,
  guild_id?: bigint,
): ChannelInfo {
  return {
    id: String(channel.id),
    name: channel.name ?? "",
    guild_id: String(channel.guildId ?? guild_id ?? ""),
    parent_id: channel.parentId === undefined ? "" : String(channel.parentId),
    is_thread: isThreadType(channel.type),
    owner_id: channel.ownerId === undefined ? "" : String(channel.ownerId),
    archived: channel.archived === true,
  };
}
