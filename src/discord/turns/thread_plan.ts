/**
 * Whether a new message opens a thread for its answer (`threads: auto`),
 * and if so the thread to open and the message as the conversation inside
 * that thread sees it.
 *
 * @module
 */

import type { IncomingMessage } from "../../pipeline/incoming_message.ts";
import type { Route } from "../../pipeline/route.ts";
import {
  isEmptyMessage,
  isTriggered,
  withoutBotMention,
} from "../../pipeline/stages/auth_stage.ts";
import type { ThreadPlan } from "../threads/thread_opener.ts";
import { threadName } from "../threads/thread_name.ts";

/** True when the message, routed by `route`, opens a thread for its answer. */
export function opensThread(
  message: IncomingMessage,
  route: Route,
  bot: string,
): boolean {
  return route.binding.threads === "auto" && message.guild_id !== "" &&
    message.parent_channel_id === "" && !message.author.is_bot &&
    !message.author.is_webhook && !isEmptyMessage(message, bot) &&
    isTriggered(message, route.binding.trigger, bot);
}

/**
 * The thread `message` opens (null when it opens none, or has no `first`
 * route), and the message moved into that thread.
 */
export function threadPlanFor(
  incoming: IncomingMessage,
  first: Route | null,
  bot: string,
): { message: IncomingMessage; plan: ThreadPlan | null } {
  let message = incoming;
  let plan: ThreadPlan | null = null;
  if (first !== null && opensThread(message, first, bot)) {
    plan = {
      parent_id: message.channel_id,
      message_id: message.id,
      name: threadName(
        withoutBotMention(message.content, bot),
        message.author.display_name,
      ),
    };
    // Discord gives a thread started on a message that message's id: the conversation lives there.
    message = {
      ...message,
      channel_id: message.id,
      parent_channel_id: message.channel_id,
      channel_name: plan.name,
      in_own_thread: true,
    };
  }
  return { message, plan };
}
