import { invalidFormBody } from "./message_rules.ts";
import { messageObject, userObject } from "./payloads.ts";
import { createBotMessage, editBotMessage } from "./rest_messages.ts";
import { botHas, reopenForMessage } from "./rest_threads.ts";
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
import { ChannelType } from "./types.ts";
import type { FakeWebhook, FakeWorld } from "./world.ts";

/** The MANAGE_WEBHOOKS permission bit. */
export const MANAGE_WEBHOOKS = 1n << 29n;
const MAX_WEBHOOKS_PER_CHANNEL = 15;

/** Discord's webhook object (with the token, as a bot with Manage Webhooks sees it). */
export function webhookObject(hook: FakeWebhook, world: FakeWorld) {
  const creator = world.users.get(hook.creatorId);
  return {
    id: hook.id,
    type: 1,
    guild_id: hook.guildId,
    channel_id: hook.channelId,
    name: hook.name,
    avatar: null,
    token: hook.token,
    application_id: hook.applicationId,
    ...(creator ? { user: userObject(creator) } : {}),
  };
}

/** A webhook or user name Discord refuses: empty, too long, or naming Clyde or Discord. */
function badName(name: unknown, field: string): RestReply | null {
  if (typeof name !== "string" || name.length < 1 || name.length > 80) {
    return fail(invalidFormBody(
      [field],
      "BASE_TYPE_BAD_LENGTH",
      "Must be between 1 and 80 in length.",
    ));
  }
  if (/clyde|discord/i.test(name)) {
    return fail(invalidFormBody(
      [field],
      "USERNAME_INVALID_CONTAINS",
      `Username cannot contain "${/clyde/i.test(name) ? "clyde" : "discord"}"`,
    ));
  }
  return null;
}

function channelForWebhooks(ctx: RestContext) {
  const channel = ctx.world.channels.get(ctx.params.channel ?? "");
  if (!channel) return fail(Errors.unknownChannel);
  if (channel.type !== ChannelType.GuildText) {
    return fail(Errors.wrongChannelType);
  }
  if (!botHas(ctx.world, channel, MANAGE_WEBHOOKS)) {
    return fail(Errors.missingPermissions);
  }
  return channel;
}

function listWebhooks(ctx: RestContext): RestReply {
  const channel = channelForWebhooks(ctx);
  if ("status" in channel) return channel;
  return ok(
    [...ctx.world.webhooks.values()].filter((w) => w.channelId === channel.id)
      .map((w) => webhookObject(w, ctx.world)),
  );
}

function createWebhook(ctx: RestContext): RestReply {
  const channel = channelForWebhooks(ctx);
  if ("status" in channel) return channel;
  const body = isRecord(ctx.body) ? ctx.body : {};
  const problem = badName(body.name, "name");
  if (problem) return problem;
  const count =
    [...ctx.world.webhooks.values()].filter((w) => w.channelId === channel.id)
      .length;
  if (count >= MAX_WEBHOOKS_PER_CHANNEL) return fail(Errors.maxWebhooks);
  const hook: FakeWebhook = {
    id: ctx.world.ids.next(),
    token: crypto.randomUUID().replaceAll("-", "").repeat(2),
    channelId: channel.id,
    guildId: channel.guildId ?? "",
    name: String(body.name),
    creatorId: ctx.world.bot.id,
    applicationId: ctx.world.applicationId,
  };
  ctx.world.webhooks.set(hook.id, hook);
  return ok(webhookObject(hook, ctx.world));
}

function webhookOf(ctx: RestContext): FakeWebhook | undefined {
  const hook = ctx.world.webhooks.get(ctx.params.application ?? "");
  return hook && hook.token === ctx.params.token ? hook : undefined;
}

/** The thread a webhook request targets (`thread_id`), or its own channel. */
function targetChannel(ctx: RestContext, hook: FakeWebhook) {
  const threadId = ctx.query.get("thread_id");
  if (threadId === null) return ctx.world.channels.get(hook.channelId);
  const thread = ctx.world.channels.get(threadId);
  return thread?.parentId === hook.channelId ? thread : undefined;
}

function execute(ctx: RestContext, hook: FakeWebhook): RestReply {
  const channel = targetChannel(ctx, hook);
  if (!channel) return fail(Errors.unknownChannel);
  const body = isRecord(ctx.body) ? { ...ctx.body } : {};
  if (body.username !== undefined) {
    const problem = badName(body.username, "username");
    if (problem) return problem;
  }
  // Without with_components=true Discord ignores components; webhooks cannot reply.
  if (ctx.query.get("with_components") !== "true") delete body.components;
  delete body.message_reference;
  const closed = reopenForMessage(ctx, channel);
  if (closed) return closed;
  const created = createBotMessage(ctx, channel.id, body);
  if ("status" in created) return fail(created);
  created.authorId = hook.id;
  created.webhookId = hook.id;
  created.webhookName = typeof body.username === "string"
    ? body.username
    : hook.name;
  created.webhookAvatarUrl = typeof body.avatar_url === "string"
    ? body.avatar_url
    : null;
  created.applicationId = hook.applicationId;
  ctx.events.messageCreated(created);
  return ctx.query.get("wait") === "true"
    ? ok(messageObject(created, ctx.world))
    : noContent();
}

function webhookMessage(ctx: RestContext, hook: FakeWebhook) {
  const channel = targetChannel(ctx, hook);
  const message = ctx.world.messages.get(ctx.params.message ?? "");
  if (
    !channel || !message || message.deleted ||
    message.webhookId !== hook.id || message.channelId !== channel.id
  ) return undefined;
  return message;
}

function editMessage(ctx: RestContext, hook: FakeWebhook): RestReply {
  const message = webhookMessage(ctx, hook);
  if (!message) return fail(Errors.unknownMessage);
  const body = isRecord(ctx.body) ? { ...ctx.body } : {};
  if (ctx.query.get("with_components") !== "true") delete body.components;
  const problem = editBotMessage(ctx, message, body);
  if (problem) return fail(problem);
  ctx.events.messageUpdated(message);
  return ok(messageObject(message, ctx.world));
}

function deleteMessage(ctx: RestContext, hook: FakeWebhook): RestReply {
  const message = webhookMessage(ctx, hook);
  if (!message) return fail(Errors.unknownMessage);
  message.deleted = true;
  ctx.events.messageDeleted(message);
  return noContent();
}

/**
 * Webhook routes. `/webhooks/{id}/{token}…` is shared with interaction follow-ups (whose "id"
 * is the application's): a known webhook id is served here, anything else by `otherwise`.
 */
export function webhookRoutes(
  otherwise: (method: string, path: string) => RestRoute["handle"],
): RestRoute[] {
  const either = (
    method: RestRoute["method"],
    path: string,
    handler: (ctx: RestContext, hook: FakeWebhook) => RestReply,
  ): RestRoute => ({
    method,
    path,
    auth: "none",
    // Each webhook has its own limit (interaction follow-ups on these paths do not).
    bucket: (params, world) =>
      method !== "DELETE" && world.webhooks.has(params.application ?? "")
        ? `webhook:${params.application}`
        : null,
    handle: (ctx) => {
      if (ctx.world.webhooks.has(ctx.params.application ?? "")) {
        const hook = webhookOf(ctx);
        return hook ? handler(ctx, hook) : fail(Errors.unknownWebhook);
      }
      return otherwise(method, path)(ctx);
    },
  });
  return [
    {
      method: "GET",
      path: "/channels/{channel}/webhooks",
      auth: "bot",
      handle: listWebhooks,
    },
    {
      method: "POST",
      path: "/channels/{channel}/webhooks",
      auth: "bot",
      handle: createWebhook,
    },
    either("POST", "/webhooks/{application}/{token}", execute),
    either(
      "PATCH",
      "/webhooks/{application}/{token}/messages/{message}",
      editMessage,
    ),
    either(
      "DELETE",
      "/webhooks/{application}/{token}/messages/{message}",
      deleteMessage,
    ),
  ];
}
