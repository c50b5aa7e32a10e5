/**
 * `DiscordPort` over the bot's message requests (`direct_rest.ts`). Every
 * message is sent with `allowed_mentions` parsing nothing, so model output
 * never pings anyone; replying may ping the replied-to author only when
 * configured. Bodies are built in Discord's own JSON shape (snake_case), so
 * nothing converts them on the way, and of an answer only the id and the
 * content are read. Failures are classified from Discord's status and
 * error code (here too for Discordeno's own requests).
 *
 * @module
 */

import { DiscordRequestError } from "./discord_port.ts";
import type { DirectRest } from "./direct_rest.ts";
import type {
  DiscordFailureKind,
  DiscordPort,
  ReplyButton,
} from "./discord_port.ts";

const BUTTON_STYLES = { primary: 1, secondary: 2, success: 3, danger: 4 };

/**
 * Buttons as Discord's components: one action row of up to five buttons,
 * in Discord's shape (Discordeno passes snake_case keys through as they are).
 */
export function buttonComponents(buttons: readonly ReplyButton[]): Component[] {
  if (buttons.length === 0) return [];
  return [{
    type: 1,
    components: buttons.slice(0, 5).map((b) => ({
      type: 2,
      style: BUTTON_STYLES[b.style],
      label: b.label,
      custom_id: b.custom_id,
      ...(b.emoji ? { emoji: { name: b.emoji } } : {}),
    })),
  }];
}

/** An action row of buttons, in Discord's JSON shape. */
export interface Component {
  type: number;
  components: {
    type: number;
    style: number;
    label: string;
    custom_id: string;
    emoji?: { name: string };
  }[];
}

/** A message send's body, in Discord's JSON shape. */
export interface SendBody {
  content: string;
  components?: Component[];
  message_reference?: { message_id: string; fail_if_not_exists: boolean };
  allowed_mentions: { parse: []; replied_user: boolean };
  nonce?: string;
  enforce_nonce?: boolean;
}

/** A message edit's body, in Discord's JSON shape. */
export interface EditBody {
  content: string;
  components?: Component[];
  allowed_mentions: { parse: [] };
}

/** The message requests this port makes; answers are Discord's JSON, parsed. */
export interface MessageHelpers {
  sendMessage(channelId: string, body: SendBody): Promise<unknown>;
  editMessage(
    channelId: string,
    messageId: string,
    body: EditBody,
  ): Promise<unknown>;
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
  if (error instanceof DiscordRequestError) return error;
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

/**
 * The message requests over {@link DirectRest}. Rate-limit keys follow
 * Discordeno's simplified routes: a channel's sends (and typing, which
 * Discordeno files with them) share one, its edits another, its deletions
 * a third.
 */
export function directMessageHelpers(rest: DirectRest): MessageHelpers {
  return {
    async sendMessage(channelId, body) {
      const answer = await rest.request(
        "POST",
        `/channels/${channelId}/messages`,
        `/channels/${channelId}/x`,
        JSON.stringify(body),
      );
      return answer.body === "" ? undefined : JSON.parse(answer.body);
    },
    async editMessage(channelId, messageId, body) {
      // The answer (the whole message) is not needed.
      await rest.request(
        "PATCH",
        `/channels/${channelId}/messages/${messageId}`,
        `/channels/${channelId}/messages/x`,
        JSON.stringify(body),
      );
    },
    async triggerTypingIndicator(channelId) {
      await rest.request(
        "POST",
        `/channels/${channelId}/typing`,
        `/channels/${channelId}/x`,
      );
    },
    async deleteMessage(channelId, messageId) {
      await rest.request(
        "DELETE",
        `/channels/${channelId}/messages/${messageId}`,
        `D/channels/${channelId}/messages/x`,
      );
    },
  };
}

/** The port over the message requests. */
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
                message_reference: {
                  message_id: message.reply_to,
                  fail_if_not_exists: false,
                },
              }
              : {}),
            allowed_mentions: {
              parse: [],
              replied_user: message.ping_replied_user,
            },
            ...(message.nonce
              ? { nonce: message.nonce, enforce_nonce: true }
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
          allowed_mentions: { parse: [] },
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
