import type { FakeClock } from "./clock.ts";
import { computePings } from "./message_rules.ts";
import type { SnowflakeGenerator } from "./snowflake.ts";
import {
  ChannelType,
  type FakeDmChannelSpec,
  type FakeGuildSpec,
  type FakeInteraction,
  type FakeMessage,
  type FakeRoleSpec,
  type FakeThreadSpec,
  type FakeUserSpec,
  type UserMessageSpec,
} from "./types.ts";

/** A channel, thread or DM as the fake knows it. */
export interface FakeChannel {
  id: string;
  type: number;
  name: string;
  guildId: string | null;
  parentId: string | null;
  recipientId: string | null;
  sendable: boolean;
  /** A thread's creator (the bot for threads it opened); null for other channels. */
  ownerId?: string | null;
  /** A thread is archived (hidden, unarchived by the next message unless locked). */
  archived?: boolean;
  /** An archived thread only moderators may unarchive. */
  locked?: boolean;
}

/** A channel webhook (type 1, incoming) as the fake knows it. */
export interface FakeWebhook {
  id: string;
  token: string;
  channelId: string;
  guildId: string;
  name: string;
  /** The user that created it (the bot when the bot did). */
  creatorId: string;
  /** The application that created it, or null for one made by a person. */
  applicationId: string | null;
}

/** A guild as the fake knows it. */
export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  roles: FakeRoleSpec[];
  memberRoles: Map<string, string[]>;
  joinedAt: number;
}

/** An application command as stored after a bulk overwrite (Discord's JSON shape). */
export type StoredCommand = Record<string, unknown> & {
  id: string;
  name: string;
  type: number;
};

/** What a new message is made of; the world fills in id, times and pings. */
export interface NewMessage {
  channelId: string;
  authorId: string;
  content: string;
  embeds?: unknown[];
  attachments?: unknown[];
  components?: unknown[];
  flags?: number;
  replyToId?: string | null;
  allowedMentions?: unknown;
  interactionId?: string | null;
  webhookId?: string | null;
  webhookName?: string;
  webhookAvatarUrl?: string | null;
  applicationId?: string | null;
}

/**
 * The fake's model of Discord: users, guilds, channels, messages, commands and interactions.
 * It holds data and answers lookups; the REST and gateway layers enforce the rules.
 */
export class FakeWorld {
  readonly users = new Map<string, FakeUserSpec>();
  readonly guilds = new Map<string, FakeGuild>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage>();
  /** Commands by scope: `"global"` or a guild id. */
  readonly commands = new Map<string, StoredCommand[]>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly webhooks = new Map<string, FakeWebhook>();
  readonly ids: SnowflakeGenerator;
  readonly clock: FakeClock;
  readonly bot: FakeUserSpec;
  readonly applicationId: string;

  /** Creates a world whose bot user is `bot`, owned by application `applicationId`. */
  constructor(
    ids: SnowflakeGenerator,
    clock: FakeClock,
    bot: FakeUserSpec,
    applicationId: string,
  ) {
    this.ids = ids;
    this.clock = clock;
    this.bot = { ...bot, bot: true };
    this.applicationId = applicationId;
    this.users.set(bot.id, this.bot);
  }

  /** Adds (or replaces) a user. */
  addUser(user: FakeUserSpec): FakeUserSpec {
    this.users.set(user.id, user);
    return user;
  }

  /** Adds a guild with its channels, threads and roles; the `@everyone` role is implied. */
  addGuild(spec: FakeGuildSpec): FakeGuild {
    const everyone: FakeRoleSpec = {
      id: spec.id,
      name: "@everyone",
      permissions: "2248473465835073",
    };
    const guild: FakeGuild = {
      id: spec.id,
      name: spec.name ?? `guild ${spec.id}`,
      ownerId: spec.ownerId ??
        [...this.users.keys()].find((id) => id !== this.bot.id) ??
        this.bot.id,
      roles: [everyone, ...(spec.roles ?? []).filter((r) => r.id !== spec.id)],
      memberRoles: new Map(Object.entries(spec.memberRoles ?? {})),
      joinedAt: this.clock.now(),
    };
    if (!guild.memberRoles.has(this.bot.id)) {
      guild.memberRoles.set(this.bot.id, []);
    }
    this.guilds.set(guild.id, guild);
    for (const c of spec.channels ?? []) {
      this.channels.set(c.id, {
        id: c.id,
        type: c.type ?? ChannelType.GuildText,
        name: c.name ?? `channel-${c.id}`,
        guildId: guild.id,
        parentId: null,
        recipientId: null,
        sendable: c.sendable ?? true,
      });
    }
    for (const t of spec.threads ?? []) this.addThread(t);
    return guild;
  }

  /** Adds a thread; its guild is its parent channel's. */
  addThread(spec: FakeThreadSpec): FakeChannel {
    const parent = this.channels.get(spec.parentId);
    if (!parent?.guildId) {
      throw new Error(
        `Cannot add thread ${spec.id}: parent channel ${spec.parentId} is unknown`,
      );
    }
    const thread: FakeChannel = {
      id: spec.id,
      type: spec.type ?? ChannelType.PublicThread,
      name: spec.name ?? `thread-${spec.id}`,
      guildId: parent.guildId,
      parentId: parent.id,
      recipientId: null,
      sendable: parent.sendable,
      ownerId: spec.ownerId ??
        [...this.users.keys()].find((id) => id !== this.bot.id) ?? null,
      archived: false,
      locked: false,
    };
    this.channels.set(thread.id, thread);
    return thread;
  }

  /** Adds a DM channel between the bot and a known user. */
  addDmChannel(spec: FakeDmChannelSpec): FakeChannel {
    if (!this.users.has(spec.recipientId)) {
      throw new Error(
        `Cannot add DM channel ${spec.id}: user ${spec.recipientId} is unknown`,
      );
    }
    const dm: FakeChannel = {
      id: spec.id,
      type: ChannelType.Dm,
      name: "",
      guildId: null,
      parentId: null,
      recipientId: spec.recipientId,
      sendable: true,
    };
    this.channels.set(dm.id, dm);
    return dm;
  }

  /** Channels and threads of a guild. */
  channelsOf(guildId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.guildId === guildId);
  }

  /** Stores a new message and returns it. */
  createMessage(input: NewMessage): FakeMessage {
    const channel = this.channels.get(input.channelId);
    const now = this.clock.now();
    const replyToId = input.replyToId ?? null;
    const message: FakeMessage = {
      id: this.ids.next(),
      channelId: input.channelId,
      guildId: channel?.guildId ?? null,
      authorId: input.authorId,
      content: input.content,
      contentHistory: [input.content],
      embeds: input.embeds ?? [],
      attachments: input.attachments ?? [],
      components: input.components ?? [],
      flags: input.flags ?? 0,
      replyToId,
      allowedMentions: input.allowedMentions ?? null,
      pings: computePings(
        input.content,
        input.allowedMentions,
        replyToId !== null,
      ),
      createdAt: now,
      editedAt: null,
      deleted: false,
      interactionId: input.interactionId ?? null,
      webhookId: input.webhookId ?? null,
      ...(input.webhookName === undefined ? {} : {
        webhookName: input.webhookName,
        webhookAvatarUrl: input.webhookAvatarUrl ?? null,
      }),
      applicationId: input.applicationId ?? null,
      ephemeral: ((input.flags ?? 0) & 64) !== 0,
    };
    this.messages.set(message.id, message);
    return message;
  }

  /** Stores a message written by a user (or a webhook), checking its channel and author. */
  createUserMessage(
    spec: UserMessageSpec,
    defaultAuthorId: string,
    attachments: unknown[] = [],
  ): FakeMessage {
    if (!this.channels.has(spec.channelId)) {
      throw new Error(
        `Cannot send a user message: channel ${spec.channelId} is unknown`,
      );
    }
    if (spec.webhookId && !this.users.has(spec.webhookId)) {
      this.addUser({ id: spec.webhookId, username: "Captain Hook", bot: true });
    }
    const authorId = spec.webhookId ?? spec.authorId ?? defaultAuthorId;
    if (!this.users.has(authorId)) {
      throw new Error(
        `Cannot send a user message: author ${authorId} is unknown`,
      );
    }
    return this.createMessage({
      channelId: spec.channelId,
      authorId,
      content: spec.content,
      embeds: spec.embeds ?? [],
      attachments,
      replyToId: spec.replyTo ?? null,
      allowedMentions: spec.pingRepliedUser === false
        ? { parse: ["users", "roles", "everyone"] }
        : undefined,
      webhookId: spec.webhookId ?? null,
    });
  }

  /** Changes a message's content and/or embeds, recording the edit. */
  editMessage(
    message: FakeMessage,
    content: string,
    embeds: unknown[],
    allowedMentions: unknown,
    components?: unknown[],
  ) {
    if (components !== undefined) message.components = components;
    message.content = content;
    message.contentHistory.push(content);
    message.embeds = embeds;
    if (allowedMentions !== undefined) {
      message.allowedMentions = allowedMentions;
    }
    message.pings = computePings(
      content,
      message.allowedMentions,
      message.replyToId !== null,
    );
    message.editedAt = this.clock.now();
  }

  /** A live (not deleted) message in the given channel, or undefined. */
  liveMessage(channelId: string, messageId: string): FakeMessage | undefined {
    const message = this.messages.get(messageId);
    return message && !message.deleted && message.channelId === channelId
      ? message
      : undefined;
  }

  /** The live messages of a channel in creation order. */
  messagesIn(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) =>
      m.channelId === channelId && !m.deleted
    );
  }

  /** The interaction whose webhook token this is, or undefined. */
  interactionByToken(token: string): FakeInteraction | undefined {
    for (const interaction of this.interactions.values()) {
      if (interaction.token === token) return interaction;
    }
    return undefined;
  }
}
