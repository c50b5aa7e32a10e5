/**
 * A reply that speaks as a persona: once the turn knows its persona
 * (`speakAs`), messages go out through the channel's webhook under the
 * persona's display name and avatar (into a thread with `thread_id`), and
 * their edits and deletions go through the same webhook. Until then (a
 * notice before the persona is chosen), and wherever no webhook can be had,
 * the bot posts as itself. Webhook messages cannot reply to a message, so
 * they carry no reply reference; `allowed_mentions` stays empty.
 *
 * @module
 */

import type {
  DiscordPort,
  OutgoingMessage,
  ReplyButton,
  SentMessage,
} from "../discord_port.ts";
import { DiscordRequestError } from "../discord_port.ts";
import type { Webhook, WebhookDirectory } from "./webhook_directory.ts";

/** Who the webhook posts as. */
export interface Speaker {
  display_name: string;
  avatar_url?: string | undefined;
}

/** Executing and editing webhook messages (implemented over Discordeno). */
export interface WebhookMessages {
  execute(
    hook: Webhook,
    message: {
      content: string;
      username: string;
      avatar_url?: string | undefined;
      thread_id?: string | undefined;
      buttons?: readonly ReplyButton[] | undefined;
    },
  ): Promise<SentMessage>;
  edit(
    hook: Webhook,
    message_id: string,
    edit: {
      content: string;
      thread_id?: string | undefined;
      buttons?: readonly ReplyButton[] | undefined;
    },
  ): Promise<void>;
  delete(
    hook: Webhook,
    message_id: string,
    thread_id?: string | undefined,
  ): Promise<void>;
}

/** A webhook username Discord accepts: 1–80 characters, without "clyde" or "discord". */
export function webhookUsername(display_name: string): string {
  let name = display_name;
  // Taking one out may join the letters around it into another ("ClClydeyde").
  for (let before = ""; before !== name;) {
    before = name;
    name = name.replace(/clyde|discord/gi, "");
  }
  name = name.replace(/\s+/g, " ").trim();
  if (name.length > 80) {
    // Cut at 80 UTF-16 units without splitting a surrogate pair.
    const code = name.charCodeAt(79);
    name = name.slice(0, code >= 0xd800 && code <= 0xdbff ? 79 : 80).trimEnd();
  }
  return name === "" ? "Assistant" : name;
}

/** What the port needs to know about where it posts. */
export interface WebhookPortOptions {
  directory: WebhookDirectory;
  messages: WebhookMessages;
  /** The channel whose webhook serves `channel_id` (a thread's parent, else itself). */
  webhookChannelOf(channel_id: string): string;
}

/** The port of one reply; see the module doc. `speak` sets who it posts as. */
export function webhookPort(
  port: DiscordPort,
  options: WebhookPortOptions,
): DiscordPort & {
  speak(speaker: Speaker): void;
  adopt(message_id: string, channel_id: string): Promise<void>;
} {
  let speaker: Speaker | null = null;
  const sentBy = new Map<string, Webhook>();
  const threadOf = (hook: Webhook, channel_id: string) =>
    hook.channel_id === channel_id ? undefined : channel_id;
  const gone = (error: unknown) =>
    error instanceof DiscordRequestError &&
    (error.kind === "unknown_channel" || /code 10015/.test(error.message));
  return {
    speak(next) {
      speaker = next;
    },
    /** Treats an earlier webhook message (a restart ago) as this reply's own. */
    async adopt(message_id, channel_id) {
      const hook = await options.directory.get(
        options.webhookChannelOf(channel_id),
      );
      if (hook !== null) sentBy.set(message_id, hook);
    },
    async send(channel_id: string, message: OutgoingMessage) {
      const hook = speaker === null ? null : await options.directory.get(
        options.webhookChannelOf(channel_id),
      );
      if (hook === null || speaker === null) {
        return await port.send(channel_id, message);
      }
      try {
        const sent = await options.messages.execute(hook, {
          content: message.content,
          username: webhookUsername(speaker.display_name),
          avatar_url: speaker.avatar_url,
          thread_id: threadOf(hook, channel_id),
          buttons: message.buttons,
        });
        sentBy.set(sent.id, hook);
        return sent;
      } catch (error) {
        // Deleted by a moderator: make or find another next time, post as the bot now.
        if (!gone(error)) throw error;
        options.directory.forget(hook.channel_id);
        return await port.send(channel_id, message);
      }
    },
    async edit(channel_id, message_id, content, buttons) {
      const hook = sentBy.get(message_id);
      if (hook === undefined) {
        return await port.edit(channel_id, message_id, content, buttons);
      }
      await options.messages.edit(hook, message_id, {
        content,
        thread_id: threadOf(hook, channel_id),
        buttons,
      });
    },
    async delete(channel_id, message_id) {
      const hook = sentBy.get(message_id);
      if (hook === undefined) {
        return await port.delete?.(channel_id, message_id);
      }
      await options.messages.delete(
        hook,
        message_id,
        threadOf(hook, channel_id),
      );
    },
    typing: (channel_id) => port.typing(channel_id),
  };
}
