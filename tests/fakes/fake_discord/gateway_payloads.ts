import { type GatewaySession, guildOnShard } from "./gateway_session.ts";
import { buttonIds } from "./component_rules.ts";
import {
  channelObject,
  type Json,
  memberObject,
  memberPermissions,
  messageObject,
  userObject,
} from "./payloads.ts";
import type { FakeInteraction } from "./types.ts";
import type { FakeWorld } from "./world.ts";

/** The READY `d` for a session: the bot user, its guilds (unavailable), the resume URL. */
export function readyPayload(
  world: FakeWorld,
  session: GatewaySession,
  gatewayUrl: string,
): Json {
  return {
    v: 10,
    user: {
      ...userObject(world.bot),
      verified: true,
      mfa_enabled: false,
      email: null,
    },
    guilds: [...world.guilds.keys()]
      .filter((id) => guildOnShard(id, session.shard))
      .map((id) => ({ id, unavailable: true })),
    session_id: session.id,
    session_type: "normal",
    resume_gateway_url: gatewayUrl,
    shard: session.shard,
    application: { id: world.applicationId, flags: 1 << 19 },
    private_channels: [],
    relationships: [],
    presences: [],
    guild_join_requests: [],
    user_settings: {},
    geo_ordered_rtc_regions: ["fake"],
    _trace: ['["fake-gateway"]'],
  };
}

/** One option of a dispatched command: a value, or `focused` for autocomplete. */
export interface InteractionOptionSpec {
  name: string;
  /** Option type: 3 string (default), 4 integer, 5 boolean, 6 user, 10 number… */
  type?: number;
  value: string | number | boolean;
  focused?: boolean;
}

/** A slash command (or its autocomplete) invoked by a user in a channel. */
export interface InteractionSpec {
  channelId: string;
  userId: string;
  commandName: string;
  options?: InteractionOptionSpec[];
  /** 2 application command (default) or 4 autocomplete. */
  type?: number;
  /** Attachment objects by id, sent as `data.resolved.attachments` (type 11 options). */
  resolvedAttachments?: Record<string, Json>;
}

/** A user presses a button on a message. */
export interface ButtonPressSpec {
  messageId: string;
  customId: string;
  userId: string;
}

/**
 * Stores a button press (a MESSAGE_COMPONENT interaction, type 3) and builds its
 * INTERACTION_CREATE `d`, with the message the button is on. Like Discord, only a button that
 * is on the live message can be pressed, and only on a message the application sent.
 */
export function createButtonInteraction(
  world: FakeWorld,
  spec: ButtonPressSpec,
): { interaction: FakeInteraction; payload: Json } {
  const message = world.messages.get(spec.messageId);
  if (!message || message.deleted) {
    throw new Error(`Cannot press a button: message ${spec.messageId} is gone`);
  }
  if (!buttonIds(message.components).includes(spec.customId)) {
    throw new Error(
      `Cannot press "${spec.customId}": message ${spec.messageId} has buttons ${
        JSON.stringify(buttonIds(message.components))
      }`,
    );
  }
  const { interaction, payload } = createInteraction(world, {
    channelId: message.channelId,
    userId: spec.userId,
    commandName: "",
    type: 3,
  });
  interaction.messageId = message.id;
  interaction.customId = spec.customId;
  payload.data = { custom_id: spec.customId, component_type: 2 };
  payload.message = messageObject(message, world);
  return { interaction, payload };
}

/**
 * Stores a new interaction in the world (the deadline counts from now) and builds its
 * INTERACTION_CREATE `d`: in a guild with `member` (roles, permissions), in a DM with `user`.
 */
export function createInteraction(
  world: FakeWorld,
  spec: InteractionSpec,
): { interaction: FakeInteraction; payload: Json } {
  const channel = world.channels.get(spec.channelId);
  if (!channel) {
    throw new Error(
      `Cannot dispatch an interaction: channel ${spec.channelId} is unknown`,
    );
  }
  const user = world.users.get(spec.userId);
  if (!user) {
    throw new Error(
      `Cannot dispatch an interaction: user ${spec.userId} is unknown`,
    );
  }
  const guild = channel.guildId ? world.guilds.get(channel.guildId) : undefined;
  const command = [
    ...(world.commands.get(guild?.id ?? "") ?? []),
    ...(world.commands.get("global") ?? []),
  ]
    .find((c) => c.name === spec.commandName);
  const interaction: FakeInteraction = {
    id: world.ids.next(),
    token: `aW50ZXJhY3Rpb24.${crypto.randomUUID().replaceAll("-", "")}`,
    type: spec.type ?? 2,
    channelId: channel.id,
    guildId: guild?.id ?? null,
    userId: user.id,
    commandName: spec.commandName,
    dispatchedAt: world.clock.now(),
    response: null,
    originalMessageId: null,
    followUpIds: [],
  };
  world.interactions.set(interaction.id, interaction);
  const options = (spec.options ?? []).map((o) => ({
    name: o.name,
    type: o.type ?? 3,
    value: o.value,
    ...(o.focused ? { focused: true } : {}),
  }));
  const payload: Json = {
    id: interaction.id,
    application_id: world.applicationId,
    type: interaction.type,
    token: interaction.token,
    version: 1,
    data: {
      id: command?.id ?? world.ids.next(),
      name: spec.commandName,
      type: 1,
      ...(options.length > 0 ? { options } : {}),
      ...(spec.resolvedAttachments
        ? { resolved: { attachments: spec.resolvedAttachments } }
        : {}),
      ...(guild && command?.guild_id ? { guild_id: guild.id } : {}),
    },
    channel_id: channel.id,
    channel: channelObject(channel, world),
    locale: "en-US",
    app_permissions: guild ? memberPermissions(guild, world.bot.id) : "0",
    entitlements: [],
    attachment_size_limit: 10_485_760,
    authorizing_integration_owners: guild
      ? { "0": guild.id }
      : { "1": user.id },
    context: guild ? 0 : 1,
  };
  if (guild) {
    payload.guild_id = guild.id;
    payload.guild = { id: guild.id, locale: "en-US", features: [] };
    payload.guild_locale = "en-US";
    payload.member = {
      ...memberObject(guild, user.id),
      user: userObject(user),
      permissions: memberPermissions(guild, user.id),
    };
  } else {
    payload.user = userObject(user);
  }
  return { interaction, payload };
}
