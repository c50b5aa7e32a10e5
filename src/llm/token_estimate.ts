/**
 * A fast, dependency-free token estimate that errs on the high side for the
 * tokenizers self-hosted models use (Llama 3, Mistral, Qwen, GPT-style BPE):
 * a run of ASCII letters counts one token per 4 letters, digits one per 3,
 * every punctuation mark one, every other character one (two outside the
 * Basic Multilingual Plane, e.g. emoji). A single space before a word is
 * free; longer runs of white space cost a little. Calibration against the
 * server's real counts (see `token_counter.ts`) scales it down to size.
 *
 * @module
 */

import type { ChatMessage } from "./chat_types.ts";

/** Tokens a chat template adds around each message (role markers, separators). */
export const MESSAGE_OVERHEAD_TOKENS = 5;
/** Tokens of the template's start and the assistant's reply header. */
export const REPLY_PRIMER_TOKENS = 3;

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isBreak(code: number): boolean {
  return code === 10 || code === 13 || code === 9;
}

/** The uncalibrated estimate of the tokens in `text`. */
export function estimateTokens(text: string): number {
  let tokens = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    const start = i;
    if (isLetter(code)) {
      while (i < n && isLetter(text.charCodeAt(i))) i++;
      tokens += Math.ceil((i - start) / 4);
    } else if (isDigit(code)) {
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      tokens += Math.ceil((i - start) / 3);
    } else if (code === 32) {
      while (i < n && text.charCodeAt(i) === 32) i++;
      tokens += Math.ceil((i - start - 1) / 4);
    } else if (isBreak(code)) {
      while (i < n && isBreak(text.charCodeAt(i))) i++;
      tokens += Math.ceil((i - start) / 2);
    } else if (code >= 0xd800 && code <= 0xdbff) {
      tokens += 2;
      i += 2;
    } else {
      tokens += 1;
      i += 1;
    }
  }
  return tokens;
}

/**
 * Tokens of a whole message list under `count`: each message's content and
 * name plus `MESSAGE_OVERHEAD_TOKENS`, and `REPLY_PRIMER_TOKENS` once.
 */
export function countMessageTokens(
  messages: readonly ChatMessage[],
  count: (text: string) => number,
): number {
  let total = REPLY_PRIMER_TOKENS;
  for (const message of messages) {
    total += count(message.content) + MESSAGE_OVERHEAD_TOKENS;
    if (message.name !== undefined && message.name !== "") {
      total += count(message.name) + 1;
    }
  }
  return total;
}
