/**
 * The webhook REST calls over Discordeno's REST manager. Discordeno's own
 * `executeWebhook` joins `wait` and `thread_id` without "&" and cannot ask
 * for `with_components` (which an application-owned webhook needs to post
 * buttons), so the URLs are built here; bodies go through Discordeno's
 * camelCase → snake_case conversion like every other request.
 *
 * @module
 */

import { buttonComponents, classifyDiscordError } from "../discordeno_port.ts";
import type { Webhook, WebhookLookup } from "./webhook_directory.ts";
import type { WebhookMessages } from "./webhook_port.ts";

/** The part of Discordeno's REST manager used here. */
export interface RestLike {
  get(url: string, options?: Record<string, unknown>): Promise<unknown>;
  post(url: string, options?: Record<string, unknown>): Promise<unknown>;
  patch(url: string, options?: Record<string, unknown>): Promise<unknown>;
  delete(url: string, options?: Record<string, unknown>): Promise<unknown>;
}

interface RawWebhook {
  id?: string;
  token?: string;
  channelId?: string;
  applicationId?: string | null;
  type?: number;
}

function query(params: Record<string, string | undefined>): string {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v ?? "")}`);
  return pairs.length === 0 ? "" : `?${pairs.join("&")}`;
}

async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw classifyDiscordError(error);
  }
}

function asWebhook(raw: RawWebhook, channel_id: string): Webhook | null {
  if (typeof raw.id !== "string" || typeof raw.token !== "string") return null;
  return {
    id: raw.id,
    token: raw.token,
    channel_id: raw.channelId ?? channel_id,
  };
}

/** Finding and creating the bot's webhooks. */
export function discordenoWebhookLookup(
  rest: RestLike,
  application_id: () => string,
): WebhookLookup {
  return {
    async ownWebhooks(channel_id) {
      const list = await call(() =>
        rest.get(`/channels/${channel_id}/webhooks`)
      );
      return (Array.isArray(list) ? list as RawWebhook[] : [])
        .filter((w) => w.type === 1 && w.applicationId === application_id())
        .flatMap((w) => asWebhook(w, channel_id) ?? []);
    },
    async create(channel_id, name) {
      const made = await call(() =>
        rest.post(`/channels/${channel_id}/webhooks`, { body: { name } })
      ) as RawWebhook;
      const hook = asWebhook(made, channel_id);
      if (hook === null) {
        throw new Error(
          `Discord created a webhook in ${channel_id} without a token`,
        );
      }
      return hook;
    },
  };
}

/** Posting, editing and deleting webhook messages. */
export function discordenoWebhookMessages(rest: RestLike): WebhookMessages {
  return {
    async execute(hook, message) {
      const sent = await call(() =>
        rest.post(
          `/webhooks/${hook.id}/${hook.token}${
            query({
              wait: "true",
              with_components: "true",
              thread_id: message.thread_id,
            })
          }`,
          {
            unauthorized: true,
            body: {
              content: message.content,
              username: message.username,
              ...(message.avatar_url ? { avatarUrl: message.avatar_url } : {}),
              allowedMentions: { parse: [] },
              ...(message.buttons?.length
                ? { components: buttonComponents(message.buttons) }
                : {}),
            },
          },
        )
      ) as { id?: string; content?: string };
      if (typeof sent?.id !== "string") {
        throw new Error("Discord answered a webhook message without its id");
      }
      return {
        id: sent.id,
        content: typeof sent.content === "string"
          ? sent.content
          : message.content,
      };
    },
    async edit(hook, message_id, edit) {
      await call(() =>
        rest.patch(
          `/webhooks/${hook.id}/${hook.token}/messages/${message_id}${
            query({ with_components: "true", thread_id: edit.thread_id })
          }`,
          {
            unauthorized: true,
            body: {
              content: edit.content,
              allowedMentions: { parse: [] },
              ...(edit.buttons === undefined
                ? {}
                : { components: buttonComponents(edit.buttons) }),
            },
          },
        )
      );
    },
    async delete(hook, message_id, thread_id) {
      await call(() =>
        rest.delete(
          `/webhooks/${hook.id}/${hook.token}/messages/${message_id}${
            query({ thread_id })
          }`,
          { unauthorized: true },
        )
      );
    },
  };
}
