import { invalidFormBody } from "./message_rules.ts";
import { channelObject, memberPermissions } from "./payloads.ts";
import {
  Errors,
  fail,
  isRecord,
  ok,
  type RestContext,
  type RestReply,
  type RestRoute,
} from "./rest_types.ts";
import { ChannelType } from "./types.ts";
import type { FakeChannel, FakeWorld } from "./world.ts";

/** The CREATE_PUBLIC_THREADS permission bit. */
export const CREATE_PUBLIC_THREADS = 1n << 35n;
const ARCHIVE_DURATIONS = [60, 1440, 4320, 10080];

/** Whether the bot holds a permission bit in a channel's guild (role permissions, no overwrites). */
export function botHas(
  world: FakeWorld,
  channel: FakeChannel,
  bit: bigint,
): boolean {
  const guild = channel.guildId ? world.guilds.get(channel.guildId) : undefined;
  if (!guild) return false;
  return (BigInt(memberPermissions(guild, world.bot.id)) & bit) !== 0n;
}

/**
 * Makes a thread take a new message: an archived thread is unarchived first (Discord does
 * this for a message or a webhook execution), a locked archived one refuses (50083).
 */
export function reopenForMessage(
  ctx: RestContext,
  channel: FakeChannel,
): RestReply | null {
  if (!channel.archived) return null;
  if (channel.locked) return fail(Errors.threadArchived);
  channel.archived = false;
  ctx.events.threadChanged("THREAD_UPDATE", channel);
  return null;
}

function startThread(ctx: RestContext): RestReply {
  const channel = ctx.world.channels.get(ctx.params.channel ?? "");
  if (!channel) return fail(Errors.unknownChannel);
  if (
    channel.type !== ChannelType.GuildText &&
    channel.type !== ChannelType.GuildAnnouncement
  ) {
    return fail(Errors.wrongChannelType);
  }
  const message = ctx.world.liveMessage(channel.id, ctx.params.message ?? "");
  if (!message) return fail(Errors.unknownMessage);
  if (!botHas(ctx.world, channel, CREATE_PUBLIC_THREADS)) {
    return fail(Errors.missingPermissions);
  }
  const body = isRecord(ctx.body) ? ctx.body : {};
  const name = body.name;
  if (typeof name !== "string" || name.length < 1 || name.length > 100) {
    return fail(invalidFormBody(
      ["name"],
      typeof name === "string" ? "BASE_TYPE_BAD_LENGTH" : "BASE_TYPE_REQUIRED",
      typeof name === "string"
        ? "Must be between 1 and 100 in length."
        : "This field is required",
    ));
  }
  const duration = body.auto_archive_duration;
  if (
    duration !== undefined && !ARCHIVE_DURATIONS.includes(Number(duration))
  ) {
    return fail(invalidFormBody(
      ["auto_archive_duration"],
      "BASE_TYPE_CHOICES",
      "Value must be one of {60, 1440, 4320, 10080}.",
    ));
  }
  // A thread started from a message takes the message's id: one thread per message.
  if (ctx.world.channels.has(message.id)) {
    return fail(Errors.threadAlreadyCreated);
  }
  const thread = ctx.world.addThread({
    id: message.id,
    parentId: channel.id,
    name,
    type: channel.type === ChannelType.GuildAnnouncement
      ? ChannelType.AnnouncementThread
      : ChannelType.PublicThread,
    ownerId: ctx.world.bot.id,
  });
  ctx.events.threadChanged("THREAD_CREATE", thread);
  ctx.events.messageUpdated(message);
  return ok(channelObject(thread, ctx.world));
}

/** Starting a thread from a message (Discord's "Start Thread from Message"). */
export const threadRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/channels/{channel}/messages/{message}/threads",
    auth: "bot",
    handle: startThread,
  },
];
