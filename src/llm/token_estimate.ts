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

/** Character classes of ASCII: 0 punctuation and controls, then the runs. */
const OTHER = 0;
const LETTER = 1;
const DIGIT = 2;
const SPACE = 3;
const BREAK = 4;
const ASCII_CLASS = new Uint8Array(128);
for (let code = 65; code <= 90; code++) ASCII_CLASS[code] = LETTER;
for (let code = 97; code <= 122; code++) ASCII_CLASS[code] = LETTER;
for (let code = 48; code <= 57; code++) ASCII_CLASS[code] = DIGIT;
ASCII_CLASS[32] = SPACE;
ASCII_CLASS[9] = BREAK;
ASCII_CLASS[10] = BREAK;
ASCII_CLASS[13] = BREAK;

/** The uncalibrated estimate of the tokens in `text` (one pass, integer math). */
export function estimateTokens(text: string): number {
  let tokens = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code >= 128) {
      // Outside the Basic Multilingual Plane (a surrogate pair): two.
      if (code >= 0xd800 && code <= 0xdbff) {
        tokens += 2;
        i += 2;
      } else {
        tokens += 1;
        i += 1;
      }
      continue;
    }
    const kind = ASCII_CLASS[code];
    const start = i++;
    if (kind === OTHER) {
      tokens += 1;
      continue;
    }
    while (i < n) {
      const next = text.charCodeAt(i);
      if (next >= 128 || ASCII_CLASS[next] !== kind) break;
      i++;
    }
    const run = i - start;
    if (kind === LETTER) tokens += (run + 3) >> 2; // ceil(run / 4)
    else if (kind === SPACE) tokens += (run + 2) >> 2; // ceil((run - 1) / 4)
    else if (kind === DIGIT) tokens += ((run + 2) / 3) | 0; // ceil(run / 3)
    else tokens += (run + 1) >> 1; // line breaks and tabs: ceil(run / 2)
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
