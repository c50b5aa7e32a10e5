import {
  checkMessageFields,
  type DiscordError,
  EMPTY_MESSAGE,
  invalidFormBody,
  isEmptyMessage,
} from "./message_rules.ts";
import { channelObject, messageObject } from "./payloads.ts";
import {
  Errors,
  fail,
  isRecord,
  noContent,
  ok,
  type RestContext,
  type RestReply,
  type RestRoute,
} from "./rest_types.ts";
import { reopenForMessage } from "./rest_threads.ts";
import type { FakeMessage } from "./types.ts";
import type { FakeChannel, FakeWorld } from "./world.ts";

/** Message flags a bot may set when sending (SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS). */
const SENDABLE_FLAGS = 4 | 4096;

/**
 * Resolves a `message_reference` for a message posted in `channelId`: the replied-to id, null
 * (no reply), or the 400 Discord answers when the target is unknown and `fail_if_not_exists`
 * is not `false`.
 */
export function resolveReply(
  world: FakeWorld,
  channelId: string,
  reference: unknown,
): string | null | DiscordError {
  if (reference === undefined || reference === null) return null;
  if (!isRecord(reference)) {
    return invalidFormBody(
      ["message_reference"],
      "DICT_TYPE_CONVERT",
      "Only dictionaries may be used in a DictType",
    );
  }
  const refChannel = typeof reference.channel_id === "string"
    ? reference.channel_id
    : channelId;
  const target =
    typeof reference.message_id === "string" && refChannel === channelId
      ? world.liveMessage(channelId, reference.message_id)
      : undefined;
  if (target) return target.id;
  if (reference.fail_if_not_exists === false) return null;
  return invalidFormBody(
    ["message_reference"],
    "MESSAGE_REFERENCE_UNKNOWN_MESSAGE",
    "Unknown message",
  );
}

/** How long Discord keeps an enforced nonce ("the past few minutes"). */
export const NONCE_WINDOW_MS = 3 * 60_000;

/** The enforced nonce of a send body, null when none is enforced, or the form error. */
function nonceOf(body: unknown): string | null | DiscordError {
  if (!isRecord(body) || body.enforce_nonce !== true) return null;
  const nonce = body.nonce;
  if (typeof nonce === "number") return String(nonce);
  if (typeof nonce !== "string") return null;
  if (nonce.length > 25) {
    return invalidFormBody(
      ["nonce"],
      "BASE_TYPE_MAX_LENGTH",
      "Must be 25 or fewer in length.",
    );
  }
  return nonce;
}

/**
 * Validates a new message body (fields, reply target, emptiness) and stores it as written by
 * the bot. Shared by channel sends, interaction responses and follow-ups.
 */
export function createBotMessage(
  ctx: RestContext,
  channelId: string,
  body: unknown,
  extra: { interactionId?: string; flags?: number } = {},
): FakeMessage | DiscordError {
  const problem = checkMessageFields(body);
  if (problem) return problem;
  const fields = body as Record<string, unknown>;
  const replyToId = resolveReply(
    ctx.world,
    channelId,
    fields.message_reference,
  );
  if (replyToId !== null && typeof replyToId !== "string") return replyToId;
  const content = typeof fields.content === "string" ? fields.content : "";
  const embeds = Array.isArray(fields.embeds) ? fields.embeds : [];
  if (
    isEmptyMessage({
      content,
      embeds,
      attachments: ctx.attachments,
      extra: fields,
    })
  ) {
    return EMPTY_MESSAGE;
  }
  const askedFlags = typeof fields.flags === "number" ? fields.flags : 0;
  return ctx.world.createMessage({
    channelId,
    authorId: ctx.world.bot.id,
    content,
    embeds,
    attachments: ctx.attachments,
    components: Array.isArray(fields.components) ? fields.components : [],
    flags: extra.flags ?? (askedFlags & SENDABLE_FLAGS),
    replyToId,
    allowedMentions: fields.allowed_mentions,
    interactionId: extra.interactionId ?? null,
  });
}

/** Applies an edit body to a bot message, refusing one that would leave it empty. */
export function editBotMessage(
  ctx: RestContext,
  message: FakeMessage,
  body: unknown,
): DiscordError | null {
  const problem = checkMessageFields(body);
  if (problem) return problem;
  const fields = body as Record<string, unknown>;
  const content = fields.content === undefined
    ? message.content
    : typeof fields.content === "string"
    ? fields.content
    : "";
  const embeds = fields.embeds === undefined
    ? message.embeds
    : Array.isArray(fields.embeds)
    ? fields.embeds
    : [];
  const attachments = ctx.attachments.length > 0
    ? ctx.attachments
    : message.attachments;
  if (isEmptyMessage({ content, embeds, attachments, extra: fields })) {
    return EMPTY_MESSAGE;
  }
  ctx.world.editMessage(
    message,
    content,
    embeds,
    fields.allowed_mentions,
    fields.components === undefined
      ? undefined
      : Array.isArray(fields.components)
      ? fields.components
      : [],
  );
  return null;
}

function findChannel(ctx: RestContext): FakeChannel | undefined {
  return ctx.world.channels.get(ctx.params.channel ?? "");
}

function withChannel(
  handler: (ctx: RestContext, channel: FakeChannel) => RestReply,
): (ctx: RestContext) => RestReply {
  return (ctx) => {
    const channel = findChannel(ctx);
    return channel ? handler(ctx, channel) : fail(Errors.unknownChannel);
  };
}

function withMessage(
  handler: (ctx: RestContext, message: FakeMessage) => RestReply,
): (ctx: RestContext) => RestReply {
  return withChannel((ctx, channel) => {
    const message = ctx.world.liveMessage(channel.id, ctx.params.message ?? "");
    return message ? handler(ctx, message) : fail(Errors.unknownMessage);
  });
}

/** The channel and message routes: get channel, send/get/edit/delete message, typing. */
export const messageRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/channels/{channel}",
    auth: "bot",
    handle: withChannel((ctx, channel) =>
      ok(channelObject(channel, ctx.world))
    ),
  },
  {
    method: "POST",
    path: "/channels/{channel}/messages",
    auth: "bot",
    messageBucket: true,
    handle: withChannel((ctx, channel) => {
      if (!channel.sendable) return fail(Errors.missingPermissions);
      const nonce = nonceOf(ctx.body);
      if (nonce !== null && typeof nonce === "object") return fail(nonce);
      // Like Discord: with enforce_nonce, the same author's message with this nonce
      // from the last few minutes is returned, and no second one is created.
      const earlier = nonce === null
        ? undefined
        : [...ctx.world.messages.values()]
          .find((m) =>
            m.channelId === channel.id && m.authorId === ctx.world.bot.id &&
            m.nonce === nonce && !m.deleted &&
            ctx.world.clock.now() - m.createdAt < NONCE_WINDOW_MS
          );
      if (earlier) return ok(messageObject(earlier, ctx.world));
      const closed = reopenForMessage(ctx, channel);
      if (closed) return closed;
      const result = createBotMessage(ctx, channel.id, ctx.body);
      if ("status" in result) return fail(result);
      if (nonce !== null) result.nonce = nonce;
      ctx.events.messageCreated(result);
      return ok(messageObject(result, ctx.world));
    }),
  },
  {
    method: "GET",
    path: "/channels/{channel}/messages/{message}",
    auth: "bot",
    handle: withMessage((ctx, message) =>
      ok(messageObject(message, ctx.world))
    ),
  },
  {
    method: "PATCH",
    path: "/channels/{channel}/messages/{message}",
    auth: "bot",
    messageBucket: true,
    handle: withMessage((ctx, message) => {
      if (message.authorId !== ctx.world.bot.id) return fail(Errors.editOthers);
      const problem = editBotMessage(ctx, message, ctx.body);
      if (problem) return fail(problem);
      ctx.events.messageUpdated(message);
      return ok(messageObject(message, ctx.world));
    }),
  },
  {
    method: "DELETE",
    path: "/channels/{channel}/messages/{message}",
    auth: "bot",
    handle: withMessage((ctx, message) => {
      if (message.authorId !== ctx.world.bot.id) {
        return fail(Errors.missingPermissions);
      }
      message.deleted = true;
      ctx.events.messageDeleted(message);
      return noContent();
    }),
  },
  {
    method: "POST",
    path: "/channels/{channel}/typing",
    auth: "bot",
    handle: withChannel((_ctx, channel) =>
      channel.sendable ? noContent() : fail(Errors.missingPermissions)
    ),
  },
];
