import { ChannelType, type FakeMessage, type FakeUserSpec } from "./types.ts";
import type { FakeChannel, FakeGuild, FakeWorld } from "./world.ts";

/** A JSON object as sent over the wire. */
export type Json = Record<string, unknown>;

const ADMINISTRATOR = "8";

/** Discord's user object for a fake user. */
export function userObject(user: FakeUserSpec): Json {
  return {
    id: user.id,
    username: user.username,
    discriminator: "0",
    global_name: user.globalName ?? null,
    avatar: null,
    bot: user.bot ?? false,
    system: false,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

/** Discord's guild member object (without `user`, as in MESSAGE_CREATE) for a user in a guild. */
export function memberObject(guild: FakeGuild, userId: string): Json {
  return {
    roles: guild.memberRoles.get(userId) ?? [],
    nick: null,
    avatar: null,
    banner: null,
    joined_at: new Date(guild.joinedAt).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
  };
}

/** The permissions a member has: the union of its roles' (and `@everyone`'s) bits, as a string. */
export function memberPermissions(guild: FakeGuild, userId: string): string {
  if (guild.ownerId === userId) return (2n ** 53n - 1n).toString();
  const roleIds = new Set([guild.id, ...(guild.memberRoles.get(userId) ?? [])]);
  let bits = 0n;
  for (const role of guild.roles) {
    if (roleIds.has(role.id)) bits |= BigInt(role.permissions ?? "0");
  }
  return (bits & BigInt(ADMINISTRATOR)) !== 0n
    ? (2n ** 53n - 1n).toString()
    : bits.toString();
}

/** Discord's channel object for a channel, thread or DM. */
export function channelObject(channel: FakeChannel, world: FakeWorld): Json {
  if (channel.type === ChannelType.Dm) {
    const recipient = world.users.get(channel.recipientId ?? "");
    return {
      id: channel.id,
      type: channel.type,
      last_message_id: null,
      flags: 0,
      recipients: recipient ? [userObject(recipient)] : [],
    };
  }
  const base: Json = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    parent_id: channel.parentId,
    last_message_id: null,
    rate_limit_per_user: 0,
    flags: 0,
  };
  if (channel.parentId === null) {
    return {
      ...base,
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      topic: null,
    };
  }
  const created = new Date(world.clock.now()).toISOString();
  return {
    ...base,
    owner_id: channel.ownerId ?? null,
    member_count: 1,
    message_count: 0,
    total_message_sent: 0,
    thread_metadata: {
      archived: channel.archived ?? false,
      auto_archive_duration: 1440,
      archive_timestamp: created,
      locked: channel.locked ?? false,
      create_timestamp: created,
    },
  };
}

/** Discord's role object. */
function roleObject(role: FakeGuild["roles"][number], position: number): Json {
  return {
    id: role.id,
    name: role.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: role.permissions ?? "0",
    managed: role.botId !== undefined,
    mentionable: false,
    flags: 0,
    ...(role.botId === undefined ? {} : { tags: { bot_id: role.botId } }),
  };
}

/** The GUILD_CREATE payload for a guild: channels, threads, roles and the bot's member entry. */
export function guildCreatePayload(guild: FakeGuild, world: FakeWorld): Json {
  const channels = world.channelsOf(guild.id);
  const members = [...guild.memberRoles.keys()].flatMap((userId) => {
    const user = world.users.get(userId);
    return user
      ? [{ ...memberObject(guild, userId), user: userObject(user) }]
      : [];
  });
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: "en-US",
    features: [],
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    joined_at: new Date(guild.joinedAt).toISOString(),
    large: false,
    unavailable: false,
    member_count: members.length,
    roles: guild.roles.map((role, i) => roleObject(role, i)),
    emojis: [],
    stickers: [],
    members,
    channels: channels.filter((c) => c.parentId === null).map((c) => {
      const { guild_id: _omitted, ...rest } = channelObject(c, world);
      return rest;
    }),
    threads: channels.filter((c) => c.parentId !== null).map((c) =>
      channelObject(c, world)
    ),
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/**
 * Discord's message object. `forGateway` adds `guild_id` and `member` as MESSAGE_CREATE does;
 * `hideContent` empties content, embeds and attachments as Discord does for a bot without the
 * Message Content intent; `nested` leaves out `referenced_message` (Discord nests one level).
 */
export function messageObject(
  message: FakeMessage,
  world: FakeWorld,
  options: { forGateway?: boolean; hideContent?: boolean; nested?: boolean } =
    {},
): Json {
  const author: FakeUserSpec = message.webhookName !== undefined
    ? { id: message.authorId, username: message.webhookName, bot: true }
    : world.users.get(message.authorId) ??
      { id: message.authorId, username: "ghost" };
  const hide = options.hideContent ?? false;
  const replied = message.replyToId
    ? world.messages.get(message.replyToId)
    : undefined;
  const mentionIds = [...message.pings.users];
  if (
    message.pings.repliedUser && replied &&
    !mentionIds.includes(replied.authorId)
  ) {
    mentionIds.push(replied.authorId);
  }
  const json: Json = {
    id: message.id,
    type: message.replyToId ? 19 : 0,
    channel_id: message.channelId,
    author: userObject(author),
    content: hide ? "" : message.content,
    timestamp: new Date(message.createdAt).toISOString(),
    edited_timestamp: message.editedAt === null
      ? null
      : new Date(message.editedAt).toISOString(),
    tts: false,
    mention_everyone: message.pings.everyone,
    mentions: mentionIds.flatMap((id) => {
      const user = world.users.get(id);
      return user ? [userObject(user)] : [];
    }),
    mention_roles: message.pings.roles,
    attachments: hide ? [] : message.attachments,
    embeds: hide ? [] : message.embeds,
    components: hide ? [] : message.components,
    pinned: false,
    flags: message.flags,
  };
  if (message.webhookId) json.webhook_id = message.webhookId;
  if (message.applicationId) json.application_id = message.applicationId;
  if (message.replyToId) {
    json.message_reference = {
      type: 0,
      message_id: message.replyToId,
      channel_id: message.channelId,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
    };
    // Discord nests one level only: a referenced message has no referenced_message.
    if (!options.nested) {
      json.referenced_message = replied && !replied.deleted
        ? messageObject(replied, world, { nested: true })
        : null;
    }
  }
  if (options.forGateway && message.guildId) {
    json.guild_id = message.guildId;
    const guild = world.guilds.get(message.guildId);
    if (guild) json.member = memberObject(guild, message.authorId);
  }
  return json;
}
