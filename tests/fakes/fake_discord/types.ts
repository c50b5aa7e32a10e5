import type { FakeFileSpec } from "./cdn.ts";

/** Gateway intent bits the fake understands (Discord's values). */
export const Intents = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  DirectMessages: 1 << 12,
  MessageContent: 1 << 15,
} as const;

/** Every intent bit Discord defines today: bits 0–16, 20, 21, 24 and 25. */
export const ALL_KNOWN_INTENTS = (1 << 17) - 1 + (1 << 20) + (1 << 21) +
  (1 << 24) + (1 << 25);

/** The privileged intents (need a switch in the Developer Portal). */
export const PRIVILEGED_INTENTS = Intents.GuildMembers |
  Intents.GuildPresences |
  Intents.MessageContent;

/** Channel types used by the fake (Discord's values). */
export const ChannelType = {
  GuildText: 0,
  Dm: 1,
  GuildAnnouncement: 5,
  AnnouncementThread: 10,
  PublicThread: 11,
  PrivateThread: 12,
} as const;

/** A user known to the fake (someone who can write messages or run commands). */
export interface FakeUserSpec {
  id: string;
  username: string;
  bot?: boolean;
  globalName?: string;
}

/** A guild text channel; `sendable: false` makes the bot's sends fail with 403 Missing Permissions. */
export interface FakeChannelSpec {
  id: string;
  name?: string;
  type?: number;
  sendable?: boolean;
}

/** A thread under a channel of the same guild. */
export interface FakeThreadSpec {
  id: string;
  parentId: string;
  name?: string;
  type?: number;
  /** Who created it; default the first user who is not the bot. */
  ownerId?: string;
}

/** A role of a guild. Permissions are a decimal bit string like Discord's. */
export interface FakeRoleSpec {
  id: string;
  name: string;
  permissions?: string;
  /** Set to the bot's id for the role Discord manages for a bot (`managed`, `tags.bot_id`). */
  botId?: string;
}

/** A guild the bot is in, sent to the bot in GUILD_CREATE after READY. */
export interface FakeGuildSpec {
  id: string;
  name?: string;
  ownerId?: string;
  channels?: FakeChannelSpec[];
  threads?: FakeThreadSpec[];
  roles?: FakeRoleSpec[];
  /** Role ids per user id (the bot's own roles too, under the bot's id). */
  memberRoles?: Record<string, string[]>;
}

/** A direct-message channel between the bot and `recipientId`. */
export interface FakeDmChannelSpec {
  id: string;
  recipientId: string;
}

/** A message a user writes in a channel, dispatched as MESSAGE_CREATE. */
export interface UserMessageSpec {
  channelId: string;
  content: string;
  /** Default: the first configured user. */
  authorId?: string;
  /** Reply to this message id (stored with a message_reference). */
  replyTo?: string;
  /** Whether the reply pings the replied-to author (default true, Discord's client default). */
  pingRepliedUser?: boolean;
  embeds?: unknown[];
  /** Posts the message as this webhook (author is a bot-flagged webhook user). */
  webhookId?: string;
  /** Files attached to the message, served by the fake's CDN. */
  attachments?: FakeFileSpec[];
}

/** A message stored by the fake, from a user (dispatched) or from the bot (REST). */
export interface FakeMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  /** The current content, after every edit. */
  content: string;
  /** Every content the message had, oldest first (the last one equals `content`). */
  contentHistory: string[];
  embeds: unknown[];
  attachments: unknown[];
  /** Action rows of buttons (Discord's JSON), as last sent or edited. */
  components: unknown[];
  flags: number;
  /** The replied-to message id, when this message is a reply that Discord accepted. */
  replyToId: string | null;
  /** `allowed_mentions` as the sender gave it (null when absent). */
  allowedMentions: unknown;
  /** Who this message would ping given its content and `allowed_mentions`. */
  pings: MessagePings;
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
  /** Set when the message is an interaction response or follow-up. */
  interactionId: string | null;
  /** Set when a webhook posted the message (the author is then the webhook). */
  webhookId: string | null;
  /** The name and avatar a webhook message was posted under. */
  webhookName?: string;
  webhookAvatarUrl?: string | null;
  /** The application that owns the webhook (or interaction) that posted it. */
  applicationId?: string | null;
  ephemeral: boolean;
  /** The enforced nonce it was created with (see `enforce_nonce`), if any. */
  nonce?: string;
}

/** Who a message notifies. */
export interface MessagePings {
  everyone: boolean;
  users: string[];
  roles: string[];
  /** Whether the author of the replied-to message is pinged. */
  repliedUser: boolean;
}

/** A slash-command or autocomplete interaction the fake dispatched. */
export interface FakeInteraction {
  id: string;
  token: string;
  type: number;
  channelId: string;
  guildId: string | null;
  userId: string;
  commandName: string;
  /** For a button press (type 3): the message the button is on and its custom id. */
  messageId?: string;
  customId?: string;
  dispatchedAt: number;
  /** The callback the bot sent: its time, response type and data; null until acknowledged. */
  response: { at: number; type: number; data: unknown } | null;
  originalMessageId: string | null;
  followUpIds: string[];
}

/** One REST request as the fake received and answered it. */
export interface RestRecord {
  time: number;
  method: string;
  /** The path after `/api/v10`, query string removed. */
  path: string;
  /** The matched route template, e.g. `POST /channels/{channel}/messages`, or null when unknown. */
  route: string | null;
  channelId: string | null;
  body: unknown;
  status: number;
  /** The Discord JSON error code sent, when the answer was an error with one. */
  errorCode: number | null;
  authorized: boolean;
  /** Whether the answer came from an injected failure (`failNext`). */
  injected: boolean;
}

/** One frame the gateway received from a client. */
export interface GatewayRecord {
  time: number;
  connectionId: number;
  sessionId: string | null;
  /** The parsed payload, or null when the frame was not valid JSON. */
  payload: { op?: unknown; d?: unknown; [key: string]: unknown } | null;
  raw: string;
}
