/**
 * Building one turn's request for the context stage: the persona's system
 * prompt, what memory adds (preferences, notes, the summary — fitted into
 * the budget in that order), then history newest first as far as the budget
 * goes (after the summary when there is one), the replied-to message and
 * the new message.
 *
 * @module
 */

import type { BudgetConfig } from "../../config/config_types.ts";
import type { ChatImage, ChatMessage } from "../../llm/chat_types.ts";
import type { TokenCounter } from "../../llm/token_counter.ts";
import {
  MESSAGE_OVERHEAD_TOKENS,
  REPLY_PRIMER_TOKENS,
} from "../../llm/token_estimate.ts";
import type { StoredMessage } from "../../store/store.ts";
import {
  conversationPosition,
  isHistoryOf,
  newestFirst,
} from "../conversation_order.ts";
import { overheardFor } from "../channel_context.ts";
import { historyImages } from "../history_images.ts";
import { safeName } from "../../llm/safe_name.ts";
import { buildContextWindow, withImages } from "../history_window.ts";
import type { WindowMessage } from "../history_window.ts";
import { placesPreferences, renderSystemPrompt } from "../system_prompt.ts";
import { fitMemory, preferencesNote } from "../../memory/memory.ts";
import type {
  FittedMemory,
  MemorySections,
  Recollection,
} from "../../memory/memory.ts";
import type { TurnContext } from "../turn_context.ts";
import { inspectContext } from "../turn_inspection.ts";
import type { ContextDeps } from "./context_stage.ts";
import { readHistory } from "./history_read.ts";
import { repliedToMessage } from "./replied_to_message.ts";

export { containsChunk } from "./replied_to_message.ts";

const NO_IMAGES: readonly ChatImage[] = [];
const NO_ATTACHED: readonly { data_url: string }[] = [];

/** How a stored message reads to the model: user messages carry the speaker's name. */
export function asWindowMessage(
  message: StoredMessage,
  counter: TokenCounter,
  speaker?: string,
): WindowMessage {
  // Where characters speak under their own names (`webhooks: true`), another
  // persona's answer is someone else talking, labelled with its name.
  const ownWords = speaker === undefined || message.persona === speaker;
  if (message.role === "assistant" && ownWords) {
    return {
      role: "assistant",
      content: message.content,
      tokens: message.token_count ?? counter.count(message.content),
    };
  }
  // The speaker label is user-controlled: one line, capped, no braces.
  const prefix = `${safeName(message.author_name)}: `;
  return {
    role: "user",
    content: prefix + message.content,
    tokens: (message.token_count ?? counter.count(message.content)) +
      counter.count(prefix),
  };
}

/** What building the request found out. */
export interface BuiltRequest {
  history_room: number;
  memory: FittedMemory | null;
}

/** Builds `ctx.request` from the system prompt, memory and the history that fits. */
export async function buildRequest(
  ctx: TurnContext,
  deps: ContextDeps,
  facts: {
    budget: BudgetConfig;
    counter: TokenCounter;
    recollection: Recollection | null;
  },
): Promise<BuiltRequest> {
  const { message, route } = ctx;
  const { budget, counter, recollection } = facts;
  const persona = ctx.persona!;
  const userMessage = ctx.user_message!;
  const user = message.author.display_name;
  const preferences = recollection === null
    ? ""
    : preferencesNote(recollection.preferences, safeName(user));
  const system = renderSystemPrompt(persona.system_prompt, {
    user,
    channel: message.channel_name || "direct messages",
    server: message.guild_name ||
      (message.guild_id === "" ? "a direct message" : "this server"),
    persona: persona.display_name,
    now: ctx.started_at,
    preferences,
  });
  const sections: MemorySections | null = recollection === null ? null : {
    preferences: placesPreferences(persona.system_prompt) ? "" : preferences,
    notes: recollection.notes.map((note) => note.content),
    user_name: safeName(user),
    summary: recollection.summary?.content ?? "",
    summary_tokens: budget.summary_tokens,
  };
  // Never past what the server really serves (it would silently cut the
  // start, system prompt included); the reply keeps a quarter of a window
  // smaller than the budget planned for.
  const window_tokens = Math.min(
    budget.context_tokens,
    counter.context_limit ?? Infinity,
  );
  const reserve_tokens = window_tokens < budget.context_tokens
    ? Math.min(budget.reserve_tokens, Math.floor(window_tokens / 4))
    : budget.reserve_tokens;
  let fitted: FittedMemory | null = null;
  let pictures = new Map<number, ChatImage[]>();
  // The window is built several times a turn (each page, blocks, pictures,
  // the replied-to message): each message and text is counted once.
  const counted = new Map<string, number>();
  const count = (text: string) => {
    let tokens = counted.get(text);
    if (tokens === undefined) {
      tokens = counter.count(text);
      counted.set(text, tokens);
    }
    return tokens;
  };
  const windowed = new Map<number, WindowMessage>();
  const speaker = route.binding.webhooks ? ctx.persona_name : undefined;
  const asWindow = (m: StoredMessage) => {
    let message = windowed.get(m.id);
    if (message === undefined) {
      message = asWindowMessage(m, counter, speaker);
      windowed.set(m.id, message);
    }
    return message;
  };
  const current = withImages(
    asWindowMessage(userMessage, counter),
    (ctx.attachments?.images ?? NO_ATTACHED).map((i) => ({ url: i.data_url })),
  );
  const build = (history: StoredMessage[], replied: StoredMessage | null) =>
    buildContextWindow({
      system,
      history: history.map((m) =>
        pictures.size === 0
          ? asWindow(m)
          : withImages(asWindow(m), pictures.get(m.id) ?? NO_IMAGES)
      ),
      replied_to: replied === null ? null : replied.role === "assistant"
        ? {
          role: "assistant",
          content: replied.content,
          tokens: counter.count(replied.content),
        }
        : asWindowMessage(replied, counter),
      current,
      context_tokens: window_tokens,
      reserve_tokens: reserve_tokens,
      max_tokens: persona.max_tokens,
      count,
      message_overhead: MESSAGE_OVERHEAD_TOKENS,
      reply_primer: REPLY_PRIMER_TOKENS,
      ...(sections === null ? {} : {
        memory: (room: number) => fitted = fitMemory(sections, room, count),
      }),
    });

  const anchor = deps.anchors?.peek(route.conversation);
  const read = await readHistory({
    store: deps.store,
    conversation: route.conversation,
    since: ctx.started_at - budget.max_age,
    max_messages: budget.max_messages,
    // With a summary, only what it does not cover yet.
    after_id: recollection?.summary?.through_id,
    anchor,
    isHistory: (m) => isHistoryOf(m, userMessage.id),
    build: (usable) => build(usable, null),
  });
  const { usable, fetched } = read;
  let window = read.window;
  // context: channel with scope: user — what others said in the channel, in order.
  const overheard = await overheardFor(
    deps.store,
    route,
    budget,
    ctx.started_at,
  );
  if (overheard.length > 0) {
    const ids = new Set(usable.map((m) => m.id));
    usable.push(
      ...overheard.filter((m) =>
        !ids.has(m.id) && isHistoryOf(m, userMessage.id)
      ),
    );
    newestFirst(usable).splice(budget.max_messages);
    window = build(usable, null);
  }
  // Dropped in blocks, not one message a turn (history_blocks.ts): the
  // prompt's start stays the same for many turns and the server's prompt
  // cache stays warm.
  const keep = deps.anchors?.choose(
    route.conversation,
    usable.map(conversationPosition),
    window.history_used,
    fetched >= budget.max_messages,
  ) ?? usable.length;
  if (keep < usable.length) {
    usable.splice(keep);
    window = build(usable, null);
  }
  pictures = await historyImages(
    deps.store,
    deps.attachments,
    ctx,
    usable.slice(0, window.history_used),
  );
  if (pictures.size > 0) window = build(usable, null);
  const replied = await repliedToMessage(ctx, deps.store, usable);
  if (replied !== null) window = build(usable, replied);
  ctx.request = window.messages satisfies ChatMessage[];
  ctx.max_tokens = window.max_tokens;
  if (ctx.inspection) {
    await inspectContext(ctx.inspection, ctx, {
      store: deps.store,
      counter,
      budget: { ...budget, context_tokens: window_tokens, reserve_tokens },
      history: usable,
      history_used: window.history_used,
      current_id: userMessage.id,
      prompt_tokens: window.prompt_tokens,
      memory_tokens: window.memory_tokens,
      memory: fitted,
    });
  }
  return { history_room: window.history_room, memory: fitted };
}
