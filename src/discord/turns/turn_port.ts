/**
 * The port a turn's reply goes through: the paced REST port, wrapped to
 * post under the persona's name through a webhook (`webhooks: true`) and to
 * open a thread first (`threads: auto`).
 *
 * @module
 */

import type { Logger } from "../../log/logging.ts";
import type { IncomingMessage } from "../../pipeline/incoming_message.ts";
import type { Route } from "../../pipeline/route.ts";
import type { ChannelDirectory } from "../channel_directory.ts";
import type { DiscordPort } from "../discord_port.ts";
import type { DiscordClient } from "../discordeno_client.ts";
import { openingThread } from "../threads/thread_opener.ts";
import type { ThreadPlan } from "../threads/thread_opener.ts";
import type { ThreadRefusals } from "../threads/thread_refusals.ts";
import type { WebhookDirectory } from "../webhooks/webhook_directory.ts";
import { webhookPort } from "../webhooks/webhook_port.ts";

/** A reply's port; `speak` names the persona it posts as, through a webhook. */
export type TurnPort = DiscordPort & {
  speak?: (s: { display_name: string }) => void;
};

/** What building a turn's port needs. */
export interface TurnPortDeps {
  /** The paced REST port every reply goes through. */
  port: DiscordPort;
  client: Pick<
    DiscordClient,
    "startThread" | "webhookMessages" | "bot_user_id"
  >;
  directory: ChannelDirectory;
  logger: Logger;
  webhooks: WebhookDirectory;
  /** Where threads were refused. */
  threadRefusals: ThreadRefusals;
}

/** The port for the reply to `message`, routed by `route`, opening `plan`'s thread if any. */
export function turnPort(
  deps: TurnPortDeps,
  message: IncomingMessage,
  route: Route | null,
  plan: ThreadPlan | null,
): TurnPort {
  const { directory, logger, client } = deps;
  let port: TurnPort = deps.port;
  if (route?.binding.webhooks === true && message.guild_id !== "") {
    port = webhookPort(port, {
      directory: deps.webhooks,
      messages: client.webhookMessages,
      webhookChannelOf: (channel_id) => {
        const known = directory.known(channel_id);
        return known?.is_thread ? known.parent_id : channel_id;
      },
    });
  }
  if (plan !== null) {
    const speak = port.speak;
    port = openingThread(port, plan, {
      start: (channel, id, name) => client.startThread(channel, id, name),
      logger,
      refusals: deps.threadRefusals,
      opened: (thread_id) =>
        directory.setChannel({
          id: thread_id,
          name: plan.name,
          guild_id: message.guild_id,
          parent_id: plan.parent_id,
          is_thread: true,
          owner_id: client.bot_user_id,
        }),
    });
    if (speak) port = Object.assign(port, { speak });
  }
  return port;
}
