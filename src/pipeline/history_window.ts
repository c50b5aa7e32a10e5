/**
 * Fits a conversation into the model's context window. The system prompt
 * and the new message come first; then what memory adds (preferences,
 * notes, summary: joined to the system message); then the replied-to
 * message, if it is not in the history; then history, newest first, until
 * the budget
 * (`context_tokens − reserve_tokens`) is used. A message larger than the
 * whole budget is truncated with a marker, never refused. By the counter,
 * the prompt plus `max_tokens` never exceeds `context_tokens`.
 *
 * @module
 */

import type { ChatImage, ChatMessage } from "../llm/chat_types.ts";
import { truncateToTokens } from "../llm/truncate_tokens.ts";

export { truncateToTokens, TRUNCATION_MARKER } from "../llm/truncate_tokens.ts";

/** One message that may go into the window, with its counted size. */
export interface WindowMessage {
  role: "user" | "assistant";
  content: string;
  /** Tokens of `content` and `images` (without per-message overhead). */
  tokens: number;
  /** Pictures sent with the message (vision personas). */
  images?: readonly ChatImage[] | undefined;
}

/**
 * Tokens one image is counted as. Servers differ (OpenAI: 85–1105 by size,
 * llama.cpp's multimodal projectors: 256–768); the higher end keeps the
 * request inside the window.
 */
export const IMAGE_TOKENS = 768;

/** The message with pictures attached and counted. */
export function withImages(
  message: WindowMessage,
  images: readonly ChatImage[],
): WindowMessage {
  if (images.length === 0) return message;
  return {
    ...message,
    images,
    tokens: message.tokens + images.length * IMAGE_TOKENS,
  };
}

function chatMessage(message: WindowMessage): ChatMessage {
  return message.images === undefined || message.images.length === 0
    ? { role: message.role, content: message.content }
    : { role: message.role, content: message.content, images: message.images };
}

/** Everything the window is built from. */
export interface WindowInput {
  system: string;
  /** History, newest first. */
  history: readonly WindowMessage[];
  /** A replied-to message not in `history`, or null. */
  replied_to: WindowMessage | null;
  current: WindowMessage;
  context_tokens: number;
  reserve_tokens: number;
  /** The persona's reply length, if set. */
  max_tokens: number | undefined;
  /** The token counter for the persona's endpoint and model. */
  count: (text: string) => number;
  /** Tokens every message costs beyond its content. */
  message_overhead: number;
  /** Tokens the reply's priming costs once per request. */
  reply_primer: number;
  /**
   * What memory adds after the system prompt, given the room left once the
   * system prompt and the new message are placed; its text joins the system
   * message. Absent: nothing.
   */
  memory?: (room: number) => { text: string };
}

/** The request to send. */
export interface ContextWindow {
  messages: ChatMessage[];
  /** Counted prompt size. */
  prompt_tokens: number;
  /** `max_tokens` to send: never more than what is left of the window. */
  max_tokens: number;
  /** History messages included. */
  history_used: number;
  /** True when the system prompt or the new message had to be cut. */
  truncated: boolean;
  /** Tokens of the system message that memory added (0 for none). */
  memory_tokens: number;
  /** Tokens that were left for history (and a replied-to message). */
  history_room: number;
}

/** Builds the request window. */
export function buildContextWindow(input: WindowInput): ContextWindow {
  const { count, message_overhead: overhead } = input;
  const limit = Math.max(0, input.context_tokens - input.reserve_tokens);
  let truncated = false;
  let used = input.reply_primer;

  let system = input.system;
  let systemTokens = count(system);
  const systemLimit = Math.floor((limit - used) / 2) - overhead;
  if (systemTokens > systemLimit) {
    system = truncateToTokens(system, systemLimit, count);
    systemTokens = count(system);
    truncated = true;
  }
  used += systemTokens + overhead;

  let current = input.current;
  if (current.tokens + overhead > limit - used) {
    const pictures = (current.images?.length ?? 0) * IMAGE_TOKENS;
    const content = truncateToTokens(
      current.content,
      limit - used - overhead - pictures,
      count,
    );
    current = { ...current, content, tokens: count(content) + pictures };
    truncated = true;
  }
  used += current.tokens + overhead;

  let memoryTokens = 0;
  if (input.memory !== undefined) {
    // Counted generously: the joined text is counted again as a whole below.
    const extra = input.memory(Math.max(0, limit - used - 2)).text;
    if (extra !== "") {
      const joined = `${system}\n\n${extra}`;
      const joinedTokens = count(joined);
      if (joinedTokens - systemTokens <= limit - used) {
        memoryTokens = joinedTokens - systemTokens;
        used += memoryTokens;
        system = joined;
        systemTokens = joinedTokens;
      }
    }
  }
  const historyRoom = Math.max(0, limit - used);

  let repliedTo: WindowMessage | null = null;
  if (
    input.replied_to !== null &&
    input.replied_to.tokens + overhead <= limit - used
  ) {
    repliedTo = input.replied_to;
    used += repliedTo.tokens + overhead;
  }
  const older: WindowMessage[] = [];
  for (const message of input.history) {
    const cost = message.tokens + overhead;
    if (cost > limit - used) break;
    older.push(message);
    used += cost;
  }

  const messages: ChatMessage[] = [{ role: "system", content: system }];
  for (const message of older.reverse()) messages.push(chatMessage(message));
  if (repliedTo !== null) messages.push(chatMessage(repliedTo));
  messages.push(chatMessage(current));
  const left = Math.max(1, input.context_tokens - used);
  return {
    messages,
    prompt_tokens: used,
    max_tokens: Math.min(input.max_tokens ?? input.reserve_tokens, left),
    history_used: older.length,
    truncated,
    memory_tokens: memoryTokens,
    history_room: historyRoom,
  };
}
