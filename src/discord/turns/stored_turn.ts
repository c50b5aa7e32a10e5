/**
 * A turn read back from the store, for a Regenerate pressed after a
 * restart (nothing remembered): it is rebuilt only while it is still the
 * latest of its conversation — its answer is the newest message there, and
 * no `/reset` came since (a reset hides both). The answer's first message
 * and the pressed one are written over; a persona's webhook messages are
 * adopted by the new reply's port so it can edit them. Any rerun starts
 * from the store too: the stored question and the reply it replaces.
 *
 * @module
 */

import type { Config } from "../../config/config_types.ts";
import type { Rerun } from "../../pipeline/controls/turn_controls.ts";
import type { IncomingMessage } from "../../pipeline/incoming_message.ts";
import { resolveRoute } from "../../pipeline/route.ts";
import type { Route } from "../../pipeline/route.ts";
import type { Store } from "../../store/store.ts";
import type { ChannelDirectory } from "../channel_directory.ts";
import type { DiscordPort } from "../discord_port.ts";
import type { ShownReply } from "./latest_replies.ts";

/** What the press tells about the reply. */
export interface PressedReply {
  /** The message the button is on. */
  message_id: string;
  /** Set when a webhook (a persona) posted it. */
  webhook_id?: string | undefined;
  /** Who pressed, with their roles. */
  user_id: string;
  role_ids: string[];
}

/** What rebuilding a turn needs. */
export interface StoredTurnDeps {
  store: Pick<Store, "findMessageByExternalId" | "recentMessages">;
  config: () => Config;
  directory: ChannelDirectory;
  bot_user_id: string;
  /** The port a reply to `message` posts through (a webhook's, where the binding says so). */
  portFor(message: IncomingMessage, route: Route): DiscordPort;
}

/** The turn `turn_id` as the latest reply of its conversation, or undefined; see the module doc. */
export async function storedTurn(
  deps: StoredTurnDeps,
  turn_id: string,
  pressed: PressedReply,
): Promise<ShownReply | undefined> {
  const asked = await deps.store.findMessageByExternalId(turn_id);
  if (asked === null || asked.role !== "user") return undefined;
  const conversation = asked.conversation;
  const [newest] = await deps.store.recentMessages({
    conversation,
    limit: 1,
    since: 0,
  });
  if (
    newest?.role !== "assistant" || newest.reply_to_id !== asked.id ||
    newest.external_id === null
  ) return undefined;
  const channel = await deps.directory.resolve(conversation.channel_id);
  const message: IncomingMessage = {
    id: turn_id,
    channel_id: conversation.channel_id,
    parent_channel_id: channel?.is_thread ? channel.parent_id : "",
    ...(channel?.is_thread && channel.owner_id === deps.bot_user_id
      ? { in_own_thread: true }
      : {}),
    guild_id: conversation.guild_id,
    guild_name: deps.directory.guildName(conversation.guild_id),
    channel_name: channel?.name ?? "",
    author: {
      id: asked.author_id,
      display_name: asked.author_name,
      is_bot: false,
      is_webhook: false,
      // The asker's roles are known only when the asker pressed.
      role_ids: pressed.user_id === asked.author_id ? pressed.role_ids : [],
    },
    content: asked.content,
    mentions_bot: true,
    reply_to: null,
    created_at: asked.created_at,
  };
  const route = resolveRoute(
    { ...message, user_id: message.author.id },
    deps.config(),
  );
  if (route === null) return undefined;
  const port = deps.portFor(message, route);
  const ids = [...new Set([newest.external_id, pressed.message_id])];
  if (pressed.webhook_id !== undefined && "adopt" in port) {
    const adopting = port as {
      adopt(id: string, channel: string): Promise<void>;
    };
    for (const id of ids) await adopting.adopt(id, message.channel_id);
  }
  return {
    turn_id,
    asker_id: asked.author_id,
    conversation: JSON.stringify(route.conversation),
    message,
    channel_id: message.channel_id,
    port,
    posted: ids.map((id) => ({ id, content: newest.content })),
  };
}

/** What answering turn `turn_id` again starts from: its stored question and the reply it replaces. */
export async function storedRerun(
  store: Pick<Store, "findMessageByExternalId" | "recentMessages">,
  turn_id: string,
): Promise<Rerun> {
  const user_message = await store.findMessageByExternalId(turn_id);
  if (user_message === null || user_message.role !== "user") {
    throw new Error(`Cannot answer ${turn_id} again: it is not stored`);
  }
  const recent = await store.recentMessages({
    conversation: user_message.conversation,
    limit: 8,
    since: 0,
  });
  const reply =
    recent.find((m) =>
      m.role === "assistant" && m.reply_to_id === user_message.id
    ) ?? null;
  return { user_message, reply, persona: reply?.persona ?? null };
}
