/**
 * The few Discord REST operations a reply needs, as a port: the Discordeno
 * adapter implements it for real, tests implement it by hand. Snowflakes are
 * strings here. Every failure is a `DiscordRequestError` with a kind the
 * delivery code can act on.
 *
 * @module
 */

/** A button under a message (its `custom_id` built with `customId`). */
export interface ReplyButton {
  custom_id: string;
  label: string;
  style: "primary" | "secondary" | "success" | "danger";
  /** A unicode emoji shown before the label. */
  emoji?: string;
}

/** What a message send carries. */
export interface OutgoingMessage {
  /** Buttons under the message; absent or empty: none. */
  buttons?: readonly ReplyButton[] | undefined;
  content: string;
  /** Reply to this message (it may have been deleted: the send still goes through). */
  reply_to?: string | undefined;
  /** Whether replying pings the replied-to author. Nothing else ever pings. */
  ping_replied_user: boolean;
  /**
   * Sent with `enforce_nonce`: Discord answers a second send with the same
   * nonce (within a few minutes) with the first message instead of posting
   * another, so a send whose answer was lost can be repeated safely.
   * At most 25 characters.
   */
  nonce?: string | undefined;
}

/** A message Discord accepted: its id and the content it holds. */
export interface SentMessage {
  id: string;
  /**
   * Its content as Discord answered it: for a repeated nonce, the first
   * message's (which may differ from what was just sent).
   */
  content: string;
}

/** The REST operations delivery uses. */
export interface DiscordPort {
  /** Sends a message; resolves to the message Discord holds. */
  send(channel_id: string, message: OutgoingMessage): Promise<SentMessage>;
  /** Replaces a message's content, and its buttons when `buttons` is given ([] removes them). */
  edit(
    channel_id: string,
    message_id: string,
    content: string,
    buttons?: readonly ReplyButton[],
  ): Promise<void>;
  /** Deletes one of the bot's messages (absent in ports that cannot). */
  delete?(channel_id: string, message_id: string): Promise<void>;
  /** Shows "Bot is typing…" for about 10 s. */
  typing(channel_id: string): Promise<void>;
}

/** Why a Discord request failed. */
export type DiscordFailureKind =
  /** The message (to edit) no longer exists: Discord error 10008. */
  | "unknown_message"
  /** The channel is gone or invisible: 10003. */
  | "unknown_channel"
  /** The bot lacks a permission there: 50013, 50001, or HTTP 403. */
  | "missing_permissions"
  /** HTTP 429 that got through. */
  | "rate_limited"
  /** No answer within the request's deadline (it may or may not have been applied). */
  | "timeout"
  /** Discord refused the request itself (another 4xx): repeating it cannot help. */
  | "rejected"
  /** Anything else (5xx, a dropped connection): worth another try. */
  | "other";

/** A failed Discord request, classified. */
export class DiscordRequestError extends Error {
  readonly kind: DiscordFailureKind;
  /** Seconds Discord asked to wait, for `rate_limited`. */
  readonly retry_after_s: number | undefined;

  constructor(
    message: string,
    kind: DiscordFailureKind,
    options?: { cause?: unknown; retry_after_s?: number },
  ) {
    super(
      message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "DiscordRequestError";
    this.kind = kind;
    this.retry_after_s = options?.retry_after_s;
  }
}
