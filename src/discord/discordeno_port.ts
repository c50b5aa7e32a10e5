/**
 * `DiscordPort` over Discordeno's REST manager. Every message is sent with
 * `allowed_mentions` parsing nothing, so model output never pings anyone;
 * replying may ping the replied-to author only when configured. Failures
 * are classified from Discord's status and error code.
 *
 * It calls `bot.rest` (the answer as JSON) rather than `bot.helpers`, which
 * also runs Discordeno's transformers over the answer: a Discord-compatible
 * server whose message differs in shape (member roles as objects) made them
 * throw after the message had been delivered. A 2xx is a success; only the
 * id and content are read from it.
 *
 * @module
 */

import { DiscordRequestError } from "./discord_port.ts";
import type {
  DiscordFailureKind,
  DiscordPort,
  ReplyButton,
} from "./discord_port.ts";

const BUTTON_STYLES = { primary: 1, secondary: 2, success: 3, danger: 4 };

/** Buttons as Discord's components: one action row of up to five buttons. */
export function buttonComponents(buttons: readonly ReplyButton[]): Component[] {
  if (buttons.length === 0) return [];
  return [{
    type: 1,
    components: buttons.slice(0, 5).map((b) => ({
      type: 2,
      style: BUTTON_STYLES[b.style],
      label: b.label,
      customId: b.custom_id,
      ...(b.emoji ? { emoji: { name: b.emoji } } : {}),
    })),
  }];
}

/** A component in Discordeno's (camelCase) shape. */
export interface Component {
  type: number;
  components: {
    type: number;
    style: number;
    label: string;
    customId: string;
    emoji?: { name: string };
  }[];
}

/** The Discordeno REST calls this port makes (`bot.rest`). */
export interface MessageHelpers {
  sendMessage(channelId: string, options: {
    content: string;
    components?: Component[];
    messageReference?: { messageId: string; failIfNotExists: boolean };
    allowedMentions: { parse: []; repliedUser: boolean };
    nonce?: string;
    enforceNonce?: boolean;
  }): Promise<unknown>;
  editMessage(channelId: string, messageId: string, options: {
    content: string;
    components?: Component[];
    allowedMentions: { parse: [] };
  }): Promise<unknown>;
  triggerTypingIndicator(channelId: string): Promise<void>;
  deleteMessage?(channelId: string, messageId: string): Promise<void>;
}

interface RestFailure {
  status?: number;
  body?: string;
  /** Discordeno's (or the guard's) words when no answer was read. */
  error?: string;
}

/** Classifies a Discordeno REST error by Discord's HTTP status and JSON error code. */
export function classifyDiscordError(error: unknown): DiscordRequestError {
  const cause = (error as { cause?: RestFailure } | null)?.cause ?? {};
  const status = cause.status ?? 0;
  let code = 0;
  let message = "";
  let retry_after_s: number | undefined;
  try {
    const body = JSON.parse(cause.body ?? "{}");
    code = Number(body.code ?? 0);
    message = String(body.message ?? "");
    if (typeof body.retry_after === "number") retry_after_s = body.retry_after;
  } catch {
    // not JSON: keep the status
  }
  let kind: DiscordFailureKind = "other";
  if (code === 10008) kind = "unknown_message";
  else if (code === 10003) kind = "unknown_channel";
  // 50083: a locked archived thread takes no message, like a missing permission.
  else if (
    code === 50013 || code === 50001 || code === 50083 || status === 403
  ) {
    kind = "missing_permissions";
  } else if (status === 429) kind = "rate_limited";
  else if (status >= 400 && status < 500) kind = "rejected";
  const answered = status !== 0 && status !== 999;
  const text = answered
    ? `Discord answered ${status}${code ? ` (code ${code})` : ""}${
      message ? `: ${message}` : ""
    }`
    : `Discord gave no answer${cause.error ? `: ${cause.error}` : ""}`;
  return new DiscordRequestError(text, kind, {
    cause: error,
    ...(retry_after_s === undefined ? {} : { retry_after_s }),
  });
}

/**
 * One line saying why a Discordeno REST call failed: status, Discord's code
 * and message, and the fields Discord named (`errors`), e.g.
 * `Discord answered 400 (code 50035): Invalid Form Body {"0":{"name":…}}`.
 */
export function explainDiscordError(error: unknown): string {
  const classified = classifyDiscordError(error);
  const body = (error as { cause?: RestFailure } | null)?.cause?.body;
  try {
    const errors = JSON.parse(body ?? "{}")?.errors;
    if (errors !== undefined) {
      return `${classified.message} ${JSON.stringify(errors).slice(0, 500)}`;
    }
  } catch {
    // not JSON
  }
  return classified.message;
}

/** The part of Discordeno's REST manager {@link rawMessageHelpers} uses. */
export interface RawRest {
  makeRequest(
    method: "POST" | "PATCH",
    route: string,
    options: { body: unknown },
  ): Promise<unknown>;
  routes: {
    channels: {
      messages(channelId: string): string;
      message(channelId: string, messageId: string): string;
    };
  };
  triggerTypingIndicator(channelId: string): Promise<void>;
  deleteMessage(channelId: string, messageId: string): Promise<void>;
}

/**
 * Sends and edits through Discordeno's request pipeline (its rate limits and
 * queues) but leaves the answer in Discord's own shape: its helpers turn
 * every answer into camelCase, the whole message object for each send and
 * edit (about 2% of the bot's CPU under load), while the port reads only
 * `id` and `content`, spelled the same either way.
 */
export function rawMessageHelpers(rest: RawRest): MessageHelpers {
  return {
    sendMessage: (channelId, body) =>
      rest.makeRequest("POST", rest.routes.channels.messages(channelId), {
        body,
      }),
    editMessage: (channelId, messageId, body) =>
      rest.makeRequest(
        "PATCH",
        rest.routes.channels.message(channelId, messageId),
        { body },
      ),
    triggerTypingIndicator: (channelId) =>
      rest.triggerTypingIndicator(channelId),
    deleteMessage: (channelId, messageId) =>
      rest.deleteMessage(channelId, messageId),
  };
}

/** The port over Discordeno helpers. */
export function discordenoPort(helpers: MessageHelpers): DiscordPort {
  return {
    async send(channel_id, message) {
      try {
        const call = () =>
          helpers.sendMessage(channel_id, {
            content: message.content,
            ...(message.buttons?.length
              ? { components: buttonComponents(message.buttons) }
              : {}),
            ...(message.reply_to
              ? {
                messageReference: {
                  messageId: message.reply_to,
                  failIfNotExists: false,
                },
              }
              : {}),
            allowedMentions: {
              parse: [],
              repliedUser: message.ping_replied_user,
            },
            ...(message.nonce
              ? { nonce: message.nonce, enforceNonce: true }
              : {}),
          }) as Promise<{ id?: unknown; content?: unknown } | undefined>;
        let sent = await call();
        if (!sent?.id && message.nonce) {
          // Delivered, but the answer could not be read: the nonce makes asking
          // again return the same message (with its id) instead of a second one.
          sent = await call();
        }
        return {
          id: String(sent?.id ?? ""),
          content: typeof sent?.content === "string"
            ? sent.content
            : message.content,
        };
      } catch (error) {
        throw classifyDiscordError(error);
      }
    },
    async edit(channel_id, message_id, content, buttons) {
      try {
        await helpers.editMessage(channel_id, message_id, {
          content,
          ...(buttons === undefined
            ? {}
            : { components: buttonComponents(buttons) }),
          allowedMentions: { parse: [] },
        });
      } catch (error) {
        throw classifyDiscordError(error);
      }
    },
    async delete(channel_id, message_id) {
      try {
        await helpers.deleteMessage?.(channel_id, message_id);
      } catch (error) {
        throw classifyDiscordError(error);
      }
    },
    async typing(channel_id) {
      try {
        await helpers.triggerTypingIndicator(channel_id);
      } catch (error) {
        throw classifyDiscordError(error);
      }
    },
  };
}
