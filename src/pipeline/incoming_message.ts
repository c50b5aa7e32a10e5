/**
 * A message as every transport hands it to the runner: Discord's adapter and
 * the terminal chat both produce this shape, with ids as strings and the
 * facts the pipeline needs already worked out (is the bot mentioned, which
 * message does it reply to, the thread's parent).
 *
 * @module
 */

import type { Attachment } from "../attachments/attachment.ts";

/** Who wrote a message. */
export interface MessageAuthor {
  id: string;
  /** The name to show the model: server nickname, else global name, else username. */
  display_name: string;
  is_bot: boolean;
  /** Sent by a webhook (never answered). */
  is_webhook: boolean;
  /** Role ids of the author in this server; empty in DMs. */
  role_ids: string[];
}

/** The message a reply refers to. */
export interface ReferencedMessage {
  message_id: string;
  author_id: string;
  author_name: string;
  /** Its text, when the transport has it ("" otherwise). */
  content: string;
}

/** One incoming message. */
export interface IncomingMessage {
  /** Platform id of the message (Discord snowflake). */
  id: string;
  /** The channel or thread it was written in. */
  channel_id: string;
  /** For a thread: the channel it belongs to; "" otherwise. */
  parent_channel_id: string;
  /**
   * True in a thread the bot itself opened (`threads: auto`): there every
   * message is a turn, mention or not. Absent: false.
   */
  in_own_thread?: boolean;
  /** The server, or "" for a DM. */
  guild_id: string;
  /** Names for the system prompt's {{server}} and {{channel}}; "" when unknown. */
  guild_name: string;
  channel_name: string;
  author: MessageAuthor;
  /** The text as written, mentions included. */
  content: string;
  /** True when the bot itself is @mentioned (not @everyone, not a role). */
  mentions_bot: boolean;
  /** The message this one replies to, if any. */
  reply_to: ReferencedMessage | null;
  /** When it was written, epoch ms. */
  created_at: number;
  /** Files (and image embeds) attached to it; absent or empty when none. */
  attachments?: readonly Attachment[] | undefined;
  /**
   * True for a slash command such as `/ask`: addressed to the bot whatever
   * the binding's triggers say.
   */
  slash_command?: boolean | undefined;
  /** A persona the user asked for (`/ask persona:`); used when the binding allows it. */
  persona?: string | undefined;
}
