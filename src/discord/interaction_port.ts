/**
 * A `DiscordPort` over one interaction's webhook, so that `/ask` streams
 * through the same `DiscordReply` as a message does: the first message
 * "sent" replaces the deferred response ("Bot is thinking…"), later ones
 * are follow-up messages, and edits go to the webhook message they name
 * (the original response included). Typing is a no-op: the deferral
 * already shows that the bot is working. Nothing here ever pings.
 *
 * @module
 */

import { classifyDiscordError } from "./discordeno_port.ts";
import type { DiscordPort, SentMessage } from "./discord_port.ts";

/** The webhook operations of one interaction (implemented over Discordeno). */
export interface InteractionWebhook {
  /** Acknowledges publicly: "Bot is thinking…" in the channel. */
  defer(): Promise<void>;
  /** Replaces the original response; resolves to its message id. */
  editOriginal(content: string): Promise<string>;
  /** Posts a follow-up message (`ephemeral`: only the caller sees it); resolves to its id. */
  followUp(content: string, ephemeral?: boolean): Promise<string>;
  /** Replaces a follow-up's (or the original's) content. */
  editMessage(message_id: string, content: string): Promise<void>;
  /** Deletes the original response. */
  deleteOriginal(): Promise<void>;
}

/** A port that also tells whether anything replaced the deferral yet. */
export interface InteractionPort extends DiscordPort {
  /** True once a reply or notice replaced "Bot is thinking…". */
  readonly answered: boolean;
}

/** The port for one interaction; see the module doc. */
export function interactionPort(webhook: InteractionWebhook): InteractionPort {
  let originalUsed = false;
  const classified = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw classifyDiscordError(error);
    }
  };
  return {
    get answered() {
      return originalUsed;
    },
    async send(_channel_id, message): Promise<SentMessage> {
      const first = !originalUsed;
      originalUsed = true;
      const id = await classified(() =>
        first
          ? webhook.editOriginal(message.content)
          : webhook.followUp(message.content)
      );
      return { id, content: message.content };
    },
    edit(_channel_id, message_id, content) {
      return classified(() => webhook.editMessage(message_id, content));
    },
    typing() {
      return Promise.resolve();
    },
  };
}
