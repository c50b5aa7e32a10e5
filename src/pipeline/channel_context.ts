/**
 * Channel awareness (`context: channel`): in a bound server channel, the
 * messages not addressed to the bot are kept — as user messages of the
 * channel's shared conversation (the one `scope: channel` answers in) — so
 * that "what do you think of what Alice said?" can be answered. Only bound
 * channels are kept (an unbound channel never reaches here), never DMs,
 * never bots or webhooks, never someone the access lists keep out, never
 * someone whose `history` preference is off. What the model sees of them is
 * bounded like any history: the budget, `max_age`, `max_messages`, and
 * `retention` deletes them. Being stored messages of their authors, they
 * are exported and forgotten with everything else about them. Files are
 * named (`[attached: …]`, `[image: …]`) but never downloaded.
 *
 * @module
 */

import type { Attachment } from "../attachments/attachment.ts";
import { declaredKind } from "../attachments/file_kind.ts";
import { attachedNote, safeFileName } from "../attachments/file_label.ts";
import type { BudgetConfig } from "../config/config_types.ts";
import type { ConversationKey, Store, StoredMessage } from "../store/store.ts";
import type { AccessGate } from "./access/access_gate.ts";
import type { IncomingMessage } from "./incoming_message.ts";
import type { Route } from "./route.ts";
import { withoutBotMention } from "./stages/auth_stage.ts";

/** The conversation a channel's overheard messages are kept in. */
export function channelLogKey(route: Route): ConversationKey {
  return {
    channel_id: route.conversation.channel_id,
    guild_id: route.conversation.guild_id,
    user_id: "",
  };
}

/** What keeping a message needs. */
export interface OverhearDeps {
  store: Store;
  access: AccessGate;
  now(): number;
  /** False when the user turned history off (default: everyone keeps history). */
  keepsHistory?: (user_id: string) => Promise<boolean>;
}

/** The names of a message's files, as the model reads them (nothing is downloaded). */
function fileNotes(attachments: readonly Attachment[]): string[] {
  return attachments.slice(0, 10).map((a) => {
    const name = safeFileName(a.name);
    return declaredKind(a.name, a.content_type) === "image"
      ? `[image: ${name}]`
      : attachedNote(name, a.size, "not read");
  });
}

/**
 * Keeps a message the bot was not asked to answer, when its binding says
 * `context: channel`; returns true when it was kept.
 */
export async function overhear(
  deps: OverhearDeps,
  message: IncomingMessage,
  route: Route,
  bot_user_id: string,
): Promise<boolean> {
  if (route.binding.context !== "channel" || message.guild_id === "") {
    return false;
  }
  const author = message.author;
  if (author.is_bot || author.is_webhook || author.id === bot_user_id) {
    return false;
  }
  const content = [
    withoutBotMention(message.content, bot_user_id),
    ...fileNotes(message.attachments ?? []),
  ].filter((part) => part !== "").join("\n");
  if (content === "") return false;
  const verdict = await deps.access.decide({
    user_id: author.id,
    guild_id: message.guild_id,
    role_ids: author.role_ids,
  });
  if (!verdict.allowed) return false;
  if (deps.keepsHistory && !(await deps.keepsHistory(author.id))) return false;
  await deps.store.addMessage({
    conversation: channelLogKey(route),
    external_id: message.id,
    author_id: author.id,
    author_name: author.display_name,
    role: "user",
    persona: route.binding.persona,
    content,
    token_count: null,
    created_at: deps.now(),
    partial: false,
  });
  return true;
}

/**
 * The channel's overheard messages a `scope: user` turn may see (newest
 * first, at most `max_messages`, within `max_age` and after the user's own
 * last reset). Empty when the binding keeps none, and for `scope: channel`,
 * whose conversation already holds them.
 */
export async function overheardFor(
  store: Store,
  route: Route,
  budget: BudgetConfig,
  started_at: number,
): Promise<StoredMessage[]> {
  if (
    route.binding.context !== "channel" || route.conversation.user_id === ""
  ) return [];
  const reset = await store.lastReset(route.conversation) ?? 0;
  const rows = await store.recentMessages({
    conversation: channelLogKey(route),
    limit: budget.max_messages,
    since: Math.max(started_at - budget.max_age, reset),
  });
  return rows.filter((m) => m.role === "user" && m.content !== "");
}
