/**
 * The auth stage: drops messages from bots, webhooks and the bot itself,
 * empty messages, and messages that do not trigger the binding (mention, reply to the bot, or
 * always). Access lists and rate limits were decided by the runner before
 * the turn queued (`admission.ts`). What passes has its text cleaned of the
 * bot's mention.
 *
 * @module
 */

import type { AccessConfig, TriggerKind } from "../../config/config_types.ts";
import { rolesAllowed } from "../access/access_gate.ts";
import type { Stage } from "../compose.ts";
import type { IncomingMessage } from "../incoming_message.ts";
import type { TurnContext } from "../turn_context.ts";

/**
 * True when the message carries no text once the bot's mention is removed
 * and no file (a sticker alone, a bare mention): never a turn, whatever the
 * trigger. A file alone is a question about the file.
 */
export function isEmptyMessage(
  message: IncomingMessage,
  bot_user_id: string,
): boolean {
  return withoutBotMention(message.content, bot_user_id) === "" &&
    (message.attachments?.length ?? 0) === 0;
}

/** True when the message fires one of the binding's triggers. */
export function isTriggered(
  message: IncomingMessage,
  triggers: readonly TriggerKind[],
  bot_user_id: string,
): boolean {
  if (message.slash_command === true) return true;
  return triggers.some((trigger) =>
    trigger === "always" ||
    (trigger === "mention" && message.mentions_bot) ||
    (trigger === "reply" && message.reply_to?.author_id === bot_user_id)
  );
}

/** True when the access lists let this author in, judged by the roles that came with the message. */
export function isAllowed(
  author: IncomingMessage["author"],
  access: AccessConfig,
): boolean {
  return rolesAllowed(author.id, author.role_ids, access).allowed;
}

/** The text without the bot's own mention (`<@id>` or `<@!id>`), trimmed. */
export function withoutBotMention(
  content: string,
  bot_user_id: string,
): string {
  const text = content.includes("<@")
    ? content.replaceAll(`<@${bot_user_id}>`, "").replaceAll(
      `<@!${bot_user_id}>`,
      "",
    )
    : content;
  return text.replace(/^[\s,:]+/, "").trim();
}

/** Creates the auth stage. */
export function authStage(): Stage<TurnContext> {
  return {
    name: "auth",
    run(ctx, next) {
      const { message, bot_user_id } = ctx;
      const author = message.author;
      if (author.is_bot || author.is_webhook || author.id === bot_user_id) {
        ctx.outcome = "ignored";
        ctx.detail = "author is a bot or webhook";
        return Promise.resolve();
      }
      // A rerun answers a question that triggered when it was asked.
      if (
        ctx.rerun === undefined && (
          isEmptyMessage(message, bot_user_id) ||
          !isTriggered(message, ctx.route.binding.trigger, bot_user_id)
        )
      ) {
        ctx.outcome = "ignored";
        ctx.detail = "not triggered";
        return Promise.resolve();
      }
      ctx.text = withoutBotMention(message.content, bot_user_id);
      return next();
    },
  };
}
