import {
  checkMessageFields,
  type DiscordError,
  invalidFormBody,
} from "./message_rules.ts";
import { messageObject } from "./payloads.ts";
import { createBotMessage, editBotMessage } from "./rest_messages.ts";
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
import type { FakeInteraction, FakeMessage } from "./types.ts";

/** Interaction callback types (Discord's values). */
export const CallbackType = {
  ChannelMessageWithSource: 4,
  DeferredChannelMessageWithSource: 5,
  DeferredUpdateMessage: 6,
  UpdateMessage: 7,
  AutocompleteResult: 8,
  Modal: 9,
} as const;

const EPHEMERAL = 64;
const LOADING = 128;
const APPLICATION_COMMAND = 2;
const AUTOCOMPLETE = 4;

function allowedCallbacks(interactionType: number): number[] {
  if (interactionType === AUTOCOMPLETE) {
    return [CallbackType.AutocompleteResult];
  }
  if (interactionType === APPLICATION_COMMAND) {
    return [
      CallbackType.ChannelMessageWithSource,
      CallbackType.DeferredChannelMessageWithSource,
      CallbackType.Modal,
    ];
  }
  return [4, 5, 6, 7, 9];
}

function checkCallback(
  interaction: FakeInteraction,
  body: unknown,
): DiscordError | null {
  if (!isRecord(body) || typeof body.type !== "number") {
    return invalidFormBody(
      ["type"],
      "BASE_TYPE_REQUIRED",
      "This field is required",
    );
  }
  const allowed = allowedCallbacks(interaction.type);
  if (!allowed.includes(body.type)) {
    return invalidFormBody(
      ["type"],
      "BASE_TYPE_CHOICES",
      `Value must be one of {${allowed.join(", ")}}.`,
    );
  }
  if (body.type === CallbackType.AutocompleteResult) {
    const choices = isRecord(body.data) ? body.data.choices : undefined;
    if (!Array.isArray(choices)) {
      return invalidFormBody(
        ["data", "choices"],
        "BASE_TYPE_REQUIRED",
        "This field is required",
      );
    }
    if (choices.length > 25) {
      return invalidFormBody(
        ["data", "choices"],
        "BASE_TYPE_MAX_LENGTH",
        "Must be 25 or fewer in length.",
      );
    }
  }
  return null;
}

function respond(ctx: RestContext): RestReply {
  const interaction = ctx.world.interactions.get(ctx.params.interaction ?? "");
  if (!interaction || interaction.token !== ctx.params.token) {
    return fail(Errors.unknownInteraction);
  }
  if (interaction.response) return fail(Errors.alreadyAcknowledged);
  const now = ctx.world.clock.now();
  if (now - interaction.dispatchedAt > ctx.settings.interactionDeadlineMs) {
    return fail(Errors.unknownInteraction);
  }
  const problem = checkCallback(interaction, ctx.body);
  if (problem) return fail(problem);
  const body = ctx.body as { type: number; data?: unknown };
  const data = isRecord(body.data) ? body.data : {};
  const ephemeral = typeof data.flags === "number" ? data.flags & EPHEMERAL : 0;
  let message: FakeMessage | null = null;
  if (body.type === CallbackType.ChannelMessageWithSource) {
    const created = createBotMessage(ctx, interaction.channelId, data, {
      interactionId: interaction.id,
      flags: ephemeral,
    });
    if ("status" in created) return fail(created);
    message = created;
  } else if (
    body.type === CallbackType.UpdateMessage ||
    body.type === CallbackType.DeferredUpdateMessage
  ) {
    const target = ctx.world.messages.get(interaction.messageId ?? "");
    if (!target || target.deleted) return fail(Errors.unknownMessage);
    if (body.type === CallbackType.UpdateMessage) {
      const problem = editBotMessage(ctx, target, data);
      if (problem) return fail(problem);
      ctx.events.messageUpdated(target);
    }
  } else if (body.type === CallbackType.DeferredChannelMessageWithSource) {
    message = ctx.world.createMessage({
      channelId: interaction.channelId,
      authorId: ctx.world.bot.id,
      content: "",
      flags: ephemeral | LOADING,
      interactionId: interaction.id,
    });
  }
  interaction.response = { at: now, type: body.type, data: body.data ?? null };
  if (message) {
    interaction.originalMessageId = message.id;
    if (!message.ephemeral) ctx.events.messageCreated(message);
  }
  if (ctx.query.get("with_response") !== "true") return noContent();
  return ok({
    interaction: {
      id: interaction.id,
      type: interaction.type,
      response_message_id: message?.id,
      response_message_loading: message
        ? (message.flags & LOADING) !== 0
        : undefined,
      response_message_ephemeral: message?.ephemeral,
    },
    resource: {
      type: body.type,
      ...(message ? { message: messageObject(message, ctx.world) } : {}),
    },
  });
}

function webhookInteraction(ctx: RestContext): FakeInteraction | undefined {
  if (ctx.params.application !== ctx.world.applicationId) return undefined;
  return ctx.world.interactionByToken(ctx.params.token ?? "");
}

function withOriginal(
  handler: (
    ctx: RestContext,
    message: FakeMessage,
    interaction: FakeInteraction,
  ) => RestReply,
): (ctx: RestContext) => RestReply {
  return (ctx) => {
    const interaction = webhookInteraction(ctx);
    if (!interaction) return fail(Errors.unknownWebhook);
    const id = ctx.params.message ?? interaction.originalMessageId ?? "";
    const message = ctx.world.messages.get(id);
    if (
      !message || message.deleted || message.interactionId !== interaction.id
    ) {
      return fail(Errors.unknownMessage);
    }
    return handler(ctx, message, interaction);
  };
}

function editInteractionMessage(
  ctx: RestContext,
  message: FakeMessage,
): RestReply {
  const problem = editBotMessage(ctx, message, ctx.body);
  if (problem) return fail(problem);
  message.flags &= ~LOADING;
  if (!message.ephemeral) ctx.events.messageUpdated(message);
  return ok(messageObject(message, ctx.world));
}

function followUp(ctx: RestContext): RestReply {
  const interaction = webhookInteraction(ctx);
  if (!interaction || !interaction.response) return fail(Errors.unknownWebhook);
  const original = interaction.originalMessageId
    ? ctx.world.messages.get(interaction.originalMessageId)
    : undefined;
  if (original && !original.deleted && (original.flags & LOADING) !== 0) {
    // After a deferral, the first follow-up replaces the "thinking…" message.
    return editInteractionMessage(ctx, original);
  }
  const problem = checkMessageFields(ctx.body);
  if (problem) return fail(problem);
  const data = ctx.body as Record<string, unknown>;
  const flags = typeof data.flags === "number"
    ? data.flags & (EPHEMERAL | 4 | 4096)
    : 0;
  const created = createBotMessage(ctx, interaction.channelId, data, {
    interactionId: interaction.id,
    flags,
  });
  if ("status" in created) return fail(created);
  interaction.followUpIds.push(created.id);
  if (!created.ephemeral) ctx.events.messageCreated(created);
  return ok(messageObject(created, ctx.world));
}

function deleteInteractionMessage(
  ctx: RestContext,
  message: FakeMessage,
): RestReply {
  message.deleted = true;
  if (!message.ephemeral) ctx.events.messageDeleted(message);
  return noContent();
}

/** Interaction callback and webhook routes (no bot token needed, outside the global limit). */
export const interactionRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/interactions/{interaction}/{token}/callback",
    auth: "none",
    handle: respond,
  },
  {
    method: "GET",
    path: "/webhooks/{application}/{token}/messages/@original",
    auth: "none",
    handle: withOriginal((ctx, message) =>
      ok(messageObject(message, ctx.world))
    ),
  },
  {
    method: "PATCH",
    path: "/webhooks/{application}/{token}/messages/@original",
    auth: "none",
    handle: withOriginal((ctx, message) =>
      editInteractionMessage(ctx, message)
    ),
  },
  {
    method: "DELETE",
    path: "/webhooks/{application}/{token}/messages/@original",
    auth: "none",
    handle: withOriginal(deleteInteractionMessage),
  },
  {
    method: "POST",
    path: "/webhooks/{application}/{token}",
    auth: "none",
    handle: followUp,
  },
  {
    method: "PATCH",
    path: "/webhooks/{application}/{token}/messages/{message}",
    auth: "none",
    handle: withOriginal((ctx, message) =>
      editInteractionMessage(ctx, message)
    ),
  },
  {
    method: "DELETE",
    path: "/webhooks/{application}/{token}/messages/{message}",
    auth: "none",
    handle: withOriginal(deleteInteractionMessage),
  },
];
